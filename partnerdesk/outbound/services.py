"""Writes of the outbound app: emitting events (the outbox) and managing webhook endpoints.

`event_emit` is called by other services inside their own transaction, so an event and its
deliveries exist exactly when the change does; the worker is woken after commit."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from partnerdesk.audit.services import actor_label, audit_record
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import Conflict, ValidationFailed
from partnerdesk.core.permissions import Action
from partnerdesk.outbound.access import delivery_for, endpoint_for
from partnerdesk.outbound.destinations import clean_url
from partnerdesk.outbound.events import CRM_EVENT, EVENT_LABELS
from partnerdesk.outbound.models import (
    Delivery,
    DeliveryStatus,
    OutboundEvent,
    Target,
    WebhookEndpoint,
)
from partnerdesk.outbound.signing import secret_generate
from partnerdesk.partners.models import Partner

MAX_ENDPOINTS = 20
MAX_DESCRIPTION = 200
AUDITED_FIELDS = ("url", "description", "events", "active")


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, sort_keys=False)


def _iso(moment: Any) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def _crm_body(customer_id: int | None, payload: dict[str, Any]) -> str | None:
    """N-2: the CRM learns the customer's new cloud service account name."""
    if not getattr(settings, "CRM_ENDPOINT_URL", "") or customer_id is None:
        return None
    from partnerdesk.customers.models import Customer

    name = payload.get("showAs", payload.get("name"))
    if not isinstance(name, str):
        raise ValueError("customer.renamed needs the new name as payload['showAs'].")
    account = Customer.objects.values_list("uuid", flat=True).get(pk=customer_id)
    return _json({"accountId": str(account), "name": name})


def event_emit(
    *, event_type: str, partner_id: int, customer_id: int | None, payload: dict[str, Any]
) -> OutboundEvent:
    """Record an event and one delivery per receiver, inside the caller's transaction; the
    deliveries are queued for the worker once that transaction commits."""
    if event_type not in EVENT_LABELS:
        raise ValueError(f"Unknown outbound event type {event_type!r}.")
    if not connection.in_atomic_block:
        raise RuntimeError("event_emit must run inside the transaction of the change it reports.")
    event = OutboundEvent.objects.create(
        partner_id=partner_id, customer_id=customer_id, event_type=event_type, payload=payload
    )
    now = timezone.now()
    body = _json({"type": event_type, "timestamp": _iso(event.created_at), "data": payload})
    rows = [
        Delivery(
            partner_id=partner_id,
            event=event,
            target=Target.WEBHOOK,
            endpoint=endpoint,
            url=endpoint.url,
            body=body,
            next_attempt_at=now,
            window_starts_at=now,
        )
        for endpoint in WebhookEndpoint.objects.filter(partner_id=partner_id, active=True)
        if event_type in endpoint.events
    ]
    crm_body = _crm_body(customer_id, payload) if event_type == CRM_EVENT else None
    if crm_body is not None:
        rows.append(
            Delivery(
                partner_id=partner_id,
                event=event,
                target=Target.CRM,
                url=settings.CRM_ENDPOINT_URL,
                body=crm_body,
                next_attempt_at=now,
                window_starts_at=now,
            )
        )
    if rows:
        created = Delivery.objects.bulk_create(rows)
        ids = [d.pk for d in created]
        transaction.on_commit(lambda: _wake(ids))
    return event


def _wake(delivery_ids: list[int]) -> None:
    from partnerdesk.outbound.tasks import delivery_send, ensure_sweep_scheduled

    for delivery_id in delivery_ids:
        delivery_send.enqueue(delivery_id)
    ensure_sweep_scheduled()


def _clean_events(events: Any) -> list[str]:
    if not isinstance(events, list | tuple) or not events:
        raise ValidationFailed(
            "Choose at least one event to send to this endpoint.",
            fields={"events": "Choose at least one event."},
        )
    unknown = [str(e) for e in events if e not in EVENT_LABELS]
    if unknown:
        message = f"Unknown event type: {', '.join(unknown)[:200]}."
        raise ValidationFailed(message, fields={"events": message})
    return [name for name in EVENT_LABELS if name in events]


def _clean_description(description: str) -> str:
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        message = f"Descriptions are at most {MAX_DESCRIPTION} characters."
        raise ValidationFailed(message, fields={"description": message})
    if any(ord(c) < 32 for c in description):
        message = "Descriptions cannot contain control characters."
        raise ValidationFailed(message, fields={"description": message})
    return description


def _snapshot(endpoint: WebhookEndpoint) -> dict[str, Any]:
    # Never the secret: the audit log is read by people who must not sign as the partner.
    return {name: getattr(endpoint, name) for name in AUDITED_FIELDS}


