"""partnerdesk's own customer routes (SPEC A-4), under the conventions of the compatible ones:
bearer token, X-Partner-ID, `items` + `pages`, the common error shape."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from partnerdesk.compat.auth import PARTNER_HEADER, api_actor, require_partner
from partnerdesk.compat.schemas import PageInfo, errors
from partnerdesk.compat.serialize import page_dict
from partnerdesk.core.errors import NotFound
from partnerdesk.core.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from partnerdesk.customers import services
from partnerdesk.customers.access import customer_for
from partnerdesk.customers.models import Customer, CustomerGroup
from partnerdesk.customers.rename import customer_rename
from partnerdesk.customers.selectors import (
    CustomerFilters,
    customer_details,
    customer_queryset,
    iter_customer_rows,
    parse_filters,
    partner_groups,
    rows_for,
)
from partnerdesk.licensing.status import Status as LicenseStatus

router = Router(tags=["Customers (partnerdesk)"])

# The portal's sort orders (selectors.SORTS); a test keeps the two in step.
SortKey = Literal["name", "-name", "billing", "-billing", "assistance", "created", "-created"]
StateKey = Literal["active", "expiring", "trial", "expired", "revoked", "none"]


class GroupRef(Schema):
    id: int
    name: str


class Group(Schema):
    id: int
    name: str
    description: str


class GroupPage(Schema):
    items: list[Group]
    pages: PageInfo


class CategoryStatus(Schema):
    """C-2's derived state of one license category."""

    category: str
    state: StateKey
    endsOn: dt.date | None
    daysLeft: int | None


class CustomerSummary(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "5b0fbd8e-3d6e-4c5a-9a57-5d7c1f0e2a11",
                "showAs": "Cedar Dental",
                "legalName": "Cedar Dental Ltd",
                "billingType": "term",
                "dataRegion": "eu01",
                "status": "active",
                "partnerAssistance": True,
                "managedOrder": False,
                "groups": [{"id": 3, "name": "Healthcare"}],
                "licenseStatus": [
                    {
                        "category": "endpoint",
                        "state": "active",
                        "endsOn": "2027-06-30",
                        "daysLeft": 209,
                    }
                ],
            }
        }
    )

    id: str
    showAs: str
    legalName: str
    billingType: Literal["trial", "term", "usage"]
    dataRegion: str
    status: str
    partnerAssistance: bool
    managedOrder: bool
    groups: list[GroupRef]
    licenseStatus: list[CategoryStatus]


class CustomerPage(Schema):
    items: list[CustomerSummary]
    pages: PageInfo


class LicenseLine(Schema):
    id: str
    productCode: str
    productName: str
    category: str
    type: Literal["trial", "term", "usage"]
    quantity: int | None
    startsOn: dt.date
    endsOn: dt.date | None
    state: StateKey
    sourceKey: str | None
    sourceOrder: str | None


class CustomerDetail(CustomerSummary):
    contactName: str
    contactEmail: str
    contactPhone: str
    address: list[str]
    licenses: list[LicenseLine]


class MembershipIn(BaseModel):
    groupId: int = Field(ge=1, le=2**31 - 1)


class ListParams(Schema):
    q: str = Field(
        "", max_length=100, pattern=r"^[^\x00-\x1f]*$", description="Substring of the name (C-4)."
    )
    billing: Literal["", "trial", "term", "usage"] = ""
    group: int | None = Field(None, ge=1, le=2**31 - 1, description="A group id.")
    license: Literal["", "active", "expiring", "trial", "expired", "revoked", "none"] = ""
    category: Literal["", "endpoint", "server", "mobile", "email", "firewall", "mdr"] = ""
    assistance: Literal["", "on", "off"] = ""
    sort: SortKey = "name"
    page: int = Field(1, ge=1, le=10_000_000)
    pageSize: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    pageTotal: bool = False


def _filters(params: ListParams, *, paged: bool = True) -> CustomerFilters:
    data = {
        "q": params.q,
        "billing": params.billing,
        "group": str(params.group) if params.group else "",
        "license": params.license,
        "category": params.category,
        "assistance": params.assistance,
        "sort": params.sort,
    }
    if paged:
        data |= {"page": str(params.page), "page_size": str(params.pageSize)}
    return parse_filters(data)


def _status_list(statuses: dict[str, LicenseStatus]) -> list[dict[str, Any]]:
    return [
        {"category": c, "state": s.key, "endsOn": s.ends_on, "daysLeft": s.days_left}
        for c, s in statuses.items()
    ]


def _summary(c: Customer, groups: list[CustomerGroup], statuses: dict[str, LicenseStatus]) -> dict:
    return {
        "id": str(c.uuid),
        "showAs": c.show_as,
        "legalName": c.legal_name,
        "billingType": c.billing_type,
        "dataRegion": c.data_region,
        "status": c.status,
        "partnerAssistance": c.partner_assistance,
        "managedOrder": c.managed_order,
        "groups": [{"id": g.id, "name": g.name} for g in groups],
        "licenseStatus": _status_list(statuses),
    }


