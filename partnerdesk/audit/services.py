"""Writing audit events. Services call `audit_record` inside their own transaction, so an event
exists exactly when its change does."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from django.db import models

from partnerdesk.audit.models import ActorKind, AuditEvent
from partnerdesk.core.actor import Actor


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    return value


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of `obj`, ready to store as `before` or `after`."""
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def actor_kind(actor: Actor) -> str:
    if actor.is_delegated:
        return ActorKind.DELEGATED
    if actor.is_console_actor:
        return ActorKind.CUSTOMER_ADMIN
    if actor.credential_id is not None:
        return ActorKind.CREDENTIAL
    if actor.user_id is None:
        return ActorKind.SYSTEM
    if actor.partner_id is None:
        return ActorKind.OPERATOR
    return ActorKind.USER


def actor_partner_id(actor: Actor) -> int | None:
    """The partner whose log shows the change: the actor's own, or, for a delegated session,
    the partner behind it (a customer admin's changes are in the customer's log only)."""
    return actor.partner_id if actor.partner_id is not None else actor.via_partner_id


def actor_label(actor: Actor) -> str:
    """Who, as the logs print it; P-4: "partner user X via partner P" for delegated sessions."""
    name = actor.display_name or "partnerdesk"
    if actor.is_delegated:
        return f"{name} via {actor.via_partner}"[:200]
    return name


def audit_record(
    *,
    actor: Actor,
    action: str,
    target: models.Model,
    label: str = "",
    customer_id: int | None = None,
    partner_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record one change made by `actor` to `target` (call inside the change's transaction)."""
    object_id = getattr(target, "uuid", None) or target.pk
    return AuditEvent.objects.create(
        partner_id=partner_id if partner_id is not None else actor_partner_id(actor),
        customer_id=customer_id if customer_id is not None else actor.customer_id,
        actor_kind=actor_kind(actor),
        user_id=actor.user_id,
        credential_id=actor.credential_id,
        actor_label=actor_label(actor),
        address=actor.address or None,
        action=action,
        object_type=target._meta.model_name or "",
        object_id=str(object_id),
        object_label=(label or str(target))[:200],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
    )
