"""Dashboards of a customer's console through the API (X-1, A-4), for partner credentials.
The tenant's own credentials reach the same under /tenant (console/tenant_dashboard_api.py).

A partner works in a customer's console only through Partner Assistance (P-4), so these routes
answer 409 while it is off. The credential's partner role maps to a console role as Launch
customer maps it (Super Admin and Admin: console Admin, who may edit; Help Desk and Read-only
read). An export is started here (X-2: never of the Central Overview); following it and
downloading the PDF are the reports routes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from partnerdesk.compat.auth import PARTNER_HEADER, api_actor, require_partner
from partnerdesk.compat.schemas import TEXT, PageInfo, errors
from partnerdesk.compat.serialize import page_dict
from partnerdesk.console.dashboards import (
    GRID_COLUMNS,
    MAX_HEIGHT,
    MAX_ROWS,
    MAX_WIDGETS,
    NAME_MAX,
    Board,
    Spot,
    dashboard_copy,
    dashboard_create,
    dashboard_delete,
    dashboard_export_request,
    dashboard_get,
    dashboard_list,
    dashboard_update,
)
from partnerdesk.console.widgets import WIDGET_TYPES
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import Conflict, ValidationFailed
from partnerdesk.core.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from partnerdesk.core.permissions import Action
from partnerdesk.customers.access import customer_for
from partnerdesk.customers.models import Customer
from partnerdesk.reports.api import ExportOut, export_out, partner_exports_path

router = Router(tags=["Dashboards"])

EXAMPLE_CUSTOMER = "5b0fbd8e-3d6e-4c5a-9a57-5d7c1f0e2a11"
EXAMPLE_DASHBOARD = "0c6f3a52-8d1e-4b7a-9f2c-3e4d5a6b7c8d"
WidgetKey = Annotated[str, StringConstraints(min_length=1, max_length=60, pattern=r"^[a-z0-9-]+$")]
DashboardRef = Annotated[
    str, StringConstraints(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9-]+$")
]


class WidgetOut(Schema):
    id: int | None = Field(description="Set for the widgets of custom dashboards only.")
    type: str
    title: str
    x: int = Field(description="First column, 0-3.")
    y: int = Field(description="First row, from 0.")
    w: int = Field(description="Columns wide, 1-4.")
    h: int = Field(description="Rows high, 1-2.")


DASHBOARD_EXAMPLE: dict[str, Any] = {
    "id": EXAMPLE_DASHBOARD,
    "name": "Front desk",
    "kind": "custom",
    "description": "",
    "editable": True,
    "exportable": True,
    "version": 3,
    "createdBy": "Aoife Murphy",
    "createdAt": "2026-12-01T09:30:00Z",
    "updatedAt": "2026-12-03T10:15:00Z",
    "widgets": [
        {
            "id": 41,
            "type": "devices-by-health",
            "title": "Devices by health",
            "x": 0,
            "y": 0,
            "w": 2,
            "h": 1,
        },
        {
            "id": 42,
            "type": "open-alerts",
            "title": "Open alerts",
            "x": 0,
            "y": 1,
            "w": 4,
            "h": 2,
        },
    ],
}


class DashboardOut(Schema):
    """A dashboard: the Central Overview (`overview`), a built-in (its slug) or a custom one
    (a uuid). Only custom dashboards are editable; all but the overview are exportable (X-2)."""

    model_config = ConfigDict(json_schema_extra={"example": DASHBOARD_EXAMPLE})

    id: str
    name: str
    kind: Literal["overview", "builtin", "custom"]
    description: str
    editable: bool
    exportable: bool
    version: int | None = Field(description="Custom dashboards: send it back to PATCH safely.")
    createdBy: str | None
    createdAt: dt.datetime | None
    updatedAt: dt.datetime | None
    widgets: list[WidgetOut]


class DashboardPage(Schema):
    items: list[DashboardOut]
    pages: PageInfo


class WidgetTypeOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "type": "devices-by-health",
                "title": "Devices by health",
                "description": "Devices per health state.",
                "defaultWidth": 2,
                "defaultHeight": 1,
            }
        }
    )

    type: str
    title: str
    description: str
    defaultWidth: int
    defaultHeight: int


class WidgetTypePage(Schema):
    items: list[WidgetTypeOut]
    pages: PageInfo


class WidgetIn(BaseModel):
    """A widget's place on the 4-column grid; no two widgets may share a cell."""

    model_config = ConfigDict(extra="forbid")

    type: WidgetKey = Field(description="A type from `GET /partnerdesk/v1/widget-types`.")
    x: int = Field(ge=0, le=GRID_COLUMNS - 1)
    y: int = Field(ge=0, le=MAX_ROWS - 1)
    w: int = Field(ge=1, le=GRID_COLUMNS)
    h: int = Field(ge=1, le=MAX_HEIGHT)


