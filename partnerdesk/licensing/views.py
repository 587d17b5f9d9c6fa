"""Apply license key (L-3..L-6): from a Customers row or the customer's details page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from partnerdesk.core.errors import DomainError, NotFound
from partnerdesk.core.permissions import Action
from partnerdesk.core.views import get_actor, partner_view
from partnerdesk.customers.access import customer_for
from partnerdesk.licensing import services
from partnerdesk.licensing.forms import ApplyKeyForm
from partnerdesk.licensing.selectors import current_licenses


@require_http_methods(["GET", "POST"])
@partner_view
def apply_key(request: HttpRequest, customer_id: str) -> HttpResponse:
    """The key, the terms and their acceptance, Apply; a second step asks renew or co-term when
    a same-product term is active. Refusals re-render the form, keeping what was typed."""
    actor = get_actor(request)
    customer = customer_for(actor, customer_id, for_action=Action.APPLY_LICENSE_KEY)
    form = ApplyKeyForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {
        "customer": customer,
        "form": form,
        "terms_template": services.TERMS_TEMPLATE,
        "terms_version": services.TERMS_VERSION,
        "today": timezone.localdate(),
    }
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.license_key_apply(
                actor=actor,
                customer_id=str(customer.uuid),
                key_text=data["key"],
                terms_accepted=data["terms"],
                overlap=data["overlap"] or None,
            )
        except services.OverlapChoiceRequired as choice:
            context["choice"] = choice
        except DomainError as error:
            if isinstance(error, NotFound) or error.code.startswith("forbidden."):
                raise  # the customer left the actor's scope meanwhile: the usual error page
            context["error"] = error
            status = error.status
        else:
            messages.success(request, result.message)
            return redirect("customers:detail", customer_id=customer.uuid)
    context["licenses"] = current_licenses(customer, context["today"])
    response = render(request, "licensing/apply.html", context, status=status)
    if status == 429 and isinstance(context.get("error"), services.TooManyAttempts):
        response["Retry-After"] = str(context["error"].retry_after)
    return response
