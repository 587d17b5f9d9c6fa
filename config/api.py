"""The one NinjaAPI: every router, the bearer auth, rate limits, and errors mapped in one place.

Routes sit at the paths the Sophos Central conventions use (`/api/v2/oauth2/token`,
`/whoami/v1`, `/partner/v1/...`, `/licenses/v1/...`); partnerdesk's own routes are under
`/partnerdesk/v1/`. The OpenAPI description is `/api/openapi.json`, the docs `/api/docs`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError

from partnerdesk.audit.api import router as audit_router
from partnerdesk.billing.api import router as billing_router
from partnerdesk.billing.report_api import router as billing_report_router
from partnerdesk.compat.api import licenses_router, partner_router, token_router, whoami_router
from partnerdesk.compat.auth import BearerToken
from partnerdesk.compat.errors import error_response
from partnerdesk.compat.ratelimit import rate_limited
from partnerdesk.console.api import router as console_router
from partnerdesk.core.errors import DomainError
from partnerdesk.customers.api import router as customers_router
from partnerdesk.licensing.api import router as licensing_router
from partnerdesk.outbound.api import router as outbound_router

logger = logging.getLogger(__name__)

# The docs page is the one place that needs inline styles (Swagger UI sets them); scripts and
# everything else still come from this origin only.
DOCS_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


def docs_headers(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Content-Security-Policy"] = DOCS_CSP
        return response

    return wrapper


API_DESCRIPTION = """
partnerdesk's API follows the conventions of the Sophos Central APIs, so scripts written for them
work against a partnerdesk host. Get a token with your API credential's client id and secret at
`POST /api/v2/oauth2/token`, call `GET /whoami/v1` for your partner id and API host, then call
the partner routes with `X-Partner-ID` and the tenant routes with `X-Tenant-ID`.

Errors are `{"error", "message", "correlationId", "requestId", "createdAt"}` with the matching
HTTP status. Every response carries `RateLimit-Limit`, `RateLimit-Remaining`,
`RateLimit-Reset` and `RateLimit-Policy`; past the limit the answer is 429 with `Retry-After`.
"""

RATE_HEADERS = {
    "RateLimit-Limit": "Requests allowed per window for this credential.",
    "RateLimit-Remaining": "Requests left in the current window.",
    "RateLimit-Reset": "Seconds until the current window ends.",
    "RateLimit-Policy": "The limit and window, as `limit;w=seconds`.",
}


class PartnerdeskAPI(NinjaAPI):
    """Declares the rate-limit headers (added to every response by `rate_limited`) on every
    response of the description, and Retry-After on 429s."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        for path_item in schema["paths"].values():
            for operation in path_item.values():
                for status, response in operation["responses"].items():
                    headers = response.setdefault("headers", {})
                    for name, text in RATE_HEADERS.items():
                        headers[name] = {
                            "description": text,
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    if str(status) == "429":
                        headers["Retry-After"] = {
                            "description": "Seconds to wait before calling again.",
                            "required": True,
                            "schema": {"type": "string"},
                        }
        return schema


api = PartnerdeskAPI(
    title="partnerdesk API",
    version="1.0",
    description=API_DESCRIPTION,
    auth=BearerToken(),
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/api/docs",
    openapi_url="/api/openapi.json",
    docs_decorator=docs_headers,
    urls_namespace="api",
)
api.add_decorator(rate_limited, mode="view")
api.add_router("/api/v2/oauth2", token_router)
api.add_router("/whoami/v1", whoami_router)
api.add_router("/partner/v1", partner_router)
api.add_router("/licenses/v1", licenses_router)
api.add_router("/partnerdesk/v1", customers_router)
api.add_router("/partnerdesk/v1", "partnerdesk.customers.assist_api.router")
api.add_router("/partnerdesk/v1", "partnerdesk.console.tenant_api.router")
api.add_router("/partnerdesk/v1", licensing_router)
api.add_router("/partnerdesk/v1", audit_router)
api.add_router("/partner/v1", billing_report_router)
api.add_router("/partnerdesk/v1", console_router)
api.add_router("/partnerdesk/v1", "partnerdesk.console.dashboard_api.router")
api.add_router("/partnerdesk/v1", "partnerdesk.console.tenant_dashboard_api.router")
api.add_router("/partnerdesk/v1", billing_router)
api.add_router("/partnerdesk/v1", outbound_router)
api.add_router("/partnerdesk/v1", "partnerdesk.partners.api.router")
api.add_router("/partnerdesk/v1", "partnerdesk.reports.api.router")


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    response = error_response(request, exc.status, exc.code, exc.message)
    retry_after = getattr(exc, "retry_after", None)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for err in exc.errors[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query"))
        msg = err.get("msg", "invalid")
        if err.get("type") == "string_pattern_mismatch":
            msg = (
                "is blank or contains characters that are not allowed (such as control characters)"
            )
        problems.append(f"{where}: {msg}" if where else msg)
    message = "Invalid request. " + "; ".join(problems) if problems else "Invalid request."
    return error_response(request, 400, "badRequest", message)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(
        request,
        401,
        "unauthorized",
        "Send a valid access token: Authorization: Bearer <token> from /api/v2/oauth2/token.",
    )
    response["WWW-Authenticate"] = 'Bearer realm="partnerdesk"'
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "notFound", "Not found.")


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, "error", str(exc))


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path)
    return error_response(request, 500, "internalError", "Something went wrong on our side.")
