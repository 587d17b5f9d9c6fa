"""Create trial customer, Create monthly account and Update billing pages (B-1..B-3).

The views hold no rules: they collect the fields, call the same services as the API, and
re-render with the service's message when it refuses (nothing is written then)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from partnerdesk.billing import billing_types as services
from partnerdesk.billing.forms import CustomerDetailsForm
from partnerdesk.core.errors import DomainError, NotFound
from partnerdesk.core.permissions import Action
from partnerdesk.core.views import get_actor, partner_view
from partnerdesk.customers.access import customer_for
from partnerdesk.customers.models import BillingType
from partnerdesk.customers.trials import TRIAL_DAYS, customer_trial_create
from partnerdesk.licensing.models import Category, Product
from partnerdesk.licensing.services import TERMS_TEMPLATE, TERMS_VERSION


def _reraise_scope(error: DomainError) -> None:
    """Scope and role refusals show the usual error page; other refusals stay on the form."""
    if isinstance(error, NotFound) or error.status == 403:
        raise error


@require_http_methods(["GET", "POST"])
@partner_view
def create_trial(request: HttpRequest) -> HttpResponse:
    """B-1, P-2 (a): Super Admins; 30-day trials of the chosen products."""
    actor = get_actor(request)
    actor.require(Action.CREATE_TRIAL)
    form = CustomerDetailsForm(request.POST if request.method == "POST" else None)
    chosen = request.POST.getlist("products") if request.method == "POST" else []
    context: dict[str, Any] = {
        "form": form,
        "products": Product.objects.order_by("category", "name"),
        "chosen": chosen,
        "trial_days": TRIAL_DAYS,
    }
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            customer = customer_trial_create(actor=actor, request=form.details(chosen))
        except DomainError as error:
            _reraise_scope(error)
            context["error"], status = error, error.status
        else:
            messages.success(request, f"Trial customer {customer.show_as} created.")
            return redirect("customers:detail", customer_id=customer.uuid)
    return render(request, "billing/create_trial.html", context, status=status)


@require_http_methods(["GET", "POST"])
@partner_view
def monthly_account(request: HttpRequest) -> HttpResponse:
    """B-2: MSP Flex partners only; Super Admins and Business Admins."""
    actor = get_actor(request)
    actor.require(Action.MANAGE_BILLING)
    services.require_msp_flex(actor)
    form = CustomerDetailsForm(request.POST if request.method == "POST" else None)
    chosen = request.POST.getlist("products") if request.method == "POST" else []
    context: dict[str, Any] = {
        "form": form,
        "products": services.monthly_products(),
        "chosen": chosen,
        "terms_template": TERMS_TEMPLATE,
        "terms_version": TERMS_VERSION,
        "terms_checked": request.POST.get("terms") == "on",
    }
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_monthly_create(
                actor=actor,
                request=form.details(chosen),
                terms_accepted=context["terms_checked"],
            )
        except DomainError as error:
            _reraise_scope(error)
            context["error"], status = error, error.status
        else:
            messages.success(request, f"Monthly account {customer.show_as} created.")
            return redirect("customers:detail", customer_id=customer.uuid)
    return render(request, "billing/monthly_account.html", context, status=status)


# The term -> usage wizard's steps, in order; answers travel in hidden fields and every step
# re-validates them through the service, so nothing is written before Save.
STEPS = ["confirm", "types", "products", "review"]


@require_http_methods(["GET", "POST"])
@partner_view
def update_billing(request: HttpRequest, customer_id: str) -> HttpResponse:
    """B-3: trial -> usage (one confirmation), term -> usage (wizard), usage -> term (apply a
    license key)."""
    actor = get_actor(request)
    customer = customer_for(actor, customer_id, for_action=Action.MANAGE_BILLING)
    services.require_msp_flex(actor)
    context: dict[str, Any] = {"customer": customer}
    if customer.billing_type == BillingType.USAGE:
        return render(request, "billing/update_billing_usage.html", context)
    if customer.billing_type == BillingType.TRIAL:
        return _trial_to_usage(request, context)
    return _term_wizard(request, context)


def _trial_to_usage(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    customer = context["customer"]
    status = 200
    if request.method == "POST":
        try:
            change = services.billing_trial_to_usage(
                actor=get_actor(request),
                customer_id=str(customer.uuid),
                confirmed=request.POST.get("confirm") == "on",
            )
        except DomainError as error:
            _reraise_scope(error)
            context["error"], status = error, error.status
        else:
            messages.success(request, change.message)
            return redirect("customers:detail", customer_id=customer.uuid)
    context["trials"] = customer.licenses.filter(
        license_type="trial", revoked_at__isnull=True
    ).select_related("product")
    return render(request, "billing/update_billing_trial.html", context, status=status)


def _term_wizard(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    customer = context["customer"]
    post = request.POST
    answers: dict[str, Any] = {
        "switch_now": post.get("switch_now") == "on",
        "license_types": post.getlist("license_types"),
        "product_codes": post.getlist("products"),
    }
    step = post.get("step", "confirm") if request.method == "POST" else "confirm"
    action = post.get("action", "next")
    status = 200
    context.update(
        answers,
        types=[(c.value, c.label) for c in services.SWITCH_CATEGORIES],
        products=Product.objects.filter(
            usage_billable=True, category__in=answers["license_types"] or ["-"]
        ).order_by("category", "name"),
    )
    if request.method == "POST" and step in STEPS:
        index = STEPS.index(step)
        if action == "back":
            step = STEPS[max(index - 1, 0)]
        else:
            try:
                step = _advance(request, customer, step, answers)
            except DomainError as error:
                _reraise_scope(error)
                context["error"], status = error, error.status
            if step == "done":
                return redirect("customers:detail", customer_id=customer.uuid)
    else:
        step = "confirm"
    if step == "review":
        context["plan"] = services.term_to_usage_plan(
            actor=get_actor(request),
            customer_id=str(customer.uuid),
            switch_now=answers["switch_now"],
            license_types=answers["license_types"],
            product_codes=answers["product_codes"],
        )
    context["step"] = step
    context["step_number"] = STEPS.index(step) + 1
    context["category_labels"] = dict(Category.choices)
    return render(request, "billing/update_billing_term.html", context, status=status)


def _advance(request: HttpRequest, customer: Any, step: str, answers: dict[str, Any]) -> str:
    """The next step once this one's answers hold; Save on the review step writes."""
    actor = get_actor(request)
    uuid = str(customer.uuid)
    if step == "confirm":
        services.check_switch_now(answers["switch_now"])
        return "types"
    if step == "types":
        services.check_switch_now(answers["switch_now"])
        services.check_license_types(answers["license_types"])
        return "products"
    if step == "products":
        services.term_to_usage_plan(actor=actor, customer_id=uuid, **answers)
        return "review"
    change = services.billing_term_to_usage(actor=actor, customer_id=uuid, **answers)
    messages.success(request, change.message)
    return "done"