@router.get(
    "/customers",
    response={200: CustomerPage, **errors(400, 403)},
    exclude_unset=True,
    summary="Search and filter customers",
)
def customer_list(
    request: HttpRequest, params: Query[ListParams], x_partner_id: str = PARTNER_HEADER
) -> Any:
    """The Customers page's view (C-1, C-4): same search, filters and sort as the portal."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    filters = _filters(params)
    today = timezone.localdate()
    qs = customer_queryset(actor, filters, today)
    offset = (params.page - 1) * params.pageSize
    rows = rows_for(list(qs[offset : offset + params.pageSize]), today)
    total = qs.count() if params.pageTotal else None
    return {
        "items": [_summary(r.customer, r.groups, r.statuses) for r in rows],
        "pages": page_dict(params.page, params.pageSize, total),
    }


CSV_RESPONSE = {
    "responses": {
        "200": {
            "description": "Every row of the view as CSV (streamed).",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
}


@router.get(
    "/customers/export.csv",
    response={**errors(400, 403)},
    openapi_extra=CSV_RESPONSE,
    summary="Export customers as CSV",
)
def customer_export(
    request: HttpRequest, params: Query[ListParams], x_partner_id: str = PARTNER_HEADER
) -> HttpResponse | StreamingHttpResponse:
    """C-9: the view's every page as CSV, with the portal's columns; paging is ignored."""
    from partnerdesk.customers.views import customer_csv_lines

    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    filters = _filters(params, paged=False)
    today = timezone.localdate()
    response = StreamingHttpResponse(
        customer_csv_lines(iter_customer_rows(actor, filters, today), today),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="customers.csv"'
    return response


@router.get(
    "/customers/{customer_id}",
    response={200: CustomerDetail, **errors(400, 403, 404)},
    summary="Customer details",
)
def customer_get(request: HttpRequest, customer_id: str, x_partner_id: str = PARTNER_HEADER) -> Any:
    """D-1: contact, groups and every license with its derived state."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    details = customer_details(customer_for(actor, customer_id))
    c = details.customer
    return {
        **_summary(c, details.groups, details.statuses),
        "contactName": c.contact_name,
        "contactEmail": c.contact_email,
        "contactPhone": c.contact_phone,
        "address": c.address_lines,
        "licenses": [
            {
                "id": str(line.license.pk),
                "productCode": line.license.product.code,
                "productName": line.license.product.name,
                "category": line.license.product.category,
                "type": line.license.license_type,
                "quantity": line.license.quantity,
                "startsOn": line.license.starts_on,
                "endsOn": line.license.ends_on,
                "state": line.status.key,
                "sourceKey": f"…{line.license.source_key.suffix}"
                if line.license.source_key
                else None,
                "sourceOrder": line.license.source_order or None,
            }
            for line in details.licenses
        ],
    }


@router.get(
    "/groups",
    response={200: GroupPage, **errors(400, 403)},
    exclude_unset=True,
    summary="List customer groups",
)
def group_list(
    request: HttpRequest,
    page: int = Query(1, ge=1, le=10_000_000),
    pageSize: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
    pageTotal: bool = Query(False),
    x_partner_id: str = PARTNER_HEADER,
) -> Any:
    """D-2: the partner's groups, by name."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    groups = partner_groups(actor)
    offset = (page - 1) * pageSize
    return {
        "items": [
            {"id": g.id, "name": g.name, "description": g.description}
            for g in groups[offset : offset + pageSize]
        ],
        "pages": page_dict(page, pageSize, len(groups) if pageTotal else None),
    }


@router.post(
    "/customers/{customer_id}/groups",
    response={201: list[GroupRef], **errors(400, 403, 404, 409)},
    summary="Add a customer to a group",
)
def customer_group_add(
    request: HttpRequest, customer_id: str, body: MembershipIn, x_partner_id: str = PARTNER_HEADER
) -> Any:
    """D-2 (Super Admin credentials only): returns the customer's groups afterwards."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    services.customer_group_add(actor=actor, customer_id=customer_id, group_id=body.groupId)
    details = customer_details(customer_for(actor, customer_id))
    return Status(201, [{"id": g.id, "name": g.name} for g in details.groups])


@router.delete(
    "/customers/{customer_id}/groups/{group_id}",
    response={204: None, **errors(400, 403, 404, 409)},
    summary="Remove a customer from a group",
)
def customer_group_remove(
    request: HttpRequest, customer_id: str, group_id: int, x_partner_id: str = PARTNER_HEADER
) -> Any:
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    if not 1 <= group_id <= 2**31 - 1:
        raise NotFound("No such group.")
    services.customer_group_remove(actor=actor, customer_id=customer_id, group_id=group_id)
    return Status(204, None)


class GroupIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"name": "Healthcare", "description": "Clinics"}},
    )

    name: str = Field(
        ..., min_length=1, max_length=80, pattern=r"^[^\x00-\x1f]*[^\x00-\x20][^\x00-\x1f]*$"
    )
    description: str = Field("", max_length=300)


