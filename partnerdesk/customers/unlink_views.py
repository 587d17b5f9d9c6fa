"""Unlinking from the Customers page (U-4) and cancelling a scheduled unlink (U-3)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from partnerdesk.core.errors import Conflict, NotFound
from partnerdesk.core.permissions import Action
from partnerdesk.core.views import get_actor, partner_view
from partnerdesk.customers.access import customer_for
from partnerdesk.customers.unlink import (
    customer_unlink,
    scheduled_unlink_cancel,
    unlink_preview,
)


def _summary(outcomes: list) -> str:
    now = sum(1 for o in outcomes if o.result == "done")
    later = [o for o in outcomes if o.result == "scheduled"]
    refused = sum(1 for o in outcomes if o.result == "refused")
    parts = []
    if now:
        parts.append(f"{now} now")
    if later:
        parts.append(f"{len(later)} on {later[0].on:%d %B %Y}")
    if refused:
        parts.append(f"{refused} cannot be unlinked yet")
    return ", ".join(parts)


@require_POST
@partner_view
def unlink(request: HttpRequest) -> HttpResponse:
    """First POST shows what will happen; the second (with confirm) does it."""
    actor = get_actor(request)
    actor.require(Action.UNLINK_CUSTOMERS)
    ids = request.POST.getlist("customer")
    if not ids:
        messages.error(request, "Select the customers to unlink first.")
        return redirect("customers:list")
    if request.POST.get("step") == "confirm":
        try:
            outcomes = customer_unlink(
                actor=actor, customer_ids=ids, confirmed=request.POST.get("confirmed") == "yes"
            )
        except Conflict as exc:
            return _confirm_page(request, ids, error=exc.message)
        return render(
            request,
            "customers/unlink_result.html",
            {"outcomes": outcomes, "summary": _summary(outcomes)},
        )
    return _confirm_page(request, ids)


def _confirm_page(request: HttpRequest, ids: list[str], error: str | None = None) -> HttpResponse:
    actor = get_actor(request)
    today = timezone.localdate()
    previews = []
    for customer_id in dict.fromkeys(ids):
        try:
            previews.append(unlink_preview(customer_for(actor, customer_id), today))
        except NotFound:
            continue
    acting = [p for p in previews if p.result != "refused"]
    context = {
        "previews": previews,
        "acting": len(acting),
        "summary": _summary(previews),
        "error": error,
    }
    return render(request, "customers/unlink_confirm.html", context, status=400 if error else 200)


@require_POST
@partner_view
def unlink_cancel(request: HttpRequest, customer_id: str) -> HttpResponse:
    actor = get_actor(request)
    try:
        scheduled_unlink_cancel(actor=actor, customer_id=customer_id)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The scheduled unlink is cancelled; the customer stays.")
    return redirect("customers:detail", customer_id=customer_id)
