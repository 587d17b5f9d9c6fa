"""Issue 6 in a real browser: the partner requests approval, the customer admin approves, the
partner launches the customer, sees the banner and uploads the customer's logo; then renames
the customer from the contact pop-up."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from partnerdesk.audit.models import AuditEvent
from partnerdesk.console.models import CustomerLogo
from tests.e2e.conftest import _new_context, sign_in
from tests.factories import PASSWORD, CustomerFactory, PartnerFactory, UserFactory, customer_admin

pytestmark = pytest.mark.e2e


def _png(path: Path) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), (20, 90, 160)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


@pytest.mark.django_db(transaction=True)
def test_request_approve_launch_upload_logo_and_rename(
    page: Page, browser: Browser, live_server: LiveServer, artifacts: Path, tmp_path: Path
) -> None:
    partner = PartnerFactory(name="Console MSP")
    user = UserFactory(partner=partner, username="pat.super", first_name="Pat", last_name="Lee")
    customer = CustomerFactory(partner=partner, show_as="Harbour Dental", partner_assistance=False)
    owner = customer_admin(customer, "super_admin", username="harbour.owner")

    # The partner asks for approval from the customer's details.
    sign_in(page, user, PASSWORD)
    page.goto(f"/customers/{customer.uuid}/")
    page.get_by_role("link", name="Request approval").click()
    page.get_by_label("Message to the customer (optional)").fill("We will roll out the new policy.")
    page.get_by_role("button", name="Send request").click()
    expect(
        page.get_by_text("Your request was sent to the admins of Harbour Dental")
    ).to_be_visible()
    expect(page.locator("#pending-approval")).to_contain_text("pending until")

    # The customer admin signs in, lands in the console and approves.
    context = _new_context(browser, live_server)
    admin_page = context.new_page()
    admin_page.goto("/")
    admin_page.get_by_label("Username").fill(owner.username)
    admin_page.get_by_label("Password").fill(PASSWORD)
    admin_page.get_by_role("button", name="Sign in").click()
    expect(
        admin_page.get_by_role("heading", name="Your partner asks for Partner Assistance")
    ).to_be_visible()
    expect(admin_page.get_by_text("We will roll out the new policy.")).to_be_visible()
    admin_page.get_by_role("button", name="Approve").click()
    expect(admin_page.get_by_text("Partner Assistance is on.")).to_be_visible()
    admin_page.screenshot(path=artifacts / "console-approved.png", full_page=True)

    # The partner launches the customer and sees whose console it is.
    page.goto(f"/customers/{customer.uuid}/")
    page.get_by_role("button", name="Launch customer").click()
    banner = page.get_by_role("region", name="Delegated session")
    expect(banner).to_contain_text("Pat Lee")
    expect(banner).to_contain_text("Console MSP")
    expect(banner).to_contain_text("Harbour Dental")

    # ... and uploads the customer's logo in its settings.
    page.get_by_role("navigation", name="Console").get_by_role("link", name="Settings").click()
    page.get_by_label("Logo file (PNG or JPEG)").set_input_files(_png(tmp_path / "logo.png"))
    page.get_by_role("button", name="Upload logo").click()
    expect(page.get_by_text("Logo uploaded.")).to_be_visible()
    expect(page.get_by_role("img", name="Logo of Harbour Dental")).to_be_visible()
    page.screenshot(path=artifacts / "console-delegated-logo.png", full_page=True)
    assert CustomerLogo.objects.filter(customer=customer).exists()

    # Rename from the contact pop-up of the Customers list.
    page.get_by_role("button", name="End session").click()
    page.goto("/customers/")
    page.get_by_role("table").get_by_role("link", name="Harbour Dental", exact=True).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("link", name="Edit name shown as").click()
    dialog.get_by_label("Name shown as").fill("Harbour Dental Group")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_text("Saved. The customer is now shown as")).to_be_visible()

    # Both audit logs show the path; the customer's shows the partner's actions.
    admin_page.goto(f"/console/{customer.uuid}/audit/")
    log = admin_page.get_by_role("table")
    expect(log.get_by_text("Customer logo uploaded")).to_be_visible()
    expect(log.get_by_text("Pat Lee via Console MSP").first).to_be_visible()
    expect(log.get_by_text("Customer renamed")).to_be_visible()
    context.close()
    partner_actions = set(
        AuditEvent.objects.filter(partner=partner).values_list("action", flat=True)
    )
    assert {
        "approval_request.created",
        "approval_request.approved",
        "customer.launched",
        "customer_logo.set",
        "customer.renamed",
    } <= partner_actions