def webhook_endpoint_create(
    *,
    actor: Actor,
    url: str,
    events: list[str],
    description: str = "",
    active: bool = True,
) -> WebhookEndpoint:
    """N-3 (Super Admins only): a new endpoint with a fresh secret (shown to the caller once)."""
    actor.require(Action.MANAGE_PARTNER)
    url = clean_url(url)
    events = _clean_events(events)
    description = _clean_description(description)
    with transaction.atomic():
        # Serialises concurrent creates of one partner, so the limit holds.
        Partner.objects.select_for_update().filter(pk=actor.partner_pk).first()
        if WebhookEndpoint.objects.filter(partner_id=actor.partner_pk).count() >= MAX_ENDPOINTS:
            raise Conflict(
                f"A partner can have at most {MAX_ENDPOINTS} webhook endpoints; "
                "delete one before adding another.",
                code="tooManyEndpoints",
            )
        endpoint = WebhookEndpoint.objects.create(
            partner_id=actor.partner_pk,
            url=url,
            description=description,
            events=events,
            active=active,
            secret=secret_generate(),
            created_by=actor_label(actor),
        )
        audit_record(
            actor=actor,
            action="webhook_endpoint.created",
            target=endpoint,
            after=_snapshot(endpoint),
        )
    return endpoint


def webhook_endpoint_update(
    *,
    actor: Actor,
    endpoint_id: int | str,
    url: str | None = None,
    events: list[str] | None = None,
    description: str | None = None,
    active: bool | None = None,
) -> WebhookEndpoint:
    """N-3 (Super Admins only): change what is given; the secret stays."""
    actor.require(Action.MANAGE_PARTNER)
    endpoint = endpoint_for(actor, endpoint_id)
    before = _snapshot(endpoint)
    if url is not None:
        endpoint.url = clean_url(url)
    if events is not None:
        endpoint.events = _clean_events(events)
    if description is not None:
        endpoint.description = _clean_description(description)
    if active is not None:
        endpoint.active = bool(active)
    after = _snapshot(endpoint)
    if after != before:
        with transaction.atomic():
            endpoint.save(update_fields=list(AUDITED_FIELDS))
            audit_record(
                actor=actor,
                action="webhook_endpoint.updated",
                target=endpoint,
                before=before,
                after=after,
            )
    return endpoint


def webhook_endpoint_delete(*, actor: Actor, endpoint_id: int | str) -> int:
    """N-3 (Super Admins only): delete an endpoint; its waiting deliveries are given up.
    Returns how many were waiting. Past deliveries stay listed."""
    actor.require(Action.MANAGE_PARTNER)
    endpoint = endpoint_for(actor, endpoint_id)
    with transaction.atomic():
        dropped = Delivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING).update(
            status=DeliveryStatus.FAILED,
            next_attempt_at=None,
            last_error="The endpoint was deleted.",
        )
        audit_record(
            actor=actor,
            action="webhook_endpoint.deleted",
            target=endpoint,
            before=_snapshot(endpoint),
        )
        endpoint.delete()
    return dropped


def webhook_endpoint_rotate_secret(*, actor: Actor, endpoint_id: int | str) -> WebhookEndpoint:
    """N-3 (Super Admins only): a new secret at once; later sends are signed with it."""
    actor.require(Action.MANAGE_PARTNER)
    endpoint = endpoint_for(actor, endpoint_id)
    with transaction.atomic():
        endpoint.secret = secret_generate()
        endpoint.save(update_fields=["secret"])
        audit_record(
            actor=actor,
            action="webhook_endpoint.secret_rotated",
            target=endpoint,
            before={"secret": "(previous)"},
            after={"secret": "(new, not recorded)"},
        )
    return endpoint


def delivery_redeliver(*, actor: Actor, delivery_id: int | str) -> Delivery:
    """N-3 (Super Admins only): send a delivered or given-up delivery again, as a fresh cycle
    of attempts with its own retry window. Earlier attempts stay listed."""
    actor.require(Action.MANAGE_PARTNER)
    delivery = delivery_for(actor, delivery_id)
    if delivery.status == DeliveryStatus.PENDING:
        raise Conflict("This delivery is already waiting to be sent.", code="alreadyPending")
    endpoint = delivery.endpoint
    if endpoint is None:
        raise Conflict("The endpoint of this delivery was deleted.", code="endpointDeleted")
    if not endpoint.active:
        raise Conflict(
            "The endpoint is inactive; make it active before redelivering.",
            code="endpointInactive",
        )
    now = timezone.now()
    with transaction.atomic():
        changed = (
            Delivery.objects.filter(pk=delivery.pk)
            .exclude(status=DeliveryStatus.PENDING)
            .update(
                status=DeliveryStatus.PENDING,
                url=endpoint.url,
                attempts=0,
                next_attempt_at=now,
                window_starts_at=now,
                claimed_until=None,
                delivered_at=None,
            )
        )
        if not changed:
            raise Conflict("This delivery is already waiting to be sent.", code="alreadyPending")
        audit_record(
            actor=actor,
            action="webhook_delivery.redelivered",
            target=delivery,
            label=f"{delivery.event.event_type} → {endpoint.url}",
            customer_id=delivery.event.customer_id,
            before={"status": delivery.status, "attempts": delivery.attempts},
            after={"status": DeliveryStatus.PENDING},
        )
        transaction.on_commit(lambda: _wake([delivery.pk]))
    delivery.refresh_from_db()
    return delivery
