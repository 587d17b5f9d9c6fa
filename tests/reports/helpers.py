"""Data for the export tests: a customer with devices and alerts, logos, and dashboards."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

from partnerdesk.console.models import Alert, CustomerLogo, Device
from partnerdesk.console.widgets import WIDGET_TYPES
from partnerdesk.core.images import store_checked, validate_logo
from partnerdesk.customers.models import Customer
from partnerdesk.partners.models import PartnerLogo
from partnerdesk.reports.layout import GRID_COLUMNS, Placement
from tests.core.logo_files import jpeg, png
from tests.factories import license_for, product


def populate(customer: Customer, now: dt.datetime, *, devices: int = 12) -> None:
    """Devices with a mix of health and OS, each with a few alerts over the last 30 days."""
    product("endpoint", code="endpoint-test")
    license_for(customer, category="endpoint", quantity=10)
    Device.objects.bulk_create(
        Device(
            partner_id=customer.partner_id,
            customer=customer,
            device_id=f"dev-{i}",
            hostname=f"host-{i:03d}",
            os=["Windows 11", "macOS 15", "Ubuntu 24.04"][i % 3],
            health=["good", "bad", "good", "suspicious"][i % 4],
            products=["endpoint-test"],
            first_seen=now - dt.timedelta(days=60),
            last_seen=now - dt.timedelta(days=9 if i % 5 == 0 else 0, hours=1),
        )
        for i in range(devices)
    )
    saved = list(Device.objects.filter(customer=customer).order_by("device_id"))
    Alert.objects.bulk_create(
        Alert(
            partner_id=customer.partner_id,
            customer=customer,
            alert_id=f"alert-{d.pk}-{n}",
            severity=["high", "medium", "low"][n % 3],
            category=["malware", "web", "pua"][n % 3],
            description=f"Detected threat {n} on {d.hostname}",
            device=d,
            raised_at=now - dt.timedelta(days=n * 3 % 28, hours=2),
            resolved_at=None if n % 2 else now - dt.timedelta(hours=1),
        )
        for i, d in enumerate(saved)
        for n in range(1 + i % 4)
    )


def add_logos(customer: Customer) -> None:
    partner_logo = PartnerLogo(partner_id=customer.partner_id)
    store_checked(partner_logo, validate_logo(png(240, 80)), updated_by="test")
    partner_logo.save()
    customer_logo = CustomerLogo(customer=customer, partner_id=customer.partner_id)
    store_checked(customer_logo, validate_logo(jpeg(200, 100)), updated_by="test")
    customer_logo.save()


def default_size(key: str) -> tuple[int, int]:
    widget = WIDGET_TYPES[key]
    return widget.default_w, widget.default_h


def flow(keys: list[str]) -> list[Placement]:
    """Widgets at their default sizes, left to right, starting a new row when one does not
    fit (a simple packing like the dashboards' own)."""
    out: list[Placement] = []
    x = y = 0
    row_h = 1
    for key in keys:
        w, h = default_size(key)
        if x + w > GRID_COLUMNS:
            x, y, row_h = 0, y + row_h, 1
        out.append(Placement(key, x, y, w, h))
        x += w
        row_h = max(row_h, h)
    return out


def every_widget() -> list[Placement]:
    return flow(list(WIDGET_TYPES))


def pdf_pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def image_count(pdf: bytes, page: int = 0) -> int:
    """Image XObjects drawn on one page (logos are images; charts are vector drawings)."""
    reader = PdfReader(io.BytesIO(pdf))
    resources = reader.pages[page].get("/Resources")
    if resources is None:
        return 0
    xobjects = resources.get_object().get("/XObject")
    if xobjects is None:
        return 0
    found = 0
    for ref in xobjects.get_object().values():
        obj = ref.get_object()
        if obj.get("/Subtype") == "/Image":
            found += 1
        elif obj.get("/Subtype") == "/Form":
            inner = obj.get("/Resources")
            inner_x = inner.get_object().get("/XObject") if inner is not None else None
            if inner_x is not None:
                found += sum(
                    1
                    for r in inner_x.get_object().values()
                    if r.get_object().get("/Subtype") == "/Image"
                )
    return found
