"""Create managed order page (B-6, C-8). Like the other billing pages it holds no rules: it
collects the fields and calls the same service as the API, re-rendering with the service's
message when it refuses (nothing is written then)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from partnerdesk.billing.forms import CustomerDetailsForm
from partnerdesk.billing.orders import Subscription, managed_order_create, require_msp_flex_connect
from partnerdesk.billing.views import _reraise_scope
from partnerdesk.core.errors import DomainError, ValidationFailed
from partnerdesk.core.permissions import Action
from partnerdesk.core.views import get_actor, partner_view
from partnerdesk.licensing.models import Product

ROWS = 5


def _rows(request: HttpRequest) -> list[dict[str, str]]:
    data = request.POST if request.method == "POST" else None
    return [
        {
            key: (data.get(f"sub-{n}-{key}", "") if data else "").strip()
            for key in ("product", "quantity", "starts_on", "ends_on")
        }
        for n in range(1, ROWS + 1)
    ]


def _subscriptions(rows: list[dict[str, str]]) -> list[Subscription]:
    """The filled rows (blank ones are ignored); a malformed value is refused by its row."""
    subs = []
    for n, row in enumerate(rows, start=1):
        if not any(row.values()):
            continue
        try:
            quantity = int(row["quantity"])
            starts_on = dt.date.fromisoformat(row["starts_on"])
            ends_on = dt.date.fromisoformat(row["ends_on"])
        except ValueError:
            raise ValidationFailed(
                f"Row {n}: give a product, a whole-number quantity, and start and end dates.",
                fields={"subscriptions": str(n)},
            ) from None
        subs.append(Subscription(row["product"], quantity, starts_on, ends_on))
    return subs


@require_http_methods(["GET", "POST"])
@partner_view
def managed_order(request: HttpRequest) -> HttpResponse:
    """B-6: MSP Flex Connect partners only; Super Admins and Business Admins."""
    actor = get_actor(request)
    actor.require(Action.CREATE_MANAGED_ORDER)
    require_msp_flex_connect(actor)
    form = CustomerDetailsForm(request.POST if request.method == "POST" else None)
    rows = _rows(request)
    context: dict[str, Any] = {
        "form": form,
        "products": Product.objects.order_by("category", "name"),
        "rows": rows,
        "order_number": request.POST.get("order_number", "") if request.method == "POST" else "",
    }
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            order = managed_order_create(
                actor=actor,
                details=form.details([]),
                order_number=context["order_number"],
                subscriptions=_subscriptions(rows),
            )
        except DomainError as error:
            _reraise_scope(error)
            context["error"], status = error, error.status
        else:
            messages.success(
                request,
                f"Managed order {order.order_number} created for {order.customer.show_as}.",
            )
            return redirect("customers:detail", customer_id=order.customer.uuid)
    return render(request, "billing/managed_order.html", context, status=status)
