"""By-id lookups of the outbound app: the partner's own rows, or NotFound (missing and another
partner's alike)."""

from __future__ import annotations

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import NotFound
from partnerdesk.outbound.models import Delivery, Target, WebhookEndpoint

MAX_ID = 2**63 - 1


def _key(value: int | str) -> int | None:
    try:
        key = int(value)
    except (TypeError, ValueError):
        return None
    return key if 1 <= key <= MAX_ID else None


def endpoint_for(actor: Actor, endpoint_id: int | str) -> WebhookEndpoint:
    key = _key(endpoint_id)
    endpoint = (
        WebhookEndpoint.objects.filter(partner_id=actor.partner_pk, pk=key).first()
        if key is not None and actor.is_partner_actor
        else None
    )
    if endpoint is None:
        raise NotFound("No such webhook endpoint.")
    return endpoint


def delivery_for(actor: Actor, delivery_id: int | str) -> Delivery:
    """A webhook delivery of the actor's partner (CRM deliveries are the operator's)."""
    key = _key(delivery_id)
    delivery = (
        Delivery.objects.select_related("event", "endpoint")
        .filter(partner_id=actor.partner_pk, target=Target.WEBHOOK, pk=key)
        .first()
        if key is not None and actor.is_partner_actor
        else None
    )
    if delivery is None:
        raise NotFound("No such delivery.")
    return delivery
