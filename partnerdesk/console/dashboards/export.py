"""The export rule (X-2): a built-in or custom dashboard can be exported as a PDF; the Central
Overview cannot, nor can a dashboard with nothing on it. The renderer itself is in reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

from partnerdesk.console.dashboards.access import _require
from partnerdesk.console.dashboards.selectors import dashboard_get
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import Conflict
from partnerdesk.core.permissions import ConsoleAction
from partnerdesk.customers.models import Customer

if TYPE_CHECKING:
    from partnerdesk.reports.models import DashboardExport

OVERVIEW_NOT_EXPORTABLE = (
    "The Central Overview cannot be exported; export a built-in or custom dashboard."
)


def dashboard_export_request(
    *, actor: Actor, customer: Customer, dashboard_ref: str
) -> DashboardExport:
    """Start the PDF export of a built-in or custom dashboard; the Central Overview is refused
    (X-2), and so is a dashboard with nothing on it."""
    board = dashboard_get(actor, customer, dashboard_ref)
    if not board.exportable:
        raise Conflict(OVERVIEW_NOT_EXPORTABLE, code="dashboardNotExportable")
    _require(actor, customer, ConsoleAction.EXPORT_DASHBOARDS)
    if not board.widgets:
        raise Conflict(
            f"“{board.name}” has no widgets yet, so there is nothing to export. Add one first.",
            code="dashboardEmpty",
        )
    # Imported here: the PDF renderer is heavy, and only an export needs it.
    from partnerdesk.reports import exports

    start = (
        exports.dashboard_export_start
        if actor.is_console_actor
        else exports.export_start_for_partner
    )
    return start(
        actor=actor,
        customer=customer,
        title=board.name,
        placements=board.placements,
        source=board.source,
    )
