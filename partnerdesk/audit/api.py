"""The partner audit log through the API (S-2), under the partnerdesk/v1 conventions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import ConfigDict

from partnerdesk.audit.actions import action_label
from partnerdesk.audit.selectors import AuditFilters, audit_events
from partnerdesk.compat.auth import PARTNER_HEADER, api_actor, require_partner
from partnerdesk.compat.schemas import PageInfo, errors
from partnerdesk.compat.serialize import page_dict
from partnerdesk.core.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

router = Router(tags=["Audit log (partnerdesk)"])


class AuditEventOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": 41,
                "occurredAt": "2026-12-03T10:15:00Z",
                "actor": "Ada Lovelace",
                "actorKind": "user",
                "address": "198.51.100.7",
                "action": "group.member_added",
                "actionLabel": "Customer added to group",
                "objectType": "customergroup",
                "objectId": "3",
                "objectLabel": "Cedar Dental → Healthcare",
                "customerId": "5b0fbd8e-3d6e-4c5a-9a57-5d7c1f0e2a11",
                "before": {"member": False},
                "after": {"member": True, "group": "Healthcare"},
            }
        }
    )

    id: int
    occurredAt: dt.datetime
    actor: str
    actorKind: str
    address: str | None
    action: str
    actionLabel: str
    objectType: str
    objectId: str
    objectLabel: str
    customerId: str | None
    before: Any = None
    after: Any = None


class AuditPage(Schema):
    items: list[AuditEventOut]
    pages: PageInfo


@router.get(
    "/audit-events",
    response={200: AuditPage, **errors(400, 403, 404)},
    exclude_unset=True,
    summary="Read the partner audit log",
)
def audit_list(
    request: HttpRequest,
    customerId: str = Query("", max_length=64, pattern=r"^[0-9a-fA-F-]*$"),
    action: str = Query("", max_length=60, pattern=r"^[a-z_.]*$"),
    since: dt.date | None = None,
    until: dt.date | None = None,
    page: int = Query(1, ge=1, le=10_000_000),
    pageSize: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
    pageTotal: bool = Query(False),
    x_partner_id: str = PARTNER_HEADER,
) -> Any:
    """S-2, newest first. Super Admin and Business Admin credentials read every event of the
    partner; Admin credentials those of their assigned customers; other roles are refused."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    filters = AuditFilters(customer=customerId, action=action, since=since, until=until)
    qs = audit_events(actor, filters)
    offset = (page - 1) * pageSize
    events = list(qs[offset : offset + pageSize])
    return {
        "items": [
            {
                "id": e.pk,
                "occurredAt": e.occurred_at,
                "actor": e.actor_label,
                "actorKind": e.actor_kind,
                "address": e.address,
                "action": e.action,
                "actionLabel": action_label(e.action),
                "objectType": e.object_type,
                "objectId": e.object_id,
                "objectLabel": e.object_label,
                "customerId": str(e.customer.uuid) if e.customer else None,
                "before": e.before,
                "after": e.after,
            }
            for e in events
        ],
        "pages": page_dict(page, pageSize, qs.count() if pageTotal else None),
    }
