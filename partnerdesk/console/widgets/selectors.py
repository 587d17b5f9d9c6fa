"""The reads behind the dashboard widgets (X-1): one function per widget, each scoped to ONE
customer. Every query filters on the customer's id (joined rows too), so a widget can never
count another tenant's rows; each function runs a small, fixed number of queries (pinned in
tests/console/test_widgets.py). Callers reach the customer through the access helpers first."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, Count, Func, Q, Sum
from django.db.models.sql.compiler import SQLCompiler

from partnerdesk.console.models import Alert, AlertSeverity, Device, DeviceDay, DeviceHealth
from partnerdesk.customers.models import Customer
from partnerdesk.licensing.models import License, LicenseType, Product
from partnerdesk.licensing.status import EXPIRING_WITHIN_DAYS

PERIOD_DAYS = 30
STALE_AFTER_DAYS = 7
TOP = 10

CATEGORY_LABELS = {
    "malware": "Malware",
    "pua": "PUA",
    "web": "Web",
    "policy": "Policy",
    "runtime-detection": "Runtime detection",
    "update-failure": "Update failure",
    "exploit": "Exploit",
    "ransomware": "Ransomware",
}


def category_label(code: str) -> str:
    return CATEGORY_LABELS.get(code) or code.replace("-", " ").capitalize()


@dataclass(frozen=True, slots=True)
class Tally:
    """A count under a key (health, severity, OS, category, product code) and its label."""

    key: str
    label: str
    count: int


@dataclass(frozen=True, slots=True)
class AlertDays:
    days: list[dt.date]
    by_severity: dict[str, list[int]]


@dataclass(frozen=True, slots=True)
class DeviceAlerts:
    hostname: str
    os: str
    alerts: int
    open: int
    high: int


@dataclass(frozen=True, slots=True)
class ProductUsage:
    code: str
    name: str
    used: int
    quantity: int | None  # None: usage billed, no quantity
    licensed: bool


@dataclass(frozen=True, slots=True)
class StaleDevice:
    hostname: str
    os: str
    last_seen: dt.datetime


@dataclass(frozen=True, slots=True)
class StaleDevices:
    count: int
    devices: list[StaleDevice]
    total_devices: int


@dataclass(frozen=True, slots=True)
class OpenAlert:
    raised_at: dt.datetime
    severity: str
    category: str
    description: str
    hostname: str | None


@dataclass(frozen=True, slots=True)
class OpenAlerts:
    total: int
    latest: list[OpenAlert]


@dataclass(frozen=True, slots=True)
class Summary:
    devices: int
    open_high_alerts: int
    licenses_expiring: int


class UTCDay(Func):
    """The UTC day of a datetime column as 'YYYY-MM-DD', computed by the database itself.
    Django's TruncDate is a Python function on SQLite, called once per row (0.25 s for 67,000
    alerts); SQLite stores datetimes as UTC text 'YYYY-MM-DD HH:MM:SS', so the day is its first
    ten characters (48 ms, docs/performance.md). PostgreSQL converts to UTC first."""

    output_field = CharField()
    template = "SUBSTR(%(expressions)s, 1, 10)"

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        return self.as_sql(
            compiler,
            connection,
            template="to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
            **extra,
        )


def _utc_day(now: dt.datetime) -> dt.date:
    return now.astimezone(dt.UTC).date()


def _period_start(now: dt.datetime, days: int = PERIOD_DAYS) -> dt.datetime:
    """Midnight UTC at the start of the last `days` days, today included."""
    first = _utc_day(now) - dt.timedelta(days=days - 1)
    return dt.datetime.combine(first, dt.time(0), tzinfo=dt.UTC)


def _open(now: dt.datetime) -> Q:
    """Alerts open at `now`: raised by then, not resolved by then."""
    return Q(raised_at__lte=now) & (Q(resolved_at__isnull=True) | Q(resolved_at__gt=now))


def _alerts(customer: Customer) -> Q:
    return Q(customer_id=customer.pk)


def devices_by_health(customer: Customer, now: dt.datetime) -> list[Tally]:
    """Every health state in a fixed order, zeros included (1 query)."""
    counts = dict(
        Device.objects.filter(customer_id=customer.pk)
        .values_list("health")
        .annotate(n=Count("pk"))
        .values_list("health", "n")
    )
    return [Tally(h.value, str(h.label), counts.get(h.value, 0)) for h in DeviceHealth]


def open_alerts_by_severity(customer: Customer, now: dt.datetime) -> list[Tally]:
    """Open alerts per severity, high first, zeros included (1 query)."""
    counts = dict(
        Alert.objects.filter(_alerts(customer), _open(now))
        .values_list("severity")
        .annotate(n=Count("pk"))
        .values_list("severity", "n")
    )
    return [Tally(s.value, str(s.label), counts.get(s.value, 0)) for s in AlertSeverity]


def alerts_per_day(customer: Customer, now: dt.datetime, days: int = PERIOD_DAYS) -> AlertDays:
    """Alerts raised per UTC day and severity over the last `days` days, today included
    (1 query)."""
    first = _period_start(now, days)
    rows = (
        Alert.objects.filter(_alerts(customer), raised_at__gte=first, raised_at__lte=now)
        .annotate(day=UTCDay("raised_at"))
        .values_list("day", "severity")
        .annotate(n=Count("pk"))
        .values_list("day", "severity", "n")
    )
    labels = [first.date() + dt.timedelta(days=i) for i in range(days)]
    index = {d.isoformat(): i for i, d in enumerate(labels)}
    by_severity = {s.value: [0] * days for s in AlertSeverity}
    for day, severity, n in rows:
        if day in index and severity in by_severity:
            by_severity[severity][index[day]] += n
    return AlertDays(days=labels, by_severity=by_severity)


def most_alerting_devices(
    customer: Customer, now: dt.datetime, days: int = PERIOD_DAYS, limit: int = TOP
) -> list[DeviceAlerts]:
    """The devices with the most alerts raised in the period, with how many are still open and
    how many were high (1 query)."""
    rows = (
        Alert.objects.filter(
            _alerts(customer),
            device__customer_id=customer.pk,
            raised_at__gte=_period_start(now, days),
            raised_at__lte=now,
        )
        .values("device_id", "device__hostname", "device__os")
        .annotate(
            alerts=Count("pk"),
            open=Count("pk", filter=_open(now)),
            high=Count("pk", filter=Q(severity=AlertSeverity.HIGH)),
        )
        .order_by("-alerts", "-high", "device__hostname", "device_id")[:limit]
    )
    return [
        DeviceAlerts(r["device__hostname"], r["device__os"], r["alerts"], r["open"], r["high"])
        for r in rows
    ]


def license_usage(customer: Customer, now: dt.datetime) -> list[ProductUsage]:
    """Per product, the devices running it now against the quantity of the live trial and
    term licenses (usage licenses have none); products run without a license are listed too
    (2 queries, 3 when devices run an unlicensed product)."""
    today = _utc_day(now)
    licensed = (
        License.objects.filter(customer_id=customer.pk, revoked_at__isnull=True)
        .filter(starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .values("product__code", "product__name")
        .annotate(
            quantity=Sum("quantity"),
            usage=Count("pk", filter=Q(license_type=LicenseType.USAGE)),
        )
        .order_by("product__category", "product__name")
    )
    used = _devices_per_code(customer)
    out = [
        ProductUsage(
            code=r["product__code"],
            name=r["product__name"],
            used=used.pop(r["product__code"], 0),
            quantity=None if r["usage"] else r["quantity"],
            licensed=True,
        )
        for r in licensed
    ]
    if used:
        names = dict(Product.objects.filter(code__in=used).values_list("code", "name"))
        out += [
            ProductUsage(code, names.get(code, code), n, None, licensed=False)
            for code, n in sorted(used.items(), key=lambda item: (-item[1], item[0]))
        ]
    return out


def _devices_per_code(customer: Customer) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for products in Device.objects.filter(customer_id=customer.pk).values_list(
        "products", flat=True
    ):
        counts.update(set(products or []))
    return dict(counts)


def devices_by_os(customer: Customer, now: dt.datetime) -> list[Tally]:
    """Devices per operating system, most common first (1 query)."""
    rows = (
        Device.objects.filter(customer_id=customer.pk)
        .values_list("os")
        .annotate(n=Count("pk"))
        .order_by("-n", "os")
        .values_list("os", "n")
    )
    return [Tally(os, os or "Not reported", n) for os, n in rows]


def alerts_by_category(
    customer: Customer, now: dt.datetime, days: int = PERIOD_DAYS
) -> list[Tally]:
    """Alerts raised in the period per category, most first (1 query)."""
    rows = (
        Alert.objects.filter(
            _alerts(customer), raised_at__gte=_period_start(now, days), raised_at__lte=now
        )
        .values_list("category")
        .annotate(n=Count("pk"))
        .order_by("-n", "category")
        .values_list("category", "n")
    )
    return [Tally(code, category_label(code), n) for code, n in rows]


def stale_devices(
    customer: Customer, now: dt.datetime, days: int = STALE_AFTER_DAYS, limit: int = TOP
) -> StaleDevices:
    """How many devices have not been seen for `days` days or more, and the longest-silent
    ones (2 queries)."""
    cutoff = now - dt.timedelta(days=days)
    counts = Device.objects.filter(customer_id=customer.pk).aggregate(
        total=Count("pk"), stale=Count("pk", filter=Q(last_seen__lte=cutoff))
    )
    rows = (
        Device.objects.filter(customer_id=customer.pk, last_seen__lte=cutoff)
        .order_by("last_seen", "hostname")
        .values_list("hostname", "os", "last_seen")[:limit]
    )
    return StaleDevices(
        count=counts["stale"],
        devices=[StaleDevice(h, os, seen) for h, os, seen in rows],
        total_devices=counts["total"],
    )


def latest_open_alerts(customer: Customer, now: dt.datetime, limit: int = TOP) -> OpenAlerts:
    """The newest open alerts with their device, and how many are open in all (2 queries)."""
    open_alerts = Alert.objects.filter(_alerts(customer), _open(now))
    total = open_alerts.count()
    rows = (
        open_alerts.filter(Q(device__isnull=True) | Q(device__customer_id=customer.pk))
        .order_by("-raised_at", "-pk")
        .values_list("raised_at", "severity", "category", "description", "device__hostname")[:limit]
    )
    return OpenAlerts(total=total, latest=[OpenAlert(*row) for row in rows])


def devices_per_product(customer: Customer, now: dt.datetime) -> list[Tally]:
    """Devices running each product now, most first (2 queries: devices, product names)."""
    counts = _devices_per_code(customer)
    names = dict(Product.objects.filter(code__in=counts).values_list("code", "name"))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], names.get(item[0], item[0])))
    return [Tally(code, names.get(code, code), n) for code, n in ranked]


def devices_per_day(
    customer: Customer, now: dt.datetime, days: int = PERIOD_DAYS
) -> list[tuple[dt.date, int]]:
    """Devices that checked in on each of the last `days` full UTC days, ending yesterday, so
    today's half-finished count does not read as a drop (1 query)."""
    last = _utc_day(now) - dt.timedelta(days=1)
    first = last - dt.timedelta(days=days - 1)
    counts = dict(
        DeviceDay.objects.filter(customer_id=customer.pk, day__gte=first, day__lte=last)
        .values_list("day")
        .annotate(n=Count("device_id", distinct=True))
        .values_list("day", "n")
    )
    return [
        (first + dt.timedelta(days=i), counts.get(first + dt.timedelta(days=i), 0))
        for i in range(days)
    ]


def summary_counts(customer: Customer, now: dt.datetime) -> Summary:
    """Devices, open high-severity alerts, and live trial or term licenses that end within 30
    days (3 queries)."""
    today = _utc_day(now)
    soon = today + dt.timedelta(days=EXPIRING_WITHIN_DAYS)
    return Summary(
        devices=Device.objects.filter(customer_id=customer.pk).count(),
        open_high_alerts=Alert.objects.filter(
            _alerts(customer), _open(now), severity=AlertSeverity.HIGH
        ).count(),
        licenses_expiring=License.objects.filter(
            customer_id=customer.pk,
            revoked_at__isnull=True,
            starts_on__lte=today,
            ends_on__gte=today,
            ends_on__lte=soon,
        ).count(),
    )
