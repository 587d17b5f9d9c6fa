"""Starting and running dashboard exports (X-2).

An export copies the dashboard's title and widget placements, so what is drawn is what was on
screen when the button was pressed, whatever happens to the dashboard afterwards.

Small exports render in the request: up to INLINE_MAX_WIDGETS widgets take well under a
second (docs/performance.md), so the status page opens with the Download button ready. Larger
ones are queued to the background worker (`manage.py db_worker`), which renders them and
updates `progress` as each widget is drawn; the status page polls until it is done."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from partnerdesk.audit.services import actor_label, audit_record
from partnerdesk.console.widgets import WIDGET_TYPES
from partnerdesk.core.actor import Actor
from partnerdesk.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from partnerdesk.core.permissions import Action, ConsoleAction
from partnerdesk.customers.models import Customer
from partnerdesk.reports.access import ASSISTANCE_OFF
from partnerdesk.reports.layout import Placement, check_layout
from partnerdesk.reports.models import DashboardExport, ExportStatus

log = logging.getLogger(__name__)

# Up to this many widgets an export renders in the request; more go to the worker.
INLINE_MAX_WIDGETS = 6
# How long a finished export can be downloaded; expired ones are removed at the customer's
# next export.
EXPIRES_AFTER = dt.timedelta(hours=24)
TITLE_MAX = 200
CUSTOMER_NOT_FOUND = "No such customer."


def _placements(value: Sequence[Placement | Mapping[str, Any]]) -> list[Placement]:
    out = [p if isinstance(p, Placement) else Placement.from_dict(p) for p in value]
    check_layout(out)
    unknown = sorted({p.key for p in out} - set(WIDGET_TYPES))
    if unknown:
        raise ValidationFailed(f"Unknown widget type: {', '.join(unknown)}.")
    return out


def _title(title: str) -> str:
    cleaned = " ".join(title.split())
    if not cleaned:
        raise ValidationFailed("The export needs the dashboard's title.")
    return cleaned[:TITLE_MAX]


def dashboard_export_start(
    *,
    actor: Actor,
    customer: Customer,
    title: str,
    placements: Sequence[Placement | Mapping[str, Any]],
    source: str,
) -> DashboardExport:
    """Export a dashboard of the customer's console to PDF (any console role, also in a
    delegated session). Another customer's console answers NotFound. The caller (the
    dashboards) refuses dashboards that cannot be exported, such as the Central Overview."""
    if not actor.is_console_actor or actor.customer_id != customer.pk:
        raise NotFound(CUSTOMER_NOT_FOUND)
    actor.console_require(ConsoleAction.EXPORT_DASHBOARDS)
    return _start(actor, customer, title, placements, source)


def export_start_for_partner(
    *,
    actor: Actor,
    customer: Customer,
    title: str,
    placements: Sequence[Placement | Mapping[str, Any]],
    source: str,
) -> DashboardExport:
    """The same for a partner's API credential: the customer must be visible to it, its role
    must allow Launch customer, and the customer must have Partner Assistance on (Conflict
    otherwise). The audit event names the credential, in the partner's and the customer's
    logs."""
    if not Customer.objects.visible_to(actor).filter(pk=customer.pk).exists():
        raise NotFound(CUSTOMER_NOT_FOUND)
    actor.require(Action.LAUNCH_CUSTOMER)
    if not customer.partner_assistance:
        raise Conflict(ASSISTANCE_OFF, code="conflict.partnerAssistanceOff")
    return _start(actor, customer, title, placements, source)


def _start(
    actor: Actor,
    customer: Customer,
    title: str,
    placements: Sequence[Placement | Mapping[str, Any]],
    source: str,
) -> DashboardExport:
    cleaned = _placements(placements)
    now = timezone.now()
    with transaction.atomic():
        DashboardExport.objects.filter(customer=customer, expires_at__lte=now).delete()
        export = DashboardExport.objects.create(
            partner_id=customer.partner_id,
            customer=customer,
            title=_title(title),
            source=source[:200],
            placements=[p.as_dict() for p in cleaned],
            requested_by=actor_label(actor),
            requested_at=now,
            status=ExportStatus.QUEUED,
            expires_at=now + EXPIRES_AFTER,
        )
        audit_record(
            actor=actor,
            action="dashboard.exported",
            target=export,
            label=f"{export.title} (PDF)",
            customer_id=customer.pk,
            partner_id=customer.partner_id,
            after={"title": export.title, "source": export.source, "widgets": len(cleaned)},
        )
        if len(cleaned) > INLINE_MAX_WIDGETS:
            # The task row commits with the export, so the worker never sees one without the
            # other.
            dashboard_export_run.enqueue(str(export.uuid))
    if len(cleaned) <= INLINE_MAX_WIDGETS:
        export_run(str(export.uuid))
        export.refresh_from_db()
    return export


def _claim(export_id: str) -> DashboardExport | None:
    """Take a queued export to running; None when another run has it or it is gone."""
    try:
        key = uuid.UUID(str(export_id))
    except ValueError:
        return None
    claimed = DashboardExport.objects.filter(uuid=key, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, progress=0
    )
    if not claimed:
        return None
    return DashboardExport.objects.listed().select_related("customer").get(uuid=key)


def export_run(export_id: str) -> str:
    """Render one queued export and store the PDF (or a readable error); returns the outcome."""
    export = _claim(export_id)
    if export is None:
        return "skipped: not queued"
    shown = [-1]

    def progress(done: int, total: int) -> None:
        # At most 99 until the bytes are stored, and one UPDATE per change of percent.
        percent = min(99, done * 100 // max(total, 1))
        if percent != shown[0]:
            shown[0] = percent
            DashboardExport.objects.filter(pk=export.pk).update(progress=percent)

    # Imported here: WeasyPrint is heavy, and only rendering needs it.
    from partnerdesk.reports.pdf import render_dashboard_pdf

    try:
        pdf = render_dashboard_pdf(
            customer=export.customer,
            title=export.title,
            placements=[Placement.from_dict(p) for p in export.placements],
            exported_by=export.requested_by,
            now=export.requested_at,
            progress=progress,
        )
    except DomainError as error:
        return _fail(export, f"The PDF could not be made: {error.message}")
    except Exception:
        log.exception("dashboard export %s failed", export.uuid)
        return _fail(export, "The PDF could not be made because of an error on our side.")
    DashboardExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.DONE,
        progress=100,
        pdf=pdf,
        size=len(pdf),
        finished_at=timezone.now(),
    )
    return f"done: {len(pdf)} bytes"


def _fail(export: DashboardExport, message: str) -> str:
    DashboardExport.objects.filter(pk=export.pk).update(
        status=ExportStatus.FAILED, error=message[:500], finished_at=timezone.now()
    )
    return "failed"


@task()
def dashboard_export_run(export_id: str) -> str:
    """The worker's side of a queued export."""
    return export_run(export_id)
