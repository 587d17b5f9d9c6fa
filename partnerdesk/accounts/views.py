"""Sign-in (throttled, S-4) and sign-out."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from partnerdesk.accounts import selectors, services
from partnerdesk.core.errors import Conflict, NotFound, ValidationFailed
from partnerdesk.core.permissions import ROLE_CHOICES, Action, PartnerRole
from partnerdesk.core.throttle import FailureThrottle
from partnerdesk.core.views import get_actor, partner_view
from partnerdesk.customers.selectors import CustomerFilters, customer_queryset, parse_filters

login_throttle = FailureThrottle(
    "login", settings.LOGIN_FAILURE_LIMIT, settings.LOGIN_FAILURE_WINDOW_SECONDS
)


class ThrottledAuthenticationForm(AuthenticationForm):
    """Refuses sign-in for a while after too many failures for one username or one address."""

    def _subjects(self) -> list[str]:
        request: HttpRequest | None = self.request
        username = (self.data.get("username") or "").strip().lower()
        address = request.META.get("REMOTE_ADDR", "") if request else ""
        return [f"user:{username}", f"addr:{address}"]

    def clean(self) -> dict[str, Any]:
        subjects = self._subjects()
        wait = max(login_throttle.retry_after(s) for s in subjects)
        if wait:
            minutes = max(1, (wait + 59) // 60)
            raise forms.ValidationError(
                f"Too many failed sign-ins. Try again in {minutes} minute"
                f"{'s' if minutes != 1 else ''}.",
                code="throttled",
            )
        try:
            return super().clean()
        except forms.ValidationError:
            for s in subjects:
                login_throttle.fail(s)
            raise


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class CredentialForm(forms.Form):
    name = forms.CharField(max_length=100, label="Name", help_text="What the credential is for.")
    role = forms.ChoiceField(choices=ROLE_CHOICES, initial=PartnerRole.READ_ONLY.value)


@partner_view
def credential_list(request: HttpRequest) -> HttpResponse:
    """A-5: Super Admins create credentials (the secret is shown once), list and revoke them."""
    actor = get_actor(request)
    actor.require(Action.MANAGE_PARTNER)
    new = None
    form = CredentialForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                new = services.credential_create(
                    actor=actor, name=form.cleaned_data["name"], role=form.cleaned_data["role"]
                )
            except ValidationFailed as exc:
                form.add_error(None, exc.message)
        if new is None:
            status = 400
        else:
            form = CredentialForm()
    response = render(
        request,
        "accounts/credentials.html",
        {
            "form": form,
            "new": new,
            "credentials": selectors.credentials_for(actor),
            "token_url": request.build_absolute_uri("/api/v2/oauth2/token"),
        },
        status=status,
    )
    # The page may carry a secret: never keep it in a cache or the browser's history store.
    response["Cache-Control"] = "no-store"
    return response


@partner_view
def credential_revoke(request: HttpRequest, credential_id: int) -> HttpResponse:
    """Confirm, then revoke: the credential's tokens stop working at once."""
    actor = get_actor(request)
    credential = selectors.credentials_for(actor).filter(pk=credential_id).first()
    if credential is None:
        raise NotFound("No such credential.")
    if request.method == "POST":
        services.credential_revoke(actor=actor, credential_id=credential.pk)
        messages.success(request, f"Revoked “{credential.name}”. Its tokens no longer work.")
        return redirect("accounts:credentials")
    return render(request, "accounts/credential_revoke.html", {"credential": credential})


@partner_view
def credential_customers(request: HttpRequest, credential_id: int) -> HttpResponse:
    """Assign customers to a credential below Super Admin / Business Admin (find by name)."""
    actor = get_actor(request)
    credential = selectors.credential_for(actor, credential_id)
    if request.method == "POST":
        customer_id = request.POST.get("customer", "")
        try:
            if request.POST.get("action") == "remove":
                services.credential_customer_remove(
                    actor=actor, credential_id=credential.pk, customer_id=customer_id
                )
                messages.success(request, "Assignment removed.")
            else:
                added = services.credential_customer_add(
                    actor=actor, credential_id=credential.pk, customer_id=customer_id
                )
                messages.success(request, f"Assigned {added.customer.show_as}.")
        except Conflict as exc:
            messages.error(request, exc.message)
        return redirect(request.get_full_path())
    found, error = [], None
    try:
        filters = parse_filters({"q": request.GET.get("q", "")})
    except ValidationFailed as exc:
        filters, error = CustomerFilters(), exc.message
    query = filters.q
    if query and not credential.partner_role.sees_all_customers:
        assigned_ids = credential.assignments.values("customer_id")
        found = list(customer_queryset(actor, filters).exclude(id__in=assigned_ids)[:20])
    return render(
        request,
        "accounts/credential_customers.html",
        {
            "credential": credential,
            "assigned": selectors.assigned_customers(credential),
            "query": query,
            "found": found,
            "error": error,
        },
        status=400 if error else 200,
    )
