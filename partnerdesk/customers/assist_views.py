"""Partner side of Partner Assistance (P-3, P-4) and renaming (N-1): request approval,
Launch customer, and Edit "Name shown as" in the contact pop-up."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from partnerdesk.console.access import remember_delegated
from partnerdesk.console.delegation import delegated_session_start
from partnerdesk.core.errors import ValidationFailed
from partnerdesk.core.permissions import Action
from partnerdesk.core.views import get_actor, partner_view
from partnerdesk.customers.access import customer_for
from partnerdesk.customers.approvals import approval_request_create
from partnerdesk.customers.rename import StaleEdit, customer_rename


@require_POST
@partner_view
def customer_launch(request: HttpRequest, customer_id: str) -> HttpResponse:
    session = delegated_session_start(actor=get_actor(request), customer_id=customer_id)
    remember_delegated(request, session)
    return redirect("console:home", session.customer.uuid)


@partner_view
def approval_request(request: HttpRequest, customer_id: str) -> HttpResponse:
    actor = get_actor(request)
    customer = customer_for(actor, customer_id, for_action=Action.REQUEST_APPROVAL)
    error = ""
    message = ""
    if request.method == "POST":
        message = request.POST.get("message", "")
        try:
            approval_request_create(actor=actor, customer_id=customer_id, message=message)
        except ValidationFailed as failed:
            error = failed.message
        else:
            messages.success(
                request,
                f"Your request was sent to the admins of {customer.show_as}. It expires in 30 "
                "days unless they answer it.",
            )
            return redirect("customers:detail", customer.uuid)
    return render(
        request,
        "customers/approval_request.html",
        {"customer": customer, "error": error, "message": message},
        status=400 if error else 200,
    )


@partner_view
def customer_rename_view(request: HttpRequest, customer_id: str) -> HttpResponse:
    """GET: the edit form (in the pop-up with htmx, or as a page); POST: save."""
    actor = get_actor(request)
    customer = customer_for(actor, customer_id, for_action=Action.RENAME_CUSTOMER)
    context = {"customer": customer, "value": customer.show_as, "version": customer.version}
    status = 200
    if request.method == "POST":
        value = request.POST.get("show_as", "")
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = None
        try:
            renamed = customer_rename(
                actor=actor, customer_id=customer_id, show_as=value, expected_version=version
            )
        except StaleEdit as stale:
            context.update(
                error=stale.message,
                value=value,
                version=stale.current_version,
                stale=True,
                current_name=stale.current_name,
            )
            status = 409
        except ValidationFailed as failed:
            context.update(error=failed.message, value=value, version=version)
            status = 400
        else:
            messages.success(request, f"The customer is now shown as “{renamed.show_as}”.")
            if request.htmx:  # type: ignore[attr-defined]
                from partnerdesk.customers.views import contact_context

                return render(
                    request, "customers/_contact.html", contact_context(actor, renamed, saved=True)
                )
            return redirect("customers:detail", renamed.uuid)
    template = "customers/_rename.html" if request.htmx else "customers/rename_page.html"  # type: ignore[attr-defined]
    return render(request, template, context, status=status)
