"""`GET /partner/v1/billing/usage/{year}/{month}` (A-3, B-5) in the Sophos Central shape, with
key-based pages: pass `pages.nextKey` back as `pageFromKey` for the next page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Header, Path, Query, Router, Schema
from pydantic import ConfigDict, Field

from partnerdesk.billing.report import Month, UsageLine, usage_report_page
from partnerdesk.compat.auth import api_actor, require_partner
from partnerdesk.compat.schemas import errors
from partnerdesk.core.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

router = Router(tags=["Billing"])

EXAMPLE_ITEM: dict[str, Any] = {
    "account": {"id": "5b0fbd8e-3d6e-4c5a-9a57-5d7c1f0e2a11", "name": "Acme Dental"},
    "product": {"code": "endpoint-advanced", "name": "Endpoint Advanced"},
    "billableQuantity": 42,
    "actualQuantity": 40,
    "billingPeriod": {"from": "2026-11-01", "to": "2026-11-30"},
    "orderNumber": None,
}


class Account(Schema):
    id: str
    name: str


class UsageProduct(Schema):
    code: str
    name: str


class BillingPeriod(Schema):
    model_config = ConfigDict(populate_by_name=True)

    from_: str = Field(alias="from", description="First day of the month (ISO date).")
    to: str = Field(description="Last day of the month (ISO date).")


class UsageItem(Schema):
    model_config = ConfigDict(json_schema_extra={"example": EXAMPLE_ITEM})

    account: Account
    product: UsageProduct
    billableQuantity: int = Field(description="The month's highest daily device count.")
    actualQuantity: int = Field(description="The device count on the month's last day.")
    billingPeriod: BillingPeriod
    orderNumber: str | None = Field(description="Order number of a managed customer order.")


class KeyPages(Schema):
    nextKey: str | None = Field(
        description="Pass as `pageFromKey` for the next page; null on the last."
    )
    size: int
    maxSize: int


class UsagePage(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "items": [EXAMPLE_ITEM],
                "pages": {"nextKey": "118-3", "size": 50, "maxSize": MAX_PAGE_SIZE},
            }
        }
    )

    items: list[UsageItem]
    pages: KeyPages


class UsageQuery(Schema):
    pageFromKey: str | None = Field(
        None,
        max_length=40,
        pattern=r"^[0-9]{1,18}-[0-9]{1,18}$",
        description="`pages.nextKey` of the previous page.",
    )
    pageSize: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description="Items per page (at most 100)."
    )


def usage_item(line: UsageLine, month: Month) -> dict[str, Any]:
    return {
        "account": {"id": str(line.customer_uuid), "name": line.customer_name},
        "product": {"code": line.product_code, "name": line.product_name},
        "billableQuantity": line.billable,
        "actualQuantity": line.actual,
        "billingPeriod": {"from": month.first.isoformat(), "to": month.last.isoformat()},
        "orderNumber": line.order_number,
    }


@router.get(
    "/billing/usage/{year}/{month}",
    response={200: UsagePage, **errors(400, 403, 404)},
    by_alias=True,
    summary="Billing usage of a month, per customer and product",
)
def billing_usage(
    request: HttpRequest,
    query: Query[UsageQuery],
    year: int = Path(..., ge=2000, le=9999, description="The year, e.g. 2026."),
    month: int = Path(..., ge=1, le=12, description="The month, 1-12."),
    x_partner_id: str = Header(..., alias="X-Partner-ID"),
) -> Any:
    """One item per customer and product: billable quantity (the month's highest daily device
    count), actual quantity (the last day's count), the billing period and, for managed orders,
    the order number. Super Admin and Business Admin credentials only. A month with no usage
    answers 404."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    period = Month(year, month)
    page = usage_report_page(
        actor=actor, month=period, page_from_key=query.pageFromKey, size=query.pageSize
    )
    return {
        "items": [usage_item(line, period) for line in page.lines],
        "pages": {"nextKey": page.next_key, "size": query.pageSize, "maxSize": MAX_PAGE_SIZE},
    }
