"""Issue 4 in a real browser: unlink an eligible customer and read why another is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in
from tests.factories import PASSWORD, CustomerFactory, PartnerFactory, UserFactory, license_for

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_unlink_an_eligible_customer_and_see_a_refusal_explained(
    page: Page, artifacts: Path
) -> None:
    partner = PartnerFactory(name="Unlink MSP")
    user = UserFactory(partner=partner, username="una.super")
    leaving = CustomerFactory(partner=partner, show_as="Leaving Ltd")
    license_for(leaving, ends_in=-90, started_days_ago=500)
    staying = CustomerFactory(partner=partner, show_as="Staying Ltd")
    license_for(staying, ends_in=120)
    sign_in(page, user, PASSWORD)

    page.get_by_role("checkbox", name="Select Leaving Ltd").check()
    page.get_by_role("checkbox", name="Select Staying Ltd").check()
    page.get_by_role("button", name="Unlink selected…").click()

    expect(page.get_by_role("heading", name="Unlink 1 customer: 1 now, 1 cannot")).to_be_visible()
    expect(page.get_by_text("It holds an active license")).to_be_visible()
    page.get_by_label("Yes, make unlinking effective immediately").check()
    page.get_by_role("button", name="Unlink", exact=True).click()

    results = page.get_by_role("status")
    expect(results.get_by_text("Leaving Ltd")).to_be_visible()
    expect(results.get_by_text("Done")).to_be_visible()
    expect(results.get_by_text("Refused")).to_be_visible()
    page.screenshot(path=artifacts / "unlink-results.png", full_page=True)

    page.get_by_role("link", name="Back to Customers").click()
    table = page.get_by_role("table")
    expect(table.get_by_role("link", name="Staying Ltd", exact=True)).to_be_visible()
    expect(table.get_by_role("link", name="Leaving Ltd", exact=True)).to_have_count(0)
