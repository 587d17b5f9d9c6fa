"""Reads of the outbound app: a partner's endpoints and its webhook deliveries (Super Admins)."""

from __future__ import annotations

from django.db.models import QuerySet

from partnerdesk.core.actor import Actor
from partnerdesk.core.permissions import Action
from partnerdesk.outbound.access import endpoint_for
from partnerdesk.outbound.models import Delivery, DeliveryAttempt, Target, WebhookEndpoint


def webhook_endpoints(actor: Actor) -> QuerySet[WebhookEndpoint]:
    actor.require(Action.MANAGE_PARTNER)
    return WebhookEndpoint.objects.filter(partner_id=actor.partner_pk).order_by("id")


def webhook_endpoint(actor: Actor, endpoint_id: int | str) -> WebhookEndpoint:
    actor.require(Action.MANAGE_PARTNER)
    return endpoint_for(actor, endpoint_id)


def webhook_deliveries(actor: Actor, *, endpoint_id: int | None = None) -> QuerySet[Delivery]:
    """The partner's webhook deliveries, newest first (CRM deliveries are the operator's)."""
    actor.require(Action.MANAGE_PARTNER)
    qs = Delivery.objects.filter(partner_id=actor.partner_pk, target=Target.WEBHOOK)
    if endpoint_id is not None:
        qs = qs.filter(endpoint_id=endpoint_id)
    return qs.select_related("event", "endpoint").order_by("-id")


def delivery_attempts(delivery: Delivery) -> QuerySet[DeliveryAttempt]:
    return DeliveryAttempt.objects.filter(
        delivery=delivery, partner_id=delivery.partner_id
    ).order_by("-id")
