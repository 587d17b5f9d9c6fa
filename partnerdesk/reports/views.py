"""The console pages of an export (X-2): its status (polled while it runs) and the download."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify

from partnerdesk.console.access import Console
from partnerdesk.console.views import console_view
from partnerdesk.core.errors import Conflict, NotFound
from partnerdesk.core.permissions import ConsoleAction
from partnerdesk.reports.access import export_for_console
from partnerdesk.reports.models import DashboardExport, ExportStatus

EXPIRED = "This export has expired. Export the dashboard again to get a new PDF."


def export_filename(export: DashboardExport) -> str:
    """`security-overview-2026-12-03.pdf`: the title and the day it was requested."""
    name = slugify(export.title)[:80].strip("-") or "dashboard"
    return f"{name}-{export.requested_at:%Y-%m-%d}.pdf"


def is_expired(export: DashboardExport) -> bool:
    return export.expires_at <= timezone.now()


@console_view
def export_status(request: HttpRequest, console: Console, export_id: str) -> HttpResponse:
    export = export_for_console(console.actor, console.customer, export_id)
    context = {
        "console": console,
        "customer": console.customer,
        "cactor": console.actor,
        "may_read_audit": console.actor.console_can(ConsoleAction.READ_AUDIT_LOG),
        "export": export,
        "expired": is_expired(export),
        "running": export.status in (ExportStatus.QUEUED, ExportStatus.RUNNING),
        "filename": export_filename(export),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "reports/_export_status.html", context)
    return render(request, "reports/export.html", context)


@console_view
def export_download(request: HttpRequest, console: Console, export_id: str) -> HttpResponse:
    export = export_for_console(console.actor, console.customer, export_id, with_pdf=True)
    return pdf_response(export)


def pdf_response(export: DashboardExport) -> HttpResponse:
    """The finished PDF as an attachment; 409 while it is not ready, 404 once expired."""
    if is_expired(export):
        raise NotFound(EXPIRED, code="notFound.expired")
    if export.status != ExportStatus.DONE or export.pdf is None:
        raise Conflict("The PDF is not ready yet.", code="conflict.exportNotReady")
    response = HttpResponse(bytes(export.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(export)}"'
    response["Cache-Control"] = "private, no-store"
    return response
