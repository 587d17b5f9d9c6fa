"""The partner audit log page (S-2), its filters and CSV export."""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from partnerdesk.audit.actions import ACTION_LABELS, action_label
from partnerdesk.audit.models import AuditEvent
from partnerdesk.audit.selectors import (
    AuditFilters,
    audit_events,
    audit_user_choices,
    parse_audit_filters,
)
from partnerdesk.core.csvstream import csv_lines
from partnerdesk.core.errors import ValidationFailed
from partnerdesk.core.paging import PageInfo
from partnerdesk.core.permissions import Action
from partnerdesk.core.views import get_actor, partner_view


@require_GET
@partner_view
def audit_list(request: HttpRequest) -> HttpResponse:
    actor = get_actor(request)
    actor.require(Action.READ_AUDIT_LOG)
    error = None
    try:
        filters = parse_audit_filters(request.GET)
    except ValidationFailed as exc:
        error, filters = exc.message, AuditFilters()
    qs = audit_events(actor, filters)
    total = qs.count()
    page = PageInfo(number=filters.page, size=filters.page_size, total=total)
    if page.number > page.pages:
        page = PageInfo(number=page.pages, size=filters.page_size, total=total)
    events = list(qs[page.offset : page.offset + page.size])
    context = {
        "events": events,
        "page": page,
        "filters": filters,
        "error": error,
        "actions": sorted(ACTION_LABELS.items(), key=lambda kv: kv[1]),
        "users": audit_user_choices(actor),
    }
    return render(request, "audit/list.html", context, status=400 if error else 200)


def _csv_rows(events: Iterator[AuditEvent]) -> Iterator[str]:
    header = [
        "When (UTC)",
        "Who",
        "Kind of actor",
        "Address",
        "Change",
        "Object",
        "Customer",
        "Before",
        "After",
    ]
    return csv_lines(
        header,
        (
            [
                e.occurred_at.isoformat(),
                e.actor_label,
                e.get_actor_kind_display(),
                e.address or "",
                action_label(e.action),
                f"{e.object_type} {e.object_label}",
                e.customer.show_as if e.customer else "",
                json.dumps(e.before, sort_keys=True) if e.before is not None else "",
                json.dumps(e.after, sort_keys=True) if e.after is not None else "",
            ]
            for e in events
        ),
    )


@require_GET
@partner_view
def audit_export(request: HttpRequest) -> HttpResponseBase:
    actor = get_actor(request)
    filters = parse_audit_filters(request.GET)
    events = audit_events(actor, filters).iterator(chunk_size=500)
    response = StreamingHttpResponse(_csv_rows(events), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    return response
