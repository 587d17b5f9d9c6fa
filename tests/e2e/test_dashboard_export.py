"""Issue 7 in a real browser: a partner user launches a customer, builds a custom dashboard,
arranges two widgets on the grid (with the buttons, then by drag and drop), exports it and
opens the PDF it downloads: both logos, the title, the customer's name and the two widgets, as
on screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from partnerdesk.console.models import Dashboard
from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD, CustomerFactory, PartnerFactory, UserFactory
from tests.reports.helpers import add_logos, image_count, pdf_pages_text, populate

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_build_arrange_export_and_open_the_pdf(
    page: Page, live_server: LiveServer, artifacts: Path, tmp_path: Path
) -> None:
    partner = PartnerFactory(name="Beacon MSP")
    user = UserFactory(partner=partner, username="rae.super", first_name="Rae", last_name="Moss")
    customer = CustomerFactory(partner=partner, show_as="Cobalt Hotels", partner_assistance=True)
    populate(customer, timezone.now())
    add_logos(customer)

    sign_in(page, user, PASSWORD)
    page.goto(f"/customers/{customer.uuid}/")
    page.get_by_role("button", name="Launch customer").click()
    expect(page.get_by_role("region", name="Delegated session")).to_contain_text("Rae Moss")

    # Build: a new dashboard with two widgets.
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Dashboards").click()
    page.get_by_role("link", name="New dashboard").click()
    page.get_by_label("Name").fill("Weekly review")
    page.get_by_role("button", name="Create dashboard").click()
    expect(page.get_by_role("heading", name="Edit “Weekly review”")).to_be_visible()
    for widget in ("devices-by-health", "alerts-by-severity"):
        page.get_by_label("Widget", exact=True).select_option(widget)
        page.get_by_role("button", name="Add widget").click()
    health = page.get_by_role("region", name="Devices by health")
    severity = page.get_by_role("region", name="Open alerts by severity")
    expect(health).to_contain_text("Column 1, row 1")
    expect(severity).to_contain_text("Column 3, row 1")

    # Arrange: alerts under the health chart, at the left edge, as wide as it.
    page.get_by_role("button", name="Down: Open alerts by severity").click()
    expect(severity).to_contain_text("Column 3, row 2")
    page.get_by_role("button", name="Left: Open alerts by severity").click()
    page.get_by_role("button", name="Left: Open alerts by severity").click()
    page.get_by_role("button", name="Wider: Open alerts by severity").click()
    expect(severity).to_contain_text("Column 1, row 2 · 2 wide, 1 high")

    # And by drag and drop: the health chart into the free place at column 3 of row 1.
    free_cell = page.locator(".dash-slot.gx-2.gy-0")
    with page.expect_navigation():
        health.drag_to(free_cell, source_position={"x": 30, "y": 30})
    expect(page.get_by_text("Moved “Devices by health” to column 3, row 1.")).to_be_visible()
    expect(health).to_contain_text("Column 3, row 1")
    page.get_by_role("link", name="Done").click()
    page.screenshot(path=artifacts / "dashboard-custom.png", full_page=True)

    # The layout is saved.
    board = Dashboard.objects.get(customer=customer, name="Weekly review")
    assert {(w.widget_key, w.x, w.y, w.w, w.h) for w in board.widgets.all()} == {
        ("devices-by-health", 2, 0, 2, 1),
        ("alerts-by-severity", 0, 1, 2, 1),
    }

    # Export, download, open.
    page.get_by_role("button", name="Export PDF").click()
    expect(page.get_by_role("heading", name="PDF export: Weekly review")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename.startswith("weekly-review-")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    pdf = saved.read_bytes()
    assert pdf.startswith(b"%PDF-")

    text = "\n".join(pdf_pages_text(pdf))
    for expected in (
        "Weekly review",
        "Cobalt Hotels",
        "Devices by health",
        "Open alerts by severity",
        "Page 1 of 1",
        "Rae Moss",
    ):
        assert expected in text, expected
    assert text.index("Devices by health") < text.index("Open alerts by severity")
    assert image_count(pdf, 0) == 2  # the partner's logo and the customer's
