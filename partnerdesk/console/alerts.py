"""Alerts ingest (A-7): the writes for the alerts a customer's agents and integrations send in
with the customer's enrollment token, upserted on the sender's alert id."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from partnerdesk.console.models import Alert, AlertSeverity, Device, EnrollmentToken
from partnerdesk.console.services import CLOCK_SKEW
from partnerdesk.core.errors import ValidationFailed

MAX_ALERTS = 1000
# Alerts may be backfilled (an integration catching up), but not from before any dashboard
# period: a year is the longest range the widgets and reports look at.
MAX_ALERT_AGE = dt.timedelta(days=365)


@dataclass(frozen=True, slots=True)
class AlertReport:
    """One alert as its sender reports it (already shape-checked by the API schema)."""

    alert_id: str
    severity: str
    category: str
    description: str
    raised_at: dt.datetime
    device_id: str | None = None
    resolved_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class IngestResult:
    created: int
    updated: int


def _refuse(where: str, field: str, message: str, code: str) -> ValidationFailed:
    return ValidationFailed(f"{where}.{field}: {message}", fields={f"{where}.{field}": code})


def _check_times(where: str, report: AlertReport, now: dt.datetime) -> None:
    if report.raised_at > now + CLOCK_SKEW:
        raise _refuse(where, "raisedAt", "is in the future.", "future")
    if report.raised_at < now - MAX_ALERT_AGE:
        raise _refuse(where, "raisedAt", "is more than 365 days ago.", "too old")
    if report.resolved_at is None:
        return
    if report.resolved_at < report.raised_at:
        raise _refuse(where, "resolvedAt", "is before raisedAt.", "before raised")
    if report.resolved_at > now + CLOCK_SKEW:
        raise _refuse(where, "resolvedAt", "is in the future.", "future")


def _validate(customer_id: int, reports: Sequence[AlertReport], now: dt.datetime) -> dict[str, int]:
    """Refuses the whole batch on the first bad entry, naming it; returns the customer's device
    primary keys by the device ids the batch names."""
    if not reports:
        raise ValidationFailed("Send at least one alert.", fields={"alerts": "empty"})
    if len(reports) > MAX_ALERTS:
        raise ValidationFailed(
            f"At most {MAX_ALERTS} alerts per call; this call has {len(reports)}.",
            fields={"alerts": "too many"},
        )
    named = {r.device_id for r in reports if r.device_id is not None}
    devices = dict(
        Device.objects.filter(customer_id=customer_id, device_id__in=named).values_list(
            "device_id", "pk"
        )
    )
    seen: dict[str, int] = {}
    for index, report in enumerate(reports):
        where = f"alerts[{index}]"
        if report.alert_id in seen:
            raise _refuse(
                where,
                "alertId",
                f"{report.alert_id!r} also appears at alerts[{seen[report.alert_id]}]; "
                "send each alert once per call.",
                "duplicate",
            )
        seen[report.alert_id] = index
        if report.severity not in AlertSeverity.values:
            raise _refuse(where, "severity", "must be high, medium or low.", "invalid")
        if report.device_id is not None and report.device_id not in devices:
            # A typo or an alert sent before its device checked in would otherwise be stored
            # unlinked and silently miss every per-device view; the sender can retry.
            raise _refuse(
                where,
                "deviceId",
                f"no device {report.device_id!r} has checked in for this customer; check it "
                "in first (POST /partnerdesk/v1/devices/check-in) or leave deviceId out.",
                "unknown device",
            )
        _check_times(where, report, now)
    return devices


def alerts_ingest(
    *, token: EnrollmentToken, reports: Sequence[AlertReport], now: dt.datetime | None = None
) -> IngestResult:
    """Upsert the alerts of the token's customer, keyed on (customer, alert id).

    Idempotent: sending the same alert again updates it (its severity, text, device, times,
    typically its resolution). All or nothing: a batch with one bad entry writes nothing."""
    now = now or timezone.now()
    customer_id, partner_id = token.customer_id, token.partner_id
    devices = _validate(customer_id, reports, now)
    ids = [r.alert_id for r in reports]
    rows = [
        Alert(
            partner_id=partner_id,
            customer_id=customer_id,
            alert_id=r.alert_id,
            severity=r.severity,
            category=r.category,
            description=r.description,
            device_id=devices[r.device_id] if r.device_id is not None else None,
            raised_at=r.raised_at,
            resolved_at=r.resolved_at,
        )
        for r in reports
    ]
    with transaction.atomic():
        existing = Alert.objects.filter(customer_id=customer_id, alert_id__in=ids).count()
        Alert.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["customer", "alert_id"],
            update_fields=[
                "severity",
                "category",
                "description",
                "device",
                "raised_at",
                "resolved_at",
            ],
        )
    return IngestResult(created=len(ids) - existing, updated=existing)
