"""Dashboards of a customer's console (X-1) and the export rule (X-2).

The Central Overview and the built-in dashboards are defined in code (`builtins`): they ship
with the product and change with it. Custom dashboards are rows (`Dashboard`, `DashboardWidget`)
on a grid of 4 columns (`grid`); every change of their widgets goes through `_change_widgets`
(`services`), which locks the dashboard, checks the version the page was drawn from, validates
the whole layout and saves it in one transaction. Readers (`selectors`) are console actors
(customer admins, delegated sessions) and, through the API, partner credentials that the API
has already let in (`access`). The export rule is in `export`.

This package re-exports the names its importers use, so they import from
`partnerdesk.console.dashboards` and need not know which module holds what."""

from partnerdesk.console.dashboards.access import DASHBOARD_NOT_FOUND
from partnerdesk.console.dashboards.builtins import BUILT_INS, CENTRAL_OVERVIEW, OVERVIEW, BuiltIn
from partnerdesk.console.dashboards.export import OVERVIEW_NOT_EXPORTABLE, dashboard_export_request
from partnerdesk.console.dashboards.grid import (
    DIRECTIONS,
    GRID_COLUMNS,
    MAX_HEIGHT,
    MAX_ROWS,
    MAX_WIDGETS,
    PLACE_OFF_GRID,
    Direction,
    Spot,
    check_layout,
    first_free_slot,
    free_cells,
    move_refusal,
)
from partnerdesk.console.dashboards.selectors import (
    Board,
    Kind,
    PlacedWidget,
    dashboard_get,
    dashboard_list,
)
from partnerdesk.console.dashboards.services import (
    MAX_DASHBOARDS,
    NAME_MAX,
    STALE,
    Plan,
    clean_name,
    dashboard_copy,
    dashboard_create,
    dashboard_delete,
    dashboard_layout_save,
    dashboard_rename,
    dashboard_update,
    dashboard_widget_add,
    dashboard_widget_move,
    dashboard_widget_place,
    dashboard_widget_remove,
)

__all__ = [
    "BUILT_INS",
    "CENTRAL_OVERVIEW",
    "DASHBOARD_NOT_FOUND",
    "DIRECTIONS",
    "GRID_COLUMNS",
    "MAX_DASHBOARDS",
    "MAX_HEIGHT",
    "MAX_ROWS",
    "MAX_WIDGETS",
    "NAME_MAX",
    "OVERVIEW",
    "OVERVIEW_NOT_EXPORTABLE",
    "PLACE_OFF_GRID",
    "STALE",
    "Board",
    "BuiltIn",
    "Direction",
    "Kind",
    "PlacedWidget",
    "Plan",
    "Spot",
    "check_layout",
    "clean_name",
    "dashboard_copy",
    "dashboard_create",
    "dashboard_delete",
    "dashboard_export_request",
    "dashboard_get",
    "dashboard_layout_save",
    "dashboard_list",
    "dashboard_rename",
    "dashboard_update",
    "dashboard_widget_add",
    "dashboard_widget_move",
    "dashboard_widget_place",
    "dashboard_widget_remove",
    "first_free_slot",
    "free_cells",
    "move_refusal",
]
