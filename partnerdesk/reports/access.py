"""Reaching one export by its public id: through the customer's console, or through a partner
credential; missing and someone else's are the same NotFound."""

from __future__ import annotations

import uuid

from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import Conflict, NotFound
from partnerdesk.core.permissions import Action, ConsoleAction
from partnerdesk.customers.access import customer_for
from partnerdesk.customers.models import Customer
from partnerdesk.reports.models import DashboardExport

EXPORT_NOT_FOUND = "No such export."
ASSISTANCE_OFF = (
    "Partner Assistance is off for this customer: its admins must turn it on before the "
    "partner can export its dashboards."
)


def _find(customer: Customer, export_id: str, *, with_pdf: bool) -> DashboardExport:
    try:
        key = uuid.UUID(str(export_id))
    except ValueError:
        raise NotFound(EXPORT_NOT_FOUND) from None
    qs = DashboardExport.objects.filter(customer_id=customer.pk, uuid=key)
    export = (qs if with_pdf else qs.listed()).first()
    if export is None:
        raise NotFound(EXPORT_NOT_FOUND)
    return export


def export_for_console(
    actor: Actor, customer: Customer, export_id: str, *, with_pdf: bool = False
) -> DashboardExport:
    """An export of the console's own customer, for its admins and delegated sessions."""
    if not actor.is_console_actor or actor.customer_id != customer.pk:
        raise NotFound(EXPORT_NOT_FOUND)
    actor.console_require(ConsoleAction.EXPORT_DASHBOARDS)
    return _find(customer, export_id, with_pdf=with_pdf)


def export_for_partner(
    actor: Actor, customer_id: str, export_id: str, *, with_pdf: bool = False
) -> DashboardExport:
    """An export of a customer the partner credential sees and may launch, while the customer
    has Partner Assistance on (Conflict otherwise)."""
    customer = customer_for(actor, customer_id, for_action=Action.LAUNCH_CUSTOMER)
    if not customer.partner_assistance:
        raise Conflict(ASSISTANCE_OFF, code="conflict.partnerAssistanceOff")
    export = _find(customer, export_id, with_pdf=with_pdf)
    export.customer = customer
    return export
