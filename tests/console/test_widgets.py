"""X-1 / X-3: the widget library draws one customer's own data as self-contained SVG or tables."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from django.utils import timezone

from partnerdesk.console.models import Alert, Device, DeviceDay
from partnerdesk.console.widgets import WIDGET_TYPES, WidgetDrawing, WidgetType, render_widget
from partnerdesk.console.widgets import selectors as data
from partnerdesk.core.errors import NotFound
from partnerdesk.customers.models import Customer
from partnerdesk.licensing.models import LicenseType
from partnerdesk.partners.models import Partner
from tests.factories import CustomerFactory, license_for, product

# Queries each widget may run, whatever the amount of data (no N+1).
MAX_QUERIES = {
    "summary": 3,
    "devices-by-health": 1,
    "alerts-by-severity": 1,
    "alerts-over-time": 1,
    "most-alerting-devices": 1,
    "license-usage": 3,
    "devices-by-os": 1,
    "alerts-by-category": 1,
    "stale-devices": 2,
    "open-alerts": 2,
    "product-coverage": 2,
    "usage-trend": 1,
}
HOSTILE = "<script>alert(1)</script>"
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def now() -> dt.datetime:
    return timezone.now().replace(microsecond=0)


def populate(
    customer: Customer, now: dt.datetime, *, devices: int = 4, tag: str = "a", name: str = ""
) -> list[Device]:
    """Devices i = 0..n-1: device 0 silent for 10 days; device i has i + 1 alerts in the last
    30 days (severity high, medium, low in turn; every other one resolved) and one a year old;
    each checked in on the last 3 days; an endpoint license for 3 and a server usage license."""
    product("endpoint", code="endpoint-test")
    product("server", code="server-test")
    license_for(customer, category="endpoint", quantity=3)
    license_for(customer, category="server", license_type=LicenseType.USAGE)
    rows = [
        Device(
            partner_id=customer.partner_id,
            customer=customer,
            device_id=f"{tag}-{i}",
            hostname=name or f"{tag}-host-{i}",
            os=["Windows 11", "macOS 15"][i % 2],
            health=["good", "bad", "good", "suspicious"][i % 4],
            products=["endpoint-test"] + (["server-test"] if i % 2 else []),
            first_seen=now - dt.timedelta(days=60),
            last_seen=now - (dt.timedelta(days=10) if i == 0 else dt.timedelta(hours=1)),
        )
        for i in range(devices)
    ]
    Device.objects.bulk_create(rows)
    saved = list(Device.objects.filter(customer=customer).order_by("device_id"))
    endpoint = product("endpoint", code="endpoint-test")
    today = now.astimezone(dt.UTC).date()
    DeviceDay.objects.bulk_create(
        DeviceDay(
            partner_id=customer.partner_id,
            customer=customer,
            device=d,
            product=endpoint,
            day=today - dt.timedelta(days=back),
        )
        for d in saved
        for back in (1, 2, 3)
    )
    alerts = []
    for i, d in enumerate(saved):
        for n in range(i + 1):
            raised = now - dt.timedelta(days=n % 20, hours=1)
            alerts.append(
                Alert(
                    partner_id=customer.partner_id,
                    customer=customer,
                    alert_id=f"{tag}-{i}-{n}",
                    severity=["high", "medium", "low"][n % 3],
                    category=name or ["malware", "web"][n % 2],
                    description=name or f"alert {n} on {d.hostname}",
                    device=d,
                    raised_at=raised,
                    resolved_at=raised + dt.timedelta(minutes=5) if n % 2 else None,
                )
            )
        alerts.append(
            Alert(
                partner_id=customer.partner_id,
                customer=customer,
                alert_id=f"{tag}-{i}-old",
                severity="high",
                category="pua",
                description="long ago",
                device=d,
                raised_at=now - dt.timedelta(days=200),
                resolved_at=now - dt.timedelta(days=199),
            )
        )
    Alert.objects.bulk_create(alerts)
    return saved


@pytest.fixture
def customer(partner: Partner) -> Customer:
    return CustomerFactory(partner=partner, billing_type="usage")


def _check_markup(drawing: WidgetDrawing) -> ET.Element:
    html = drawing.html
    root = ET.fromstring(html)  # noqa: S314 (our own markup; must be well-formed XML)
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<style" not in lowered and " style=" not in lowered  # the CSP forbids inline
    assert "foreignobject" not in lowered
    without_ns = lowered.replace('xmlns="http://www.w3.org/2000/svg"', "")
    for needle in ("href", "src=", "url(", "@import", "http:", "https:", "javascript:"):
        assert needle not in without_ns, needle
    assert not re.search(r"\son[a-z]+=", lowered)  # no event handlers
    assert drawing.summary.endswith(".") and len(drawing.summary) > 10
    if root.tag == f"{SVG_NS}svg":
        assert re.fullmatch(r"0 0 \d+ \d+", root.attrib["viewBox"])
        assert root.attrib["role"] == "img"
        assert root.attrib["aria-label"]
        assert root.find(f"{SVG_NS}title") is not None
        assert root.findall(f".//{SVG_NS}text"), "values and labels are written as text"
    else:
        assert root.tag in ("table", "div", "p")
        if root.tag != "p":
            assert root.find(".//caption") is not None
    return root


def test_x1_library_has_the_widget_types_on_a_four_column_grid() -> None:
    assert len(WIDGET_TYPES) >= 12
    assert set(WIDGET_TYPES) == set(MAX_QUERIES)
    for key, widget in WIDGET_TYPES.items():
        assert isinstance(widget, WidgetType) and widget.key == key
        assert 1 <= widget.default_w <= 4 and 1 <= widget.default_h <= 2
        assert widget.title and widget.description
    with pytest.raises(dataclasses.FrozenInstanceError):
        widget.title = "changed"  # type: ignore[misc]
    with pytest.raises(ValueError, match="1-4 columns"):
        WidgetType("x", "X", "x", 5, 1)


def test_x1_unknown_widget_type_is_not_found(customer: Customer, now: dt.datetime) -> None:
    with pytest.raises(NotFound):
        render_widget("no-such-widget", customer=customer, now=now)


@pytest.mark.parametrize("key", sorted(MAX_QUERIES))
def test_x3_every_widget_draws_an_empty_customer_with_its_empty_state(
    key: str, customer: Customer, now: dt.datetime, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(MAX_QUERIES[key]):
        drawing = render_widget(key, customer=customer, now=now)
    assert (drawing.key, drawing.title) == (key, WIDGET_TYPES[key].title)
    _check_markup(drawing)
    if key in ("alerts-over-time", "most-alerting-devices", "alerts-by-category"):
        assert "No alerts in the last 30 days" in drawing.html
    if key in ("devices-by-health", "devices-by-os", "product-coverage", "stale-devices"):
        assert "No devices have checked in yet" in drawing.html


@pytest.mark.parametrize("key", sorted(MAX_QUERIES))
def test_x3_every_widget_draws_a_populated_customer_within_its_query_budget(
    key: str, customer: Customer, now: dt.datetime, django_assert_max_num_queries: Any
) -> None:
    populate(customer, now, devices=12)
    with django_assert_max_num_queries(MAX_QUERIES[key]):
        drawing = render_widget(key, customer=customer, now=now)
    _check_markup(drawing)
    assert "No alerts" not in drawing.html and "No devices" not in drawing.html


@pytest.mark.parametrize("key", sorted(MAX_QUERIES))
def test_s3_hostile_names_are_escaped_in_every_widget(
    key: str, customer: Customer, now: dt.datetime
) -> None:
    populate(customer, now, name=HOSTILE)
    Device.objects.filter(customer=customer).update(os=HOSTILE)
    drawing = render_widget(key, customer=customer, now=now)
    _check_markup(drawing)
    assert "<script" not in drawing.html.lower()
    if key in ("most-alerting-devices", "stale-devices", "open-alerts"):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in drawing.html


def test_x1_numbers_are_the_customers_own(customer: Customer, now: dt.datetime) -> None:
    populate(customer, now, devices=4)
    health = {t.key: t.count for t in data.devices_by_health(customer, now)}
    assert health == {"good": 2, "bad": 1, "suspicious": 1, "unknown": 0}
    # Device i has alerts n = 0..i; even n are open; severity follows n % 3.
    severity = {t.key: t.count for t in data.open_alerts_by_severity(customer, now)}
    assert severity == {"high": 4, "medium": 0, "low": 2}  # n = 0 (x4) is high, n = 2 (x2) low
    days = data.alerts_per_day(customer, now)
    assert len(days.days) == 30 and days.days[-1] == now.astimezone(dt.UTC).date()
    assert sum(sum(v) for v in days.by_severity.values()) == 1 + 2 + 3 + 4
    top = data.most_alerting_devices(customer, now)
    assert [(d.hostname, d.alerts, d.open) for d in top[:2]] == [
        ("a-host-3", 4, 2),
        ("a-host-2", 3, 2),
    ]
    usage = {u.code: (u.used, u.quantity) for u in data.license_usage(customer, now)}
    assert usage == {"endpoint-test": (4, 3), "server-test": (2, None)}
    assert {t.label: t.count for t in data.devices_by_os(customer, now)} == {
        "Windows 11": 2,
        "macOS 15": 2,
    }
    assert {t.key: t.count for t in data.alerts_by_category(customer, now)} == {
        "malware": 6,
        "web": 4,
    }
    stale = data.stale_devices(customer, now)
    assert (stale.count, stale.total_devices, [d.hostname for d in stale.devices]) == (
        1,
        4,
        ["a-host-0"],
    )
    assert data.latest_open_alerts(customer, now).total == 6
    assert [(t.key, t.count) for t in data.devices_per_product(customer, now)] == [
        ("endpoint-test", 4),
        ("server-test", 2),
    ]
    trend = data.devices_per_day(customer, now)
    assert len(trend) == 30 and [n for _, n in trend[-3:]] == [4, 4, 4]
    assert data.summary_counts(customer, now) == data.Summary(4, 4, 0)
    drawing = render_widget("license-usage", customer=customer, now=now)
    assert "4 of 3 used, 1 over" in drawing.html


def test_s1_widgets_ignore_other_customers_rows(
    partner: Partner, other_partner: Partner, customer: Customer, now: dt.datetime
) -> None:
    populate(customer, now, devices=3, tag="a")
    before = {k: render_widget(k, customer=customer, now=now) for k in WIDGET_TYPES}
    # Busier neighbours, in the same partner and in another one, with the same device and
    # alert ids, and licenses for the same products.
    neighbour = CustomerFactory(partner=partner, billing_type="usage")
    stranger = CustomerFactory(partner=other_partner, billing_type="usage")
    populate(neighbour, now, devices=9, tag="a")
    populate(stranger, now, devices=7, tag="b")
    license_for(neighbour, category="endpoint", quantity=100, ends_in=10)
    after = {k: render_widget(k, customer=customer, now=now) for k in WIDGET_TYPES}
    assert after == before
    assert data.summary_counts(customer, now) == data.Summary(3, 3, 0)
    assert data.summary_counts(neighbour, now) == data.Summary(9, 12, 1)
    assert sum(t.count for t in data.devices_by_health(customer, now)) == 3
    assert data.latest_open_alerts(customer, now).total == 4
    assert all(d.hostname.startswith("a-host-") for d in data.most_alerting_devices(customer, now))
    assert data.most_alerting_devices(customer, now)[0].alerts == 3


def test_x3_open_alerts_as_of_now_ignores_later_resolution_and_future_rows(
    customer: Customer, now: dt.datetime
) -> None:
    populate(customer, now, devices=1)
    a = Alert.objects.filter(customer=customer, resolved_at__isnull=True).get()
    a.resolved_at = now + dt.timedelta(hours=1)
    a.save()
    assert data.latest_open_alerts(customer, now).total == 1
    assert data.latest_open_alerts(customer, now + dt.timedelta(hours=2)).total == 0
