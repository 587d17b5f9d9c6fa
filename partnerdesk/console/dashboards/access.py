"""Who may read and change a console's dashboards: its console actors, and partner credentials
that the API let in, by the console role their partner role maps to (SPEC section 1)."""

from __future__ import annotations

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import Conflict, NotFound, PermissionDenied
from partnerdesk.core.permissions import (
    CONSOLE_ROLE_FOR_PARTNER_ROLE,
    ConsoleAction,
    console_role_allows,
)
from partnerdesk.customers.models import Customer

DASHBOARD_NOT_FOUND = "No such dashboard."


def _require(actor: Actor, customer: Customer, action: ConsoleAction) -> None:
    """The actor works in this customer's console: one of its console actors, or a partner
    credential the API let in (customer visible to it, Partner Assistance on), whose partner
    role maps to a console role as Launch customer maps it (SPEC section 1)."""
    if actor.is_console_actor:
        if actor.customer_id != customer.pk:
            raise NotFound(DASHBOARD_NOT_FOUND)
        actor.console_require(action)
        return
    if not actor.is_partner_actor or actor.partner_id != customer.partner_id:
        raise NotFound(DASHBOARD_NOT_FOUND)
    if not customer.partner_assistance:
        raise Conflict(
            f"Partner Assistance is off for {customer.show_as}: a partner works in a customer's "
            "console only while the customer has turned it on.",
            code="partnerAssistanceOff",
        )
    role = CONSOLE_ROLE_FOR_PARTNER_ROLE.get(actor.role) if actor.role else None
    if not console_role_allows(role, action, delegated=True):
        raise PermissionDenied(
            "Your role does not allow this action.", code="forbidden.console." + action.value
        )
