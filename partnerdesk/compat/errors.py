"""The API's error shape (SPEC A-2): one function builds every error response."""

from __future__ import annotations

import json
import uuid

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

CONTENT_TYPE = "application/json; charset=utf-8"
CORRELATION_HEADER = "HTTP_X_CORRELATION_ID"


def correlation_id(request: HttpRequest) -> str:
    """The caller's X-Correlation-ID when it is a sane token, else a new one, kept per request."""
    existing = getattr(request, "_correlation_id", None)
    if existing:
        return str(existing)
    given = request.META.get(CORRELATION_HEADER, "")
    value = given if 0 < len(given) <= 100 and given.isprintable() else str(uuid.uuid4())
    request._correlation_id = value  # type: ignore[attr-defined]
    return value


def error_body(request: HttpRequest, code: str, message: str) -> dict[str, str]:
    return {
        "error": code,
        "message": message,
        "correlationId": correlation_id(request),
        "requestId": str(uuid.uuid4()),
        "createdAt": timezone.now().isoformat().replace("+00:00", "Z"),
    }


def error_response(request: HttpRequest, status: int, code: str, message: str) -> HttpResponse:
    body = json.dumps(error_body(request, code, message))
    return HttpResponse(body, status=status, content_type=CONTENT_TYPE)
