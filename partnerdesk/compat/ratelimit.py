"""Rate limits per API credential (A-6), counted in the shared cache in fixed windows.

Calls without a valid bearer token (the token endpoint, refused tokens) are counted per client
address instead, so every response carries the RateLimit headers."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponseBase

from partnerdesk.accounts.services import actor_for_token
from partnerdesk.compat.errors import error_response


@dataclass(frozen=True, slots=True)
class Window:
    limit: int
    remaining: int
    reset: int
    window: int

    @property
    def exceeded(self) -> bool:
        return self.remaining < 0

    def headers(self) -> dict[str, str]:
        return {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(max(0, self.remaining)),
            "RateLimit-Reset": str(self.reset),
            "RateLimit-Policy": f"{self.limit};w={self.window}",
        }


def hit(subject: str) -> Window:
    """Count one request of `subject` in the current window."""
    limit, window = settings.API_RATE_LIMIT, settings.API_RATE_WINDOW_SECONDS
    now = time.time()
    start = math.floor(now / window) * window
    key = f"apirate:{subject}:{window}:{start}"
    try:
        count = cache.incr(key)
    except ValueError:  # the window's first request (or a concurrent one that came first)
        count = 1 if cache.add(key, 1, window + 5) else cache.incr(key)
    reset = max(1, math.ceil(start + window - now))
    return Window(limit=limit, remaining=limit - count, reset=reset, window=window)


def bearer_token(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def resolve_actor(request: HttpRequest) -> Any:
    """The request's API actor from its bearer token (looked up once per request), or None."""
    if not hasattr(request, "_api_actor"):
        token = bearer_token(request)
        address = request.META.get("REMOTE_ADDR")
        request._api_actor = actor_for_token(token, address=address) if token else None  # type: ignore[attr-defined]
    return request._api_actor  # type: ignore[attr-defined]


def rate_limited(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wraps every API operation: counts the call, refuses past the limit, adds the headers."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        actor = resolve_actor(request)
        subject = (
            f"cred:{actor.credential_id}"
            if actor is not None
            else f"addr:{request.META.get('REMOTE_ADDR', '')}"
        )
        window = hit(subject)
        if window.exceeded:
            response: HttpResponseBase = error_response(
                request,
                429,
                "tooManyRequests",
                f"Rate limit of {window.limit} requests per {window.window} seconds exceeded; "
                f"retry in {window.reset} seconds.",
            )
            response["Retry-After"] = str(window.reset)
        else:
            response = run(request, *args, **kwargs)
        for name, value in window.headers().items():
            response[name] = value
        return response

    return wrapper
