"""Bearer authentication for the API: the Actor comes from the token, never from the request's
URL, body or browser session."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Header
from ninja.security import HttpBearer

from partnerdesk.compat.ratelimit import resolve_actor
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import PermissionDenied

# The header every partner route takes; one definition for every router.
PARTNER_HEADER = Header(
    ..., alias="X-Partner-ID", description="The partner's id, as `GET /whoami/v1` gives it."
)


class BearerToken(HttpBearer):
    """`Authorization: Bearer <access_token>` from `POST /api/v2/oauth2/token`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return resolve_actor(request)


def api_actor(request: HttpRequest) -> Actor:
    actor = getattr(request, "auth", None)
    if not isinstance(actor, Actor):
        raise PermissionDenied("No API credential.")
    return actor


def require_partner(actor: Actor, partner_id: str) -> None:
    """X-Partner-ID must name the credential's own partner (A-2); anything else is refused."""
    if not actor.is_partner_actor or partner_id.strip() != str(actor.partner_id):
        raise PermissionDenied(
            "X-Partner-ID does not match the partner of this credential.",
            code="forbidden.partnerMismatch",
        )
