"""The widget library (X-1): the widget types and how each draws its selector's data (X-3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from partnerdesk.console.widgets import selectors as data
from partnerdesk.console.widgets.svg import (
    HEALTH,
    SERIES,
    SEVERITY,
    Bar,
    Column,
    Series,
    area_chart,
    clip,
    column_chart,
    donut,
    empty,
    esc,
    hbar_chart,
    meter_rows,
    meters,
    num,
    pill,
    plural,
    stacked_columns,
    table,
    tiles,
    time,
)
from partnerdesk.core.errors import NotFound
from partnerdesk.customers.models import Customer

GRID_COLUMNS = 4
MAX_HEIGHT = 2
# The drawing size of one grid cell; drawings scale to their container, so only the aspect
# ratio of a w x h widget matters.
CELL_W, CELL_H = 300, 200
MAX_BARS = 8

NO_DEVICES = "No devices have checked in yet"
NO_RECENT_ALERTS = "No alerts in the last 30 days"
NO_OPEN_ALERTS = "No open alerts"


@dataclass(frozen=True, slots=True)
class WidgetType:
    """A kind of widget a dashboard can place: its size on a 4-column grid, in cells."""

    key: str
    title: str
    description: str
    default_w: int
    default_h: int

    def __post_init__(self) -> None:
        if not (1 <= self.default_w <= GRID_COLUMNS and 1 <= self.default_h <= MAX_HEIGHT):
            raise ValueError(f"{self.key}: widgets are 1-4 columns wide and 1-2 rows high")


@dataclass(frozen=True, slots=True)
class WidgetDrawing:
    """A drawn widget: `html` is self-contained SVG or an HTML table with every data string
    escaped (safe to mark_safe); `summary` is a one-sentence plain-text alternative."""

    key: str
    title: str
    html: str
    summary: str


@dataclass(frozen=True, slots=True)
class Drawn:
    html: str
    summary: str


@dataclass(frozen=True, slots=True)
class Canvas:
    """What a drawing function gets: the customer, the moment, and its size in drawing units."""

    customer: Customer
    now: dt.datetime
    width: int
    height: int


Draw = Callable[[Canvas], Drawn]


def _day(d: dt.date) -> str:
    return f"{d.day} {d:%b}"


def _capped(bars: list[Bar], *, other: bool) -> list[Bar]:
    """At most MAX_BARS bars; the rest summed as "Other" when the counts add up."""
    if len(bars) <= MAX_BARS:
        return bars
    keep = bars[: MAX_BARS - 1]
    if not other:
        return bars[:MAX_BARS]
    rest = sum(b.value for b in bars[MAX_BARS - 1 :])
    return [*keep, Bar(f"Other ({len(bars) - len(keep)})", rest, SERIES[-1])]


def _listing(items: Sequence[tuple[str, int]], limit: int = 4) -> str:
    parts = [f"{label} {num(n)}" for label, n in items[:limit]]
    if len(items) > limit:
        parts.append(f"{len(items) - limit} more")
    return ", ".join(parts)


def draw_summary(c: Canvas) -> Drawn:
    s = data.summary_counts(c.customer, c.now)
    items = [
        ("Devices", s.devices, SERIES[0]),
        ("Open high-severity alerts", s.open_high_alerts, SEVERITY["high"]),
        ("Licenses expiring within 30 days", s.licenses_expiring, SEVERITY["medium"]),
    ]
    summary = (
        f"{plural(s.devices, 'device')}, {plural(s.open_high_alerts, 'open high-severity alert')}"
        f" and {plural(s.licenses_expiring, 'license')} expiring within 30 days."
    )
    return Drawn(tiles(items, width=c.width, height=c.height, label=summary), summary)


def draw_devices_by_health(c: Canvas) -> Drawn:
    counts = data.devices_by_health(c.customer, c.now)
    total = sum(t.count for t in counts)
    if not total:
        return Drawn(empty(c.width, c.height, NO_DEVICES), NO_DEVICES + ".")
    parts = ", ".join(f"{num(t.count)} {t.label.lower()}" for t in counts)
    summary = f"{plural(total, 'device')}: {parts}."
    bars = [Bar(t.label, t.count, HEALTH[t.key]) for t in counts]
    html = donut(bars, width=c.width, height=c.height, label=summary, centre="devices")
    return Drawn(html, summary)


def draw_alerts_by_severity(c: Canvas) -> Drawn:
    counts = data.open_alerts_by_severity(c.customer, c.now)
    total = sum(t.count for t in counts)
    if not total:
        return Drawn(empty(c.width, c.height, NO_OPEN_ALERTS), NO_OPEN_ALERTS + ".")
    parts = ", ".join(f"{num(t.count)} {t.label.lower()}" for t in counts)
    summary = f"{plural(total, 'open alert')}: {parts}."
    bars = [Bar(t.label, t.count, SEVERITY[t.key]) for t in counts]
    return Drawn(column_chart(bars, width=c.width, height=c.height, label=summary), summary)


def draw_alerts_over_time(c: Canvas) -> Drawn:
    d = data.alerts_per_day(c.customer, c.now)
    totals = [sum(v[i] for v in d.by_severity.values()) for i in range(len(d.days))]
    if not sum(totals):
        return Drawn(empty(c.width, c.height, NO_RECENT_ALERTS), NO_RECENT_ALERTS + ".")
    series = [
        Series(label, SEVERITY[key], d.by_severity[key])
        for key, label in (("high", "High"), ("medium", "Medium"), ("low", "Low"))
    ]
    busiest = max(range(len(totals)), key=lambda i: (totals[i], i))
    parts = ", ".join(f"{num(sum(s.values))} {s.label.lower()}" for s in series)
    summary = (
        f"{plural(sum(totals), 'alert')} in the last 30 days ({parts}); the busiest day was "
        f"{_day(d.days[busiest])} with {num(totals[busiest])}."
    )
    html = stacked_columns(
        [_day(day) for day in d.days], series, width=c.width, height=c.height, label=summary
    )
    return Drawn(html, summary)


def draw_most_alerting_devices(c: Canvas) -> Drawn:
    rows = data.most_alerting_devices(c.customer, c.now)
    if not rows:
        return Drawn(_empty_note(NO_RECENT_ALERTS), NO_RECENT_ALERTS + ".")
    top = rows[0]
    summary = f"{top.hostname} raised the most alerts in the last 30 days ({num(top.alerts)})"
    summary += "." if len(rows) == 1 else f"; the table lists the top {len(rows)}."
    html = table(
        [
            Column("Device"),
            Column("Operating system"),
            Column("Alerts", numeric=True),
            Column("High", numeric=True),
            Column("Open", numeric=True),
        ],
        [
            [r.hostname, r.os or "Not reported", num(r.alerts), num(r.high), num(r.open)]
            for r in rows
        ],
        caption=(
            "The only device that raised alerts in the last 30 days"
            if len(rows) == 1
            else f"Top {len(rows)} devices by alerts raised in the last 30 days"
        ),
    )
    return Drawn(html, summary)


def draw_license_usage(c: Canvas) -> Drawn:
    usage = data.license_usage(c.customer, c.now)
    if not usage:
        message = "No current licenses or devices"
        return Drawn(empty(c.width, c.height, message), message + ".")
    fit = meter_rows(c.height)
    shown = usage if len(usage) <= fit else usage[: fit - 1]
    rows: list[tuple[str, int, int | None, str]] = []
    sentences: list[str] = []
    for u in shown:
        if not u.licensed:
            note = f"{plural(u.used, 'device')}, no license"
        elif u.quantity is None:
            note = f"{plural(u.used, 'device')}, usage billed"
        elif u.used > u.quantity:
            note = f"{num(u.used)} of {num(u.quantity)} used, {num(u.used - u.quantity)} over"
        else:
            note = f"{num(u.used)} of {num(u.quantity)} used"
        rows.append((u.name, u.used, u.quantity, note))
        sentences.append(f"{u.name}: {note}")
    if len(shown) < len(usage):
        more = plural(len(usage) - len(shown), "more product")
        rows.append((f"and {more}", 0, None, ""))
        sentences.append(f"and {more}")
    summary = "; ".join(sentences) + "."
    return Drawn(meters(rows, width=c.width, height=c.height, label=summary), summary)


def _tally_bars(
    c: Canvas, tallies: list[data.Tally], *, other: bool, what: str, message: str
) -> Drawn:
    if not tallies:
        return Drawn(empty(c.width, c.height, message), message + ".")
    bars = _capped([Bar(t.label, t.count, SERIES[0]) for t in tallies], other=other)
    summary = f"{what}: {_listing([(b.label, b.value) for b in bars])}."
    return Drawn(hbar_chart(bars, width=c.width, height=c.height, label=summary), summary)


def draw_devices_by_os(c: Canvas) -> Drawn:
    tallies = data.devices_by_os(c.customer, c.now)
    return _tally_bars(c, tallies, other=True, what="Devices by OS", message=NO_DEVICES)


def draw_alerts_by_category(c: Canvas) -> Drawn:
    tallies = data.alerts_by_category(c.customer, c.now)
    what = "Alerts in the last 30 days by category"
    return _tally_bars(c, tallies, other=True, what=what, message=NO_RECENT_ALERTS)


def draw_product_coverage(c: Canvas) -> Drawn:
    tallies = data.devices_per_product(c.customer, c.now)
    # A device runs several products, so the bars are not parts of a whole: no "Other".
    return _tally_bars(c, tallies, other=False, what="Devices per product", message=NO_DEVICES)


def draw_stale_devices(c: Canvas) -> Drawn:
    s = data.stale_devices(c.customer, c.now)
    if not s.total_devices:
        return Drawn(_empty_note(NO_DEVICES), NO_DEVICES + ".")
    if not s.count:
        message = "Every device was seen within the last 7 days"
        return Drawn(_empty_note(message), message + ".")
    unseen = f"of {num(s.total_devices)} not seen for 7 days or more"
    headline = f"{plural(s.count, 'device')} {unseen}"
    rows = [
        [d.hostname, d.os or "Not reported", time(d.last_seen), num((c.now - d.last_seen).days)]
        for d in s.devices
    ]
    listing = table(
        [Column("Device"), Column("Operating system"), Column("Last seen"), Column("Days", True)],
        rows,
        caption=f"The {len(rows)} longest unseen" if s.count > len(rows) else "Devices not seen",
    )
    html = (
        f'<div class="widget-stale"><p class="widget-stat"><strong>{num(s.count)}</strong> '
        f"{'device' if s.count == 1 else 'devices'} {esc(unseen)}</p>{listing}</div>"
    )
    return Drawn(html, headline + ".")


def draw_open_alerts(c: Canvas) -> Drawn:
    o = data.latest_open_alerts(c.customer, c.now)
    if not o.total:
        return Drawn(_empty_note(NO_OPEN_ALERTS), NO_OPEN_ALERTS + ".")
    rows = [
        [
            time(a.raised_at),
            pill(a.severity, a.severity.capitalize()),
            data.category_label(a.category),
            a.hostname or "No device",
            clip(a.description, 140),
        ]
        for a in o.latest
    ]
    caption = f"Latest {len(rows)} of {plural(o.total, 'open alert')}"
    html = table(
        [
            Column("Raised"),
            Column("Severity"),
            Column("Category"),
            Column("Device"),
            Column("Description"),
        ],
        rows,
        caption=caption,
    )
    return Drawn(html, f"{caption}, newest first.")


def draw_usage_trend(c: Canvas) -> Drawn:
    points = data.devices_per_day(c.customer, c.now)
    if not any(n for _, n in points):
        message = "No device check-ins in the last 30 days"
        return Drawn(empty(c.width, c.height, message), message + ".")
    first, last = points[0], points[-1]
    peak = max(points, key=lambda p: p[1])
    summary = (
        f"Devices checked in per day over the last 30 days: {num(first[1])} on {_day(first[0])}, "
        f"{num(last[1])} on {_day(last[0])}, at most {num(peak[1])} ({_day(peak[0])})."
    )
    html = area_chart(
        [(_day(d), n) for d, n in points], width=c.width, height=c.height, label=summary
    )
    return Drawn(html, summary)


def _empty_note(message: str) -> str:
    return f'<p class="widget-empty">{esc(message)}</p>'


_LIBRARY: list[tuple[WidgetType, Draw]] = [
    (
        WidgetType(
            "summary",
            "Summary",
            "Devices, open high-severity alerts and licenses expiring within 30 days.",
            2,
            1,
        ),
        draw_summary,
    ),
    (
        WidgetType("devices-by-health", "Devices by health", "Devices per health state.", 2, 1),
        draw_devices_by_health,
    ),
    (
        WidgetType(
            "alerts-by-severity", "Open alerts by severity", "Open alerts per severity.", 1, 1
        ),
        draw_alerts_by_severity,
    ),
    (
        WidgetType(
            "alerts-over-time",
            "Alerts over time",
            "Alerts raised per day over the last 30 days, stacked by severity.",
            2,
            1,
        ),
        draw_alerts_over_time,
    ),
    (
        WidgetType(
            "most-alerting-devices",
            "Most alerting devices",
            "The 10 devices with the most alerts in the last 30 days.",
            2,
            2,
        ),
        draw_most_alerting_devices,
    ),
    (
        WidgetType(
            "license-usage",
            "License usage",
            "Devices running each product against the licensed quantity.",
            2,
            1,
        ),
        draw_license_usage,
    ),
    (
        WidgetType("devices-by-os", "Devices by operating system", "Devices per OS.", 2, 1),
        draw_devices_by_os,
    ),
    (
        WidgetType(
            "alerts-by-category",
            "Alerts by category",
            "Alerts raised in the last 30 days per category.",
            2,
            1,
        ),
        draw_alerts_by_category,
    ),
    (
        WidgetType(
            "stale-devices",
            "Devices not seen for 7+ days",
            "How many devices have been silent for a week or more, and which.",
            2,
            2,
        ),
        draw_stale_devices,
    ),
    (
        WidgetType("open-alerts", "Open alerts", "The 10 newest open alerts.", 4, 2),
        draw_open_alerts,
    ),
    (
        WidgetType("product-coverage", "Product coverage", "Devices running each product.", 2, 1),
        draw_product_coverage,
    ),
    (
        WidgetType(
            "usage-trend",
            "Device usage trend",
            "Devices checked in per day over the last 30 full days.",
            2,
            1,
        ),
        draw_usage_trend,
    ),
]

WIDGET_TYPES: dict[str, WidgetType] = {wt.key: wt for wt, _ in _LIBRARY}
_DRAW: dict[str, Draw] = {wt.key: draw for wt, draw in _LIBRARY}


def render_widget(key: str, *, customer: Customer, now: dt.datetime) -> WidgetDrawing:
    """Draw one widget with `customer`'s data as of `now` (the caller has already checked the
    actor may see the customer). The same markup serves the screen and the PDF (X-3)."""
    widget = WIDGET_TYPES.get(key)
    if widget is None:
        raise NotFound(f"No widget type {key!r}.")
    canvas = Canvas(
        customer=customer,
        now=now,
        width=CELL_W * widget.default_w,
        height=CELL_H * widget.default_h,
    )
    drawn = _DRAW[key](canvas)
    return WidgetDrawing(key=key, title=widget.title, html=drawn.html, summary=drawn.summary)