class WidgetPatchIn(BaseModel):
    """An existing widget by `id` (its type may be left out), or a new one by `type`."""

    model_config = ConfigDict(extra="forbid")

    id: int | None = Field(None, ge=1, le=2**63 - 1)
    type: WidgetKey | None = None
    x: int = Field(ge=0, le=GRID_COLUMNS - 1)
    y: int = Field(ge=0, le=MAX_ROWS - 1)
    w: int = Field(ge=1, le=GRID_COLUMNS)
    h: int = Field(ge=1, le=MAX_HEIGHT)


class DashboardIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "name": "Front desk",
                "widgets": [
                    {"type": "devices-by-health", "x": 0, "y": 0, "w": 2, "h": 1},
                    {"type": "open-alerts", "x": 0, "y": 1, "w": 4, "h": 2},
                ],
            }
        },
    )

    name: str = Field("", max_length=NAME_MAX, pattern=r"^[^\x00-\x1f\x7f]*$")
    widgets: list[WidgetIn] = Field(default_factory=list, max_length=MAX_WIDGETS)
    copyOf: DashboardRef | None = Field(
        None,
        description="Copy the widgets of this built-in (slug) or custom (id) dashboard; "
        "`widgets` must then be left out. Without a name, the copy is named “Copy of …”.",
    )


class DashboardPatchIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "name": "Front desk (weekly)",
                "version": 3,
                "widgets": [
                    {"id": 41, "x": 2, "y": 0, "w": 2, "h": 1},
                    {"type": "alerts-by-severity", "x": 0, "y": 0, "w": 2, "h": 1},
                ],
            }
        },
    )

    name: str | None = Field(None, min_length=1, max_length=NAME_MAX, pattern=TEXT)
    widgets: list[WidgetPatchIn] | None = Field(
        None,
        max_length=MAX_WIDGETS,
        description="Every widget the dashboard should have: existing ones by id (moved or "
        "resized), new ones by type; widgets left out are removed.",
    )
    version: int | None = Field(
        None,
        ge=1,
        le=2**31 - 1,
        description="The version you read; a dashboard changed since then is refused (409).",
    )


class ListParams(Schema):
    page: int = Field(1, ge=1, le=10_000_000)
    pageSize: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
    pageTotal: bool = False


