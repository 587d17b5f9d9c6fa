"""API for approval requests (P-3), on partnerdesk's own routes (A-4)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from partnerdesk.compat.auth import PARTNER_HEADER, api_actor, require_partner
from partnerdesk.compat.schemas import PageInfo, errors
from partnerdesk.compat.serialize import page_dict
from partnerdesk.core.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from partnerdesk.customers.access import customer_for
from partnerdesk.customers.approvals import approval_request_create, approval_requests_expire
from partnerdesk.customers.models import ApprovalRequest

router = Router(tags=["Customers (partnerdesk)"])


class ApprovalIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"message": "We would like to roll out the new policy."}},
    )

    message: Annotated[str, StringConstraints(max_length=2000)] = Field(
        "", description="Optional note to the customer's admins, at most 500 characters."
    )


class ApprovalOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "8d5f2c1e-4b7a-4f0e-9a61-0c2b3d4e5f60",
                "customerId": "5b0fbd8e-3d6e-4c5a-9a57-5d7c1f0e2a11",
                "status": "pending",
                "message": "We would like to roll out the new policy.",
                "requestedBy": "Sam Super Admin",
                "createdAt": "2026-12-03T10:00:00Z",
                "expiresAt": "2027-01-02T10:00:00Z",
                "decidedAt": None,
                "decidedBy": None,
            }
        }
    )

    id: str
    customerId: str
    status: str = Field(description="pending, approved, denied or expired")
    message: str
    requestedBy: str
    createdAt: dt.datetime
    expiresAt: dt.datetime
    decidedAt: dt.datetime | None
    decidedBy: str | None


class ApprovalPage(Schema):
    items: list[ApprovalOut]
    pages: PageInfo


def _approval(r: ApprovalRequest, customer_uuid: str) -> dict[str, Any]:
    return {
        "id": str(r.uuid),
        "customerId": customer_uuid,
        "status": r.status,
        "message": r.message,
        "requestedBy": r.requested_by_label,
        "createdAt": r.created_at,
        "expiresAt": r.expires_at,
        "decidedAt": r.decided_at,
        "decidedBy": r.decided_by_label or None,
    }


@router.post(
    "/customers/{customer_id}/approval-requests",
    response={201: ApprovalOut, **errors(400, 403, 404, 409)},
    summary="Request the customer's approval (Partner Assistance)",
)
def approval_request_create_api(
    request: HttpRequest, customer_id: str, body: ApprovalIn, x_partner_id: str = PARTNER_HEADER
) -> Any:
    """P-3 (Super Admin and Admin credentials): the customer's admins see it in their console
    and get an email. 409 when Partner Assistance is already on or a request is pending."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    created = approval_request_create(actor=actor, customer_id=customer_id, message=body.message)
    return Status(201, _approval(created, str(created.customer.uuid)))


@router.get(
    "/customers/{customer_id}/approval-requests",
    response={200: ApprovalPage, **errors(400, 403, 404)},
    exclude_unset=True,
    summary="List a customer's approval requests",
)
def approval_request_list_api(
    request: HttpRequest,
    customer_id: str,
    page: int = Query(1, ge=1, le=10_000_000),
    pageSize: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
    pageTotal: bool = Query(False),
    x_partner_id: str = PARTNER_HEADER,
) -> Any:
    """Newest first; expired requests show as `expired`."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    customer = customer_for(actor, customer_id)
    approval_requests_expire(customer_id=customer.pk)
    qs = ApprovalRequest.objects.filter(customer=customer).order_by("-created_at", "-id")
    offset = (page - 1) * pageSize
    return {
        "items": [_approval(r, str(customer.uuid)) for r in qs[offset : offset + pageSize]],
        "pages": page_dict(page, pageSize, qs.count() if pageTotal else None),
    }
