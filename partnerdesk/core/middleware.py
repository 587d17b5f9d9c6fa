"""Request plumbing: the Actor for each request, and strict security headers (S-4)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject

from partnerdesk.core.actor import ANONYMOUS, Actor

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


def actor_for_request(request: HttpRequest) -> Actor:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    return Actor(
        partner_id=user.partner_id,
        role=user.role,
        user_id=user.pk,
        display_name=user.get_full_name() or user.get_username(),
        address=request.META.get("REMOTE_ADDR"),
    )


class ActorMiddleware:
    """Sets `request.actor`, built from the session's user and never from the URL or body."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.actor = SimpleLazyObject(lambda: actor_for_request(request))  # type: ignore[attr-defined]
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Content-Security-Policy without inline script, and a few headers Django leaves out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
