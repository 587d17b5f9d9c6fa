"""The customer's console over the API, for the tenant's own credentials (A-4, A-5): Partner
Assistance (P-1), answers to approval requests (P-3), the customer logo (G-1) and early access
(B-7). Routes take `X-Tenant-ID`, like the vendor's tenant routes. Partner credentials are
refused here: these are the customer's own decisions."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Header, Query, Router, Schema, Status
from pydantic import BaseModel, ConfigDict, Field

from partnerdesk.compat.auth import api_actor
from partnerdesk.compat.schemas import PageInfo, errors
from partnerdesk.compat.serialize import page_dict
from partnerdesk.console.assistance import partner_assistance_set
from partnerdesk.console.early_access import (
    early_access_join,
    early_access_leave,
    early_access_overview,
)
from partnerdesk.console.logos import customer_logo, customer_logo_remove, customer_logo_set
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import NotFound, PermissionDenied
from partnerdesk.core.images import logo_response, read_upload
from partnerdesk.core.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from partnerdesk.customers.approvals import approval_request_answer, approval_requests_expire
from partnerdesk.customers.assist_api import ApprovalOut, _approval
from partnerdesk.customers.models import ApprovalRequest, Customer
from partnerdesk.partners.api import IMAGE_RESPONSE, UPLOAD_BODY, LogoOut, _out, _uploaded_file

router = Router(tags=["Tenant console"])

TENANT_HEADER = Header(
    ...,
    alias="X-Tenant-ID",
    description="The tenant's id, as `GET /whoami/v1` gives it to a tenant credential.",
)


def credential_tenant(request: HttpRequest, tenant_id: str) -> tuple[Actor, Customer]:
    actor = api_actor(request)
    if actor.customer_id is None or actor.credential_id is None:
        raise PermissionDenied(
            "These routes take a tenant credential (created in the customer's console).",
            code="forbidden.tenantCredentialRequired",
        )
    customer = Customer.objects.filter(pk=actor.customer_id, unlinked_at__isnull=True).first()
    if customer is None or str(customer.uuid) != tenant_id.strip().lower():
        raise NotFound("No such tenant.")
    return actor, customer


class AssistanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {"enabled": False}})

    enabled: bool = Field(description="Turn Partner Assistance on (true) or off (false).")


class AssistanceOut(Schema):
    model_config = ConfigDict(json_schema_extra={"example": {"enabled": True}})

    enabled: bool


@router.get(
    "/tenant/partner-assistance",
    response={200: AssistanceOut, **errors(400, 403, 404)},
    summary="Get Partner Assistance",
)
def assistance_get(request: HttpRequest, x_tenant_id: str = TENANT_HEADER) -> Any:
    _, customer = credential_tenant(request, x_tenant_id)
    return {"enabled": customer.partner_assistance}


@router.put(
    "/tenant/partner-assistance",
    response={200: AssistanceOut, **errors(400, 403, 404)},
    summary="Turn Partner Assistance on or off",
)
def assistance_put(
    request: HttpRequest, body: AssistanceIn, x_tenant_id: str = TENANT_HEADER
) -> Any:
    """P-1 (tenant Super Admin and Admin credentials). Turning it off ends every open partner
    session into the console at its next request (P-5)."""
    actor, customer = credential_tenant(request, x_tenant_id)
    partner_assistance_set(actor=actor, customer=customer, enabled=body.enabled)
    return {"enabled": body.enabled}


class ApprovalPage(Schema):
    items: list[ApprovalOut]
    pages: PageInfo


class AnswerIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"example": {"decision": "approve"}}
    )

    decision: Literal["approve", "deny"]


@router.get(
    "/tenant/approval-requests",
    response={200: ApprovalPage, **errors(400, 403, 404)},
    exclude_unset=True,
    summary="List the partner's approval requests",
)
def approvals_list(
    request: HttpRequest,
    page: int = Query(1, ge=1, le=10_000_000),
    pageSize: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
    pageTotal: bool = Query(False),
    x_tenant_id: str = TENANT_HEADER,
) -> Any:
    """Newest first; a pending request past its 30 days shows as `expired`."""
    _, customer = credential_tenant(request, x_tenant_id)
    approval_requests_expire(customer_id=customer.pk)
    qs = ApprovalRequest.objects.filter(customer=customer).order_by("-created_at", "-id")
    offset = (page - 1) * pageSize
    return {
        "items": [_approval(r, str(customer.uuid)) for r in qs[offset : offset + pageSize]],
        "pages": page_dict(page, pageSize, qs.count() if pageTotal else None),
    }


@router.post(
    "/tenant/approval-requests/{request_id}/answer",
    response={200: ApprovalOut, **errors(400, 403, 404, 409)},
    summary="Approve or deny a partner's approval request",
)
def approvals_answer(
    request: HttpRequest, request_id: str, body: AnswerIn, x_tenant_id: str = TENANT_HEADER
) -> Any:
    """P-3 (tenant Super Admin and Admin credentials): approving turns Partner Assistance on.
    409 when the request is no longer pending (answered or expired)."""
    actor, customer = credential_tenant(request, x_tenant_id)
    answered = approval_request_answer(
        actor=actor, request_id=request_id, approve=body.decision == "approve"
    )
    return _approval(answered, str(customer.uuid))


@router.get(
    "/tenant/logo",
    response={**errors(400, 403, 404)},
    openapi_extra=IMAGE_RESPONSE,
    summary="Get the customer's logo",
)
def logo_get(request: HttpRequest, x_tenant_id: str = TENANT_HEADER) -> HttpResponse:
    actor, customer = credential_tenant(request, x_tenant_id)
    logo = customer_logo(actor, customer)
    if logo is None:
        raise NotFound("The customer has no logo.")
    return logo_response(logo, request)


@router.put(
    "/tenant/logo",
    response={200: LogoOut, **errors(400, 403, 404)},
    openapi_extra=UPLOAD_BODY,
    summary="Upload or replace the customer's logo",
)
def logo_put(request: HttpRequest, x_tenant_id: str = TENANT_HEADER) -> Any:
    """G-1 (tenant Super Admin and Admin credentials): checked, re-encoded, metadata stripped;
    anything else is refused with 400 and nothing is stored."""
    actor, customer = credential_tenant(request, x_tenant_id)
    file = _uploaded_file(request)
    logo = customer_logo_set(
        actor=actor, customer=customer, upload=read_upload(file), filename=file.name or ""
    )
    return _out(logo)  # type: ignore[arg-type]


@router.delete(
    "/tenant/logo",
    response={204: None, **errors(400, 403, 404)},
    summary="Remove the customer's logo",
)
def logo_delete(request: HttpRequest, x_tenant_id: str = TENANT_HEADER) -> Any:
    actor, customer = credential_tenant(request, x_tenant_id)
    customer_logo_remove(actor=actor, customer=customer)
    return Status(204, None)


class ProgramOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": 2,
                "name": "Linux runtime detection beta",
                "description": "Runtime detections for Linux servers and containers.",
                "allowsUsageBilling": False,
                "enrolled": False,
                "mayJoin": True,
            }
        }
    )

    id: int
    name: str
    description: str
    allowsUsageBilling: bool
    enrolled: bool
    mayJoin: bool = Field(description="False when the tenant's billing type keeps it out (B-7).")


class ProgramList(Schema):
    items: list[ProgramOut]


@router.get(
    "/tenant/early-access-programs",
    response={200: ProgramList, **errors(400, 403, 404)},
    summary="List early access programs",
)
def programs_list(request: HttpRequest, x_tenant_id: str = TENANT_HEADER) -> Any:
    _, customer = credential_tenant(request, x_tenant_id)
    return {
        "items": [
            {
                "id": p.pk,
                "name": p.name,
                "description": p.description,
                "allowsUsageBilling": p.allows_usage_billing,
                "enrolled": enrolled,
                "mayJoin": may_join,
            }
            for p, enrolled, may_join in early_access_overview(customer)
        ]
    }


@router.post(
    "/tenant/early-access-programs/{program_id}/enrollment",
    response={204: None, **errors(400, 403, 404, 409)},
    summary="Join an early access program",
)
def program_join(request: HttpRequest, program_id: int, x_tenant_id: str = TENANT_HEADER) -> Any:
    """B-7 (tenant Super Admin and Admin credentials): a usage-billed tenant is refused a program
    not open to usage billing, with 409 and a message that says why."""
    actor, customer = credential_tenant(request, x_tenant_id)
    early_access_join(actor=actor, customer=customer, program_id=_program_id(program_id))
    return Status(204, None)


@router.delete(
    "/tenant/early-access-programs/{program_id}/enrollment",
    response={204: None, **errors(400, 403, 404, 409)},
    summary="Leave an early access program",
)
def program_leave(request: HttpRequest, program_id: int, x_tenant_id: str = TENANT_HEADER) -> Any:
    actor, customer = credential_tenant(request, x_tenant_id)
    early_access_leave(actor=actor, customer=customer, program_id=_program_id(program_id))
    return Status(204, None)


def _program_id(value: int) -> int:
    if not 1 <= value <= 2**31 - 1:
        raise NotFound("No such early access program.")
    return value
