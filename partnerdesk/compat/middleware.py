"""Unknown API routes and wrong methods answer in the API's error shape, not as HTML pages."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from partnerdesk.compat.errors import error_response

API_PREFIXES = ("/api/v2/", "/whoami/", "/partner/", "/licenses/", "/partnerdesk/")
MESSAGES = {
    404: ("notFound", "No such route. See /api/docs for the routes this API has."),
    405: ("methodNotAllowed", "This route does not take that method."),
}


class ApiErrorShapeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code in MESSAGES
            and request.path.startswith(API_PREFIXES)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            code, message = MESSAGES[response.status_code]
            shaped = error_response(request, response.status_code, code, message)
            if response.has_header("Allow"):
                shaped["Allow"] = response["Allow"]
            return shaped
        return response
