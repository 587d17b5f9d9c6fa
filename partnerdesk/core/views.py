"""Mapping domain errors to pages, in one place for every view."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import DomainError

View = Callable[..., HttpResponseBase]


def get_actor(request: HttpRequest) -> Actor:
    return request.actor  # type: ignore[attr-defined,no-any-return]


def partner_view(view: View) -> View:
    """Signed-in partner users only; domain errors become readable error pages."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not get_actor(request).is_partner_actor:
            return render(
                request,
                "error.html",
                {
                    "title": "No partner account",
                    "message": "This sign-in does not belong to a partner. "
                    "Operators work in the administration site.",
                },
                status=403,
            )
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            return render_error(request, error)

    return wrapper


def render_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    titles = {404: "Not found", 403: "Not allowed", 409: "Conflict"}
    template = "partials/error_inline.html" if request.htmx else "error.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {"title": titles.get(error.status, "Cannot do that"), "message": error.message},
        status=error.status,
    )


ID_PLACEHOLDER = "00000000-0000-0000-0000-000000000000"


def link_patterns(**names: str) -> dict[str, str]:
    """URL patterns for per-row links, reversed once per page instead of once per row (the
    Customers table draws hundreds of links); templates fill them with the `fill` filter."""
    from django.urls import reverse

    return {key: reverse(name, args=[ID_PLACEHOLDER]) for key, name in names.items()}


def home(request: HttpRequest) -> HttpResponseBase:
    """Where "/" and a fresh sign-in land: partner users on their customers, customer admins
    on their consoles, operators in the administration site."""
    from django.shortcuts import redirect

    user = request.user
    if not user.is_authenticated:
        return redirect_to_login("/")
    if getattr(user, "partner_id", None) is not None:
        return redirect("customers:list")
    if user.customer_roles.exists():  # type: ignore[union-attr]
        return redirect("console:chooser")
    if user.is_staff:
        return redirect("admin:index")
    return redirect("customers:list")
