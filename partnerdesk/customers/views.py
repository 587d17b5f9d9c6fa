"""Customers page (C-1..C-9), contact pop-up, customer details and group membership (D-1, D-2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from partnerdesk.billing.models import ManagedOrder
from partnerdesk.billing.offers import billing_offers
from partnerdesk.console.delegation import launch_allowed
from partnerdesk.core.actor import Actor
from partnerdesk.core.csvstream import csv_lines
from partnerdesk.core.errors import DomainError, ValidationFailed
from partnerdesk.core.permissions import Action
from partnerdesk.core.views import get_actor, link_patterns, partner_view
from partnerdesk.customers import services
from partnerdesk.customers.access import customer_for
from partnerdesk.customers.approvals import pending_request_for
from partnerdesk.customers.models import BillingType, Customer
from partnerdesk.customers.selectors import (
    SORTS,
    CustomerFilters,
    customer_details,
    customer_page,
    iter_customer_rows,
    parse_filters,
    partner_groups,
)
from partnerdesk.customers.unlink import scheduled_unlinks_for
from partnerdesk.licensing.models import Category
from partnerdesk.licensing.status import State


@require_GET
@partner_view
def customer_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    error = None
    try:
        filters = parse_filters(request.GET)
    except ValidationFailed as exc:
        error, filters = exc.message, CustomerFilters()
    page = customer_page(actor, filters)
    can_unlink = actor.can(Action.UNLINK_CUSTOMERS)
    offers = billing_offers(actor, getattr(request.user, "partner", None))
    context = {
        "links": link_patterns(
            contact="customers:contact",
            detail="customers:detail",
            apply="licensing:apply",
            update_billing="billing:update",
            launch="customers:launch",
        ),
        "may_apply": actor.can(Action.APPLY_LICENSE_KEY),
        "launchable": {r.customer.id for r in page.rows if launch_allowed(actor, r.customer)},
        "offers": offers,
        "billing_updatable": {r.customer.id for r in page.rows if offers.may_update(r.customer)},
        "can_unlink": can_unlink,
        "unlinks": scheduled_unlinks_for([r.customer.id for r in page.rows]) if can_unlink else {},
        "filters": filters,
        "result": page,
        "error": error,
        "sorts": SORTS,
        "billing_types": BillingType.choices,
        "all_categories": Category.choices,
        "license_states": [(s.key, s.label) for s in State],
        "today": timezone.localdate(),
        "page_sizes": (25, 50, 100),
    }
    status = 400 if error else 200
    # htmx requests for the table (search as you type, sort, paging) get the table alone.
    if request.htmx and request.htmx.target == "customer-results":  # type: ignore[attr-defined]
        return render(request, "customers/_results.html", context, status=status)
    return render(request, "customers/list.html", context, status=status)


@require_GET
@partner_view
def customer_contact(request: HttpRequest, customer_id: str) -> HttpResponse:
    """C-6: the contact pop-up (a fragment for htmx, a page without JavaScript)."""
    actor = get_actor(request)
    customer = customer_for(actor, customer_id)
    context = contact_context(actor, customer)
    template = "customers/_contact.html" if request.htmx else "customers/contact_page.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def contact_context(actor: Actor, customer: Customer, *, saved: bool = False) -> dict[str, Any]:
    return {
        "customer": customer,
        "groups": customer_details(customer).groups,
        "may_rename": actor.can(Action.RENAME_CUSTOMER),
        "saved": saved,
    }


@require_GET
@partner_view
def customer_detail(request: HttpRequest, customer_id: str) -> HttpResponse:
    """D-1: groups and licenses; Super Admins also manage membership here (D-2)."""
    actor = get_actor(request)
    customer = customer_for(actor, customer_id)
    details = customer_details(customer)
    member_ids = {g.id for g in details.groups}
    can_manage = actor.can(Action.MANAGE_GROUPS)
    context = {
        "customer": customer,
        "details": details,
        "today": timezone.localdate(),
        "categories": Category.choices,
        "can_manage_groups": can_manage,
        "can_unlink": actor.can(Action.UNLINK_CUSTOMERS),
        "may_update_billing": billing_offers(
            actor, getattr(request.user, "partner", None)
        ).may_update(customer),
        "unlink_due": scheduled_unlinks_for([customer.id]).get(customer.id),
        "managed_order": ManagedOrder.objects.filter(customer=customer).first(),
        "pending_approval": pending_request_for(customer),
        "may_launch": launch_allowed(actor, customer),
        "may_request_approval": actor.can(Action.REQUEST_APPROVAL),
        "other_groups": [g for g in partner_groups(actor) if g.id not in member_ids]
        if can_manage
        else [],
    }
    return render(request, "customers/detail.html", context)


@require_POST
@partner_view
def customer_group_add(request: HttpRequest, customer_id: str) -> HttpResponse:
    actor = get_actor(request)
    group_id = request.POST.get("group", "").strip()
    if not group_id:
        customer_for(actor, customer_id, for_action=Action.MANAGE_GROUPS)
        messages.error(request, "Pick a group to add the customer to.")
        return redirect("customers:detail", customer_id=customer_id)
    try:
        membership = services.customer_group_add(
            actor=actor, customer_id=customer_id, group_id=group_id
        )
    except DomainError as exc:
        if exc.status != 409:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Added to the group {membership.group.name}.")
    return redirect("customers:detail", customer_id=customer_id)


@require_POST
@partner_view
def customer_group_remove(request: HttpRequest, customer_id: str, group_id: int) -> HttpResponse:
    actor = get_actor(request)
    try:
        services.customer_group_remove(actor=actor, customer_id=customer_id, group_id=group_id)
    except DomainError as exc:
        if exc.status != 409:
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, "Removed from the group.")
    return redirect("customers:detail", customer_id=customer_id)


def customer_csv_lines(rows: Iterable, today: dt.date) -> Iterator[str]:
    """C-9: the rows of a view as CSV lines (the page's export and the API's)."""
    categories = Category.choices
    header = [
        "Customer ID",
        "Name shown as",
        "Legal name",
        "Billing type",
        "Data region",
        "Status",
        "Partner Assistance",
        "Managed order",
        "Groups",
        *[f"{label} license" for _, label in categories],
        "Contact",
        "Email",
        "Phone",
        "Country",
    ]

    def values(row: Any) -> list[object]:
        c = row.customer
        return [
            c.uuid,
            c.show_as,
            c.legal_name,
            c.get_billing_type_display(),
            c.data_region,
            c.get_status_display(),
            "On" if c.partner_assistance else "Off",
            "Yes" if c.managed_order else "No",
            "; ".join(g.name for g in row.groups),
            *[row.statuses[value].describe(today) for value, _ in categories],
            c.contact_name,
            c.contact_email,
            c.contact_phone,
            c.country_code,
        ]

    return csv_lines(header, (values(row) for row in rows))


@require_GET
@partner_view
def customer_export(request: HttpRequest) -> HttpResponseBase:
    """C-9: the current view (same filters, every page) as CSV, streamed row by row."""
    actor = get_actor(request)
    filters = parse_filters(request.GET)
    today = timezone.localdate()
    response = StreamingHttpResponse(
        customer_csv_lines(iter_customer_rows(actor, filters, today), today),
        content_type="text/csv; charset=utf-8",
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="customers-{stamp}.csv"'
    return response