def _customer(request: HttpRequest, customer_id: str, x_partner_id: str) -> tuple[Actor, Customer]:
    """The credential's customer, visible to it and launchable by its role, with Partner
    Assistance on; a foreign or missing customer answers 404 alike."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    customer = customer_for(actor, customer_id, for_action=Action.LAUNCH_CUSTOMER)
    if not customer.partner_assistance:
        raise Conflict(
            f"Partner Assistance is off for {customer.show_as}: a partner works in a customer's "
            "console only while the customer has turned it on. Request the customer's approval.",
            code="partnerAssistanceOff",
        )
    return actor, customer


def board_out(b: Board) -> dict[str, Any]:
    d = b.dashboard
    return {
        "id": b.ref,
        "name": b.name,
        "kind": b.kind,
        "description": b.description,
        "editable": b.editable,
        "exportable": b.exportable,
        "version": d.version if d else None,
        "createdBy": d.created_by if d else None,
        "createdAt": d.created_at if d else None,
        "updatedAt": d.updated_at if d else None,
        "widgets": [
            {"id": w.id, "type": w.key, "title": w.title, "x": w.x, "y": w.y, "w": w.w, "h": w.h}
            for w in b.widgets
        ],
    }


ERRORS = errors(400, 403, 404, 409)


@router.get(
    "/customers/{customer_id}/dashboards",
    response={200: DashboardPage, **ERRORS},
    exclude_unset=True,
    summary="List a customer's dashboards",
)
def dashboards_list(
    request: HttpRequest,
    customer_id: str,
    params: Query[ListParams],
    x_partner_id: str = PARTNER_HEADER,
) -> Any:
    """X-1: the Central Overview first, then the built-in dashboards, then custom ones by name,
    each with its widgets and their places on the grid."""
    actor, customer = _customer(request, customer_id, x_partner_id)
    return boards_page(actor, customer, params)


@router.post(
    "/customers/{customer_id}/dashboards",
    response={201: DashboardOut, **ERRORS},
    summary="Create a custom dashboard",
)
def dashboards_create(
    request: HttpRequest, customer_id: str, body: DashboardIn, x_partner_id: str = PARTNER_HEADER
) -> Any:
    """X-1: a new custom dashboard, empty, with the given widgets, or a copy of another
    (`copyOf`). Names are 1-80 characters and unique per customer in any case (409 when taken);
    widgets must fit the grid without overlapping (400 with the reason)."""
    actor, customer = _customer(request, customer_id, x_partner_id)
    return Status(201, board_create(actor, customer, body))


@router.get(
    "/customers/{customer_id}/dashboards/{dashboard_id}",
    response={200: DashboardOut, **ERRORS},
    summary="Get one dashboard",
)
def dashboards_get(
    request: HttpRequest, customer_id: str, dashboard_id: str, x_partner_id: str = PARTNER_HEADER
) -> Any:
    """`dashboard_id` is `overview`, a built-in's slug or a custom dashboard's id."""
    actor, customer = _customer(request, customer_id, x_partner_id)
    return board_out(dashboard_get(actor, customer, dashboard_id))


@router.patch(
    "/customers/{customer_id}/dashboards/{dashboard_id}",
    response={200: DashboardOut, **ERRORS},
    summary="Rename a custom dashboard or set its widgets",
)
def dashboards_update(
    request: HttpRequest,
    customer_id: str,
    dashboard_id: str,
    body: DashboardPatchIn,
    x_partner_id: str = PARTNER_HEADER,
) -> Any:
    """X-1: `name` and/or the whole `widgets` list, saved together or not at all. The layout
    must fit the 4-column grid without overlaps (400); with `version`, a dashboard changed since
    that version is refused (409). Built-in dashboards cannot be changed (409)."""
    actor, customer = _customer(request, customer_id, x_partner_id)
    return board_update(actor, customer, dashboard_id, body)


@router.delete(
    "/customers/{customer_id}/dashboards/{dashboard_id}",
    response={204: None, **ERRORS},
    summary="Delete a custom dashboard",
)
def dashboards_delete(
    request: HttpRequest, customer_id: str, dashboard_id: str, x_partner_id: str = PARTNER_HEADER
) -> Any:
    actor, customer = _customer(request, customer_id, x_partner_id)
    dashboard_delete(actor=actor, customer=customer, ref=dashboard_id)
    return Status(204, None)


@router.post(
    "/customers/{customer_id}/dashboards/{dashboard_id}/export",
    response={202: ExportOut, **ERRORS},
    summary="Export a dashboard to PDF",
)
def dashboards_export(
    request: HttpRequest, customer_id: str, dashboard_id: str, x_partner_id: str = PARTNER_HEADER
) -> Any:
    """X-2: start the PDF export of a built-in or custom dashboard and follow it at
    `GET /partnerdesk/v1/customers/{customer_id}/exports/{id}`. The Central Overview cannot be
    exported (409), nor can a dashboard without widgets (409)."""
    actor, customer = _customer(request, customer_id, x_partner_id)
    export = dashboard_export_request(actor=actor, customer=customer, dashboard_ref=dashboard_id)
    customer_uuid = str(customer.uuid)
    return Status(202, export_out(export, customer_uuid, partner_exports_path(customer_uuid)))


@router.get(
    "/widget-types",
    response={200: WidgetTypePage, **errors(400, 403)},
    exclude_unset=True,
    summary="List the widget library",
)
def widget_types_list(
    request: HttpRequest, params: Query[ListParams], x_partner_id: str = PARTNER_HEADER
) -> Any:
    """The widgets a custom dashboard can place, with their usual size in grid cells."""
    require_partner(api_actor(request), x_partner_id)
    return widget_types_page(params)


# What the routes do once the credential's customer is known: shared with the tenant's own
# routes (console/tenant_dashboard_api.py), which reach the same services as a console actor.


def boards_page(actor: Actor, customer: Customer, params: ListParams) -> dict[str, Any]:
    boards = dashboard_list(actor, customer, with_widgets=True)
    offset = (params.page - 1) * params.pageSize
    return {
        "items": [board_out(b) for b in boards[offset : offset + params.pageSize]],
        "pages": page_dict(params.page, params.pageSize, len(boards) if params.pageTotal else None),
    }


def board_create(actor: Actor, customer: Customer, body: DashboardIn) -> dict[str, Any]:
    if body.copyOf is not None:
        if body.widgets:
            raise ValidationFailed("Send either `widgets` or `copyOf`, not both.")
        created = dashboard_copy(actor=actor, customer=customer, ref=body.copyOf, name=body.name)
    else:
        spots = [Spot(None, w.type, w.x, w.y, w.w, w.h) for w in body.widgets]
        created = dashboard_create(actor=actor, customer=customer, name=body.name, spots=spots)
    return board_out(dashboard_get(actor, customer, str(created.uuid)))


def board_update(
    actor: Actor, customer: Customer, ref: str, body: DashboardPatchIn
) -> dict[str, Any]:
    spots = None
    if body.widgets is not None:
        if any(w.id is None and w.type is None for w in body.widgets):
            raise ValidationFailed("A new widget (without `id`) needs a `type`.")
        spots = [Spot(w.id, w.type or "", w.x, w.y, w.w, w.h) for w in body.widgets]
    dashboard_update(
        actor=actor, customer=customer, ref=ref, name=body.name, spots=spots, version=body.version
    )
    return board_out(dashboard_get(actor, customer, ref))


def widget_types_page(params: ListParams) -> dict[str, Any]:
    types = list(WIDGET_TYPES.values())
    offset = (params.page - 1) * params.pageSize
    return {
        "items": [
            {
                "type": t.key,
                "title": t.title,
                "description": t.description,
                "defaultWidth": t.default_w,
                "defaultHeight": t.default_h,
            }
            for t in types[offset : offset + params.pageSize]
        ],
        "pages": page_dict(params.page, params.pageSize, len(types) if params.pageTotal else None),
    }
