"""Dashboard exports over the API (X-2): a partner credential follows an export it started
(POST .../dashboards/{ref}/export, in the dashboards' router) and downloads the PDF; the
tenant's own credentials do the same under /tenant (console/tenant_dashboard_api.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import ConfigDict, Field

from partnerdesk.compat.auth import PARTNER_HEADER, api_actor, require_partner
from partnerdesk.compat.schemas import errors
from partnerdesk.reports.access import export_for_partner
from partnerdesk.reports.models import DashboardExport, ExportStatus
from partnerdesk.reports.views import pdf_response

router = Router(tags=["Dashboards"])

EXAMPLE_EXPORT = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
EXAMPLE_CUSTOMER = "5b0fbd8e-3d6e-4c5a-9a57-5d7c1f0e2a11"


class ExportOut(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "id": EXAMPLE_EXPORT,
                "customerId": EXAMPLE_CUSTOMER,
                "title": "Security overview",
                "source": "builtin:security-overview",
                "status": "done",
                "progress": 100,
                "requestedBy": "Billing script",
                "requestedAt": "2026-12-03T10:15:00Z",
                "finishedAt": "2026-12-03T10:15:02Z",
                "expiresAt": "2026-12-04T10:15:00Z",
                "size": 48211,
                "error": None,
                "downloadUrl": f"/partnerdesk/v1/customers/{EXAMPLE_CUSTOMER}/exports/"
                f"{EXAMPLE_EXPORT}/pdf",
            }
        }
    )

    id: str
    customerId: str
    title: str
    source: str = Field(description="The exported dashboard, e.g. `builtin:...` or `custom:...`.")
    status: str = Field(description="queued, running, done or failed")
    progress: int = Field(description="Percent of the widgets drawn, 0-100.")
    requestedBy: str
    requestedAt: dt.datetime
    finishedAt: dt.datetime | None
    expiresAt: dt.datetime = Field(description="After this the PDF is no longer available.")
    size: int = Field(description="Bytes of the PDF once done, else 0.")
    error: str | None = Field(description="Why it failed, when it did.")
    downloadUrl: str | None = Field(description="Where to GET the PDF, once done.")


def partner_exports_path(customer_uuid: str) -> str:
    return f"/partnerdesk/v1/customers/{customer_uuid}/exports"


TENANT_EXPORTS_PATH = "/partnerdesk/v1/tenant/exports"


def export_out(export: DashboardExport, customer_uuid: str, exports_path: str) -> dict[str, Any]:
    """An export as the API shows it; `exports_path` is where the caller's credential follows
    it (partner credentials under the customer, tenant credentials under /tenant)."""
    ready = export.status == ExportStatus.DONE and export.expires_at > dt.datetime.now(dt.UTC)
    path = f"{exports_path}/{export.uuid}"
    return {
        "id": str(export.uuid),
        "customerId": customer_uuid,
        "title": export.title,
        "source": export.source,
        "status": export.status,
        "progress": export.progress,
        "requestedBy": export.requested_by,
        "requestedAt": export.requested_at,
        "finishedAt": export.finished_at,
        "expiresAt": export.expires_at,
        "size": export.size,
        "error": export.error or None,
        "downloadUrl": f"{path}/pdf" if ready else None,
    }


PDF_RESPONSE = {
    "responses": {
        "200": {
            "description": "The PDF, as an attachment named after the title and the date.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get(
    "/customers/{customer_id}/exports/{export_id}",
    response={200: ExportOut, **errors(400, 403, 404, 409)},
    summary="Get a dashboard export's status",
)
def export_get_api(
    request: HttpRequest, customer_id: str, export_id: str, x_partner_id: str = PARTNER_HEADER
) -> Any:
    """X-2: status and progress of a PDF export; `downloadUrl` once it is done. Credentials
    whose role may launch the customer; 409 while the customer has Partner Assistance off."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    export = export_for_partner(actor, customer_id, export_id)
    customer_uuid = str(export.customer.uuid)
    return export_out(export, customer_uuid, partner_exports_path(customer_uuid))


@router.get(
    "/customers/{customer_id}/exports/{export_id}/pdf",
    response={**errors(400, 403, 404, 409)},
    openapi_extra=PDF_RESPONSE,
    summary="Download a dashboard export's PDF",
)
def export_pdf_api(
    request: HttpRequest, customer_id: str, export_id: str, x_partner_id: str = PARTNER_HEADER
) -> HttpResponse:
    """X-2: the finished PDF; 409 while it is still being made (or the customer has Partner
    Assistance off), 404 once it has expired."""
    actor = api_actor(request)
    require_partner(actor, x_partner_id)
    return pdf_response(export_for_partner(actor, customer_id, export_id, with_pdf=True))