@router.post(
    "/groups",
    response={201: Group, **errors(400, 403, 409)},
    summary="Create a customer group",
)
def group_create(request: HttpRequest, body: GroupIn, x_partner_id: str = PARTNER_HEADER) -> Any:
    """D-2 (Super Admin credentials only): names are unique per partner in any case."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    g = services.customer_group_create(actor=actor, name=body.name, description=body.description)
    return Status(201, {"id": g.id, "name": g.name, "description": g.description})


@router.put(
    "/groups/{group_id}",
    response={200: Group, **errors(400, 403, 404, 409)},
    summary="Rename a customer group or change its description",
)
def group_update(
    request: HttpRequest, group_id: int, body: GroupIn, x_partner_id: str = PARTNER_HEADER
) -> Any:
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    if not 1 <= group_id <= 2**31 - 1:
        raise NotFound("No such group.")
    g = services.customer_group_update(
        actor=actor, group_id=group_id, name=body.name, description=body.description
    )
    return {"id": g.id, "name": g.name, "description": g.description}


@router.delete(
    "/groups/{group_id}",
    response={204: None, **errors(400, 403, 404)},
    summary="Delete a customer group (its customers stay)",
)
def group_delete(request: HttpRequest, group_id: int, x_partner_id: str = PARTNER_HEADER) -> Any:
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    if not 1 <= group_id <= 2**31 - 1:
        raise NotFound("No such group.")
    services.customer_group_delete(actor=actor, group_id=group_id)
    return Status(204, None)


class UnlinkIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {"customerIds": ["5b0fbd8e-3d6e-4c5a-9a57-5d7c1f0e2a11"], "confirm": True}
        },
    )

    customerIds: list[str] = Field(..., min_length=1, max_length=100)
    confirm: bool = Field(
        ..., description="Must be true: “Yes, make unlinking effective immediately” (U-4)."
    )


class UnlinkOutcomeOut(Schema):
    id: str
    showAs: str
    result: Literal["done", "scheduled", "refused"]
    message: str
    date: dt.date | None = Field(
        None, description="When scheduled: the unlink day; when refused: first possible day."
    )


class UnlinkOut(Schema):
    items: list[UnlinkOutcomeOut]


@router.post(
    "/unlinks",
    response={200: UnlinkOut, **errors(400, 403, 409)},
    summary="Unlink customers",
)
def customers_unlink(
    request: HttpRequest, body: UnlinkIn, x_partner_id: str = PARTNER_HEADER
) -> Any:
    """U-1..U-4 (Super Admin credentials only): one result per customer found (done, scheduled
    for the first day of next month for monthly usage customers, or refused with the reason).
    Ids the credential cannot see are left out, as missing ones are."""
    from partnerdesk.customers.unlink import customer_unlink

    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    outcomes = customer_unlink(actor=actor, customer_ids=body.customerIds, confirmed=body.confirm)
    return {
        "items": [
            {
                "id": str(o.customer.uuid),
                "showAs": o.customer.show_as,
                "result": o.result,
                "message": o.message,
                "date": o.on,
            }
            for o in outcomes
        ]
    }


@router.delete(
    "/customers/{customer_id}/scheduled-unlink",
    response={204: None, **errors(400, 403, 404, 409)},
    summary="Cancel a scheduled unlink",
)
def scheduled_unlink_cancel(
    request: HttpRequest, customer_id: str, x_partner_id: str = PARTNER_HEADER
) -> Any:
    """U-3: a monthly usage customer's unlink can be cancelled until it is carried out."""
    from partnerdesk.customers.unlink import scheduled_unlink_cancel as cancel

    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    cancel(actor=actor, customer_id=customer_id)
    return Status(204, None)


class RenameIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"showAs": "Harbour Dental Group", "version": 3}},
    )

    showAs: Annotated[str, StringConstraints(max_length=1000)] = Field(
        description="The new name shown as: 1 to 100 characters, no control characters."
    )
    version: int | None = Field(
        None,
        ge=1,
        le=2**31 - 1,
        description="The version you read (from a previous rename); when given, a rename by "
        "someone else since then is refused with 409 and the current name.",
    )


class RenameOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": "5b0fbd8e-3d6e-4c5a-9a57-5d7c1f0e2a11",
                "showAs": "Harbour Dental Group",
                "version": 4,
            }
        }
    )

    id: str
    showAs: str
    version: int


@router.patch(
    "/customers/{customer_id}",
    response={200: RenameOut, **errors(400, 403, 404, 409)},
    summary="Rename a customer (name shown as)",
)
def customer_rename_api(
    request: HttpRequest, customer_id: str, body: RenameIn, x_partner_id: str = PARTNER_HEADER
) -> Any:
    """N-1 (Super Admin and Admin credentials). The new name is pushed to the vendor's CRM and
    to webhooks subscribed to `customer.renamed` (N-2, N-3)."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    customer = customer_rename(
        actor=actor, customer_id=customer_id, show_as=body.showAs, expected_version=body.version
    )
    return {"id": str(customer.uuid), "showAs": customer.show_as, "version": customer.version}
