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
    if actor.credential_id is not None:
        return ActorKind.CREDENTIAL
    if actor.user_id is None:
        return ActorKind.SYSTEM
    if actor.partner_id is None:
        return ActorKind.OPERATOR
    return ActorKind.USER


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
        partner_id=partner_id if partner_id is not None else actor.partner_id,
        customer_id=customer_id,
        actor_kind=actor_kind(actor),
        user_id=actor.user_id,
        credential_id=actor.credential_id,
        actor_label=actor.display_name or "partnerdesk",
        address=actor.address or None,
        action=action,
        object_type=target._meta.model_name or "",
        object_id=str(object_id),
        object_label=(label or str(target))[:200],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
    )
