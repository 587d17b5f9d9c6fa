"""The billing-usage report page and its CSV export (B-5), for Super Admins and Business Admins."""

from __future__ import annotations

from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from partnerdesk.billing.report import (
    Month,
    UsageLine,
    last_metered_day,
    usage_report_lines,
    usage_report_page,
    usage_report_totals,
)
from partnerdesk.core.csvstream import csv_lines
from partnerdesk.core.errors import NotFound, ValidationFailed
from partnerdesk.core.permissions import Action
from partnerdesk.core.views import get_actor, partner_view

PAGE_SIZE = 100
CSV_HEADER = [
    "Account ID",
    "Account name",
    "Product code",
    "Product name",
    "Billable quantity",
    "Actual quantity",
    "Billing period start",
    "Billing period end",
    "Order number",
]


def _month(request: HttpRequest) -> Month:
    text = request.GET.get("month", "")
    if not text:
        today = timezone.now().date()
        return Month(today.year, today.month)
    return Month.parse(text)


@require_GET
@partner_view
def usage_report(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    actor.require(Action.BILLING_REPORTS)
    error = None
    try:
        month = _month(request)
    except ValidationFailed as exc:
        error = exc.message
        today = timezone.now().date()
        month = Month(today.year, today.month)
    context: dict[str, object] = {"month": month, "error": error, "page": None, "totals": []}
    try:
        page = usage_report_page(
            actor=actor, month=month, page_from_key=request.GET.get("from") or None, size=PAGE_SIZE
        )
        context.update(page=page, totals=usage_report_totals(actor=actor, month=month))
    except NotFound:
        pass  # the empty state says there is no usage in this month
    except ValidationFailed as exc:
        context["error"] = exc.message
    return render(request, "billing/report.html", context, status=400 if error else 200)


def _csv_rows(lines: Iterator[UsageLine], month: Month) -> Iterator[str]:
    return csv_lines(
        CSV_HEADER,
        (
            (
                line.customer_uuid,
                line.customer_name,
                line.product_code,
                line.product_name,
                line.billable,
                line.actual,
                month.first.isoformat(),
                month.last.isoformat(),
                line.order_number or "",
            )
            for line in lines
        ),
    )


@require_GET
@partner_view
def usage_report_export(request: HttpRequest) -> HttpResponseBase:
    """Every line of the month as CSV, streamed; a month without usage is a 404 page."""
    actor = get_actor(request)
    actor.require(Action.BILLING_REPORTS)
    month = _month(request)
    last_metered_day(actor=actor, month=month)  # NotFound before the stream starts
    response = StreamingHttpResponse(
        _csv_rows(usage_report_lines(actor=actor, month=month), month),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="billing-usage-{month.iso}.csv"'
    return response
