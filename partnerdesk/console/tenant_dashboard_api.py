"""The console's dashboards and their PDF exports for the tenant's own credentials (X-1, X-2,
A-4): the routes partner credentials have under /customers/{id}, here under /tenant with
`X-Tenant-ID`. The credential acts with its console role (Super Admin and Admin edit; Read-only
reads and exports), like an admin signed in to the console, so Partner Assistance plays no part."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from partnerdesk.compat.schemas import errors
from partnerdesk.console.dashboard_api import (
    DashboardIn,
    DashboardOut,
    DashboardPage,
    DashboardPatchIn,
    ListParams,
    WidgetTypePage,
    board_create,
    board_out,
    board_update,
    boards_page,
    widget_types_page,
)
from partnerdesk.console.dashboards import (
    dashboard_delete,
    dashboard_export_request,
    dashboard_get,
)
from partnerdesk.console.tenant_api import TENANT_HEADER, credential_tenant
from partnerdesk.reports.access import export_for_console
from partnerdesk.reports.api import PDF_RESPONSE, TENANT_EXPORTS_PATH, ExportOut, export_out
from partnerdesk.reports.views import pdf_response

router = Router(tags=["Tenant console"])

ERRORS = errors(400, 403, 404, 409)


@router.get(
    "/tenant/widget-types",
    response={200: WidgetTypePage, **errors(400, 403, 404)},
    exclude_unset=True,
    summary="List the widget library (tenant)",
)
def tenant_widget_types(
    request: HttpRequest, params: Query[ListParams], x_tenant_id: str = TENANT_HEADER
) -> Any:
    credential_tenant(request, x_tenant_id)
    return widget_types_page(params)


@router.get(
    "/tenant/dashboards",
    response={200: DashboardPage, **ERRORS},
    exclude_unset=True,
    summary="List the tenant's dashboards",
)
def tenant_dashboards_list(
    request: HttpRequest, params: Query[ListParams], x_tenant_id: str = TENANT_HEADER
) -> Any:
    """X-1: the Central Overview first, then the built-in dashboards, then custom ones by name."""
    actor, customer = credential_tenant(request, x_tenant_id)
    return boards_page(actor, customer, params)


@router.post(
    "/tenant/dashboards",
    response={201: DashboardOut, **ERRORS},
    summary="Create a custom dashboard (tenant)",
)
def tenant_dashboards_create(
    request: HttpRequest, body: DashboardIn, x_tenant_id: str = TENANT_HEADER
) -> Any:
    """X-1: empty, with widgets, or a copy (`copyOf`); as the partner route. Read-only
    credentials are refused (403)."""
    actor, customer = credential_tenant(request, x_tenant_id)
    return Status(201, board_create(actor, customer, body))


@router.get(
    "/tenant/dashboards/{dashboard_id}",
    response={200: DashboardOut, **ERRORS},
    summary="Get one dashboard (tenant)",
)
def tenant_dashboards_get(
    request: HttpRequest, dashboard_id: str, x_tenant_id: str = TENANT_HEADER
) -> Any:
    actor, customer = credential_tenant(request, x_tenant_id)
    return board_out(dashboard_get(actor, customer, dashboard_id))


@router.patch(
    "/tenant/dashboards/{dashboard_id}",
    response={200: DashboardOut, **ERRORS},
    summary="Rename a custom dashboard or set its widgets (tenant)",
)
def tenant_dashboards_update(
    request: HttpRequest,
    dashboard_id: str,
    body: DashboardPatchIn,
    x_tenant_id: str = TENANT_HEADER,
) -> Any:
    """X-1: all or nothing, like the partner route; `version` guards against a stale edit."""
    actor, customer = credential_tenant(request, x_tenant_id)
    return board_update(actor, customer, dashboard_id, body)


@router.delete(
    "/tenant/dashboards/{dashboard_id}",
    response={204: None, **ERRORS},
    summary="Delete a custom dashboard (tenant)",
)
def tenant_dashboards_delete(
    request: HttpRequest, dashboard_id: str, x_tenant_id: str = TENANT_HEADER
) -> Any:
    actor, customer = credential_tenant(request, x_tenant_id)
    dashboard_delete(actor=actor, customer=customer, ref=dashboard_id)
    return Status(204, None)


@router.post(
    "/tenant/dashboards/{dashboard_id}/export",
    response={202: ExportOut, **ERRORS},
    summary="Export a dashboard to PDF (tenant)",
)
def tenant_dashboards_export(
    request: HttpRequest, dashboard_id: str, x_tenant_id: str = TENANT_HEADER
) -> Any:
    """X-2: start the export and follow it at `GET /partnerdesk/v1/tenant/exports/{id}`. The
    Central Overview and an empty dashboard are refused (409)."""
    actor, customer = credential_tenant(request, x_tenant_id)
    export = dashboard_export_request(actor=actor, customer=customer, dashboard_ref=dashboard_id)
    return Status(202, export_out(export, str(customer.uuid), TENANT_EXPORTS_PATH))


@router.get(
    "/tenant/exports/{export_id}",
    response={200: ExportOut, **ERRORS},
    summary="Get a dashboard export's status (tenant)",
)
def tenant_export_get(
    request: HttpRequest, export_id: str, x_tenant_id: str = TENANT_HEADER
) -> Any:
    actor, customer = credential_tenant(request, x_tenant_id)
    export = export_for_console(actor, customer, export_id)
    return export_out(export, str(customer.uuid), TENANT_EXPORTS_PATH)


@router.get(
    "/tenant/exports/{export_id}/pdf",
    response={**ERRORS},
    openapi_extra=PDF_RESPONSE,
    summary="Download a dashboard export's PDF (tenant)",
)
def tenant_export_pdf(
    request: HttpRequest, export_id: str, x_tenant_id: str = TENANT_HEADER
) -> HttpResponse:
    """X-2: the finished PDF; 409 while it is still being made, 404 once it has expired."""
    actor, customer = credential_tenant(request, x_tenant_id)
    return pdf_response(export_for_console(actor, customer, export_id, with_pdf=True))
