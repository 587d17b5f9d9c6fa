"""Apply license key in a real browser (L-3, L-4, L-5): from the Customers row, a refusal that
keeps the typed key, the co-term step, and the new license on the details page.

Uses the browser fixtures of tests/e2e; skipped where Chromium is missing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from partnerdesk.licensing.models import License
from tests.e2e.conftest import (  # noqa: F401 - fixtures
    BrowserLog,
    artifacts,
    browser,
    browser_log,
    page,
    playwright,
    sign_in,
)
from tests.factories import PASSWORD, CustomerFactory, PartnerFactory, UserFactory, license_for

pytestmark = pytest.mark.e2e


@pytest.fixture
def scene(transactional_db: None, make_key):
    partner = PartnerFactory(name="Northwind MSP")
    user = UserFactory(partner=partner, username="tess.tech")
    customer = CustomerFactory(partner=partner, show_as="Contoso Dental")
    license_for(customer, category="endpoint", ends_in=100, quantity=10)
    key = make_key(category="endpoint", quantity=5, partner=partner)
    return user, customer, key


def test_l3_apply_a_key_from_the_customers_row_with_a_refusal_and_the_coterm_step(
    page: Page,  # noqa: F811 - the fixture imported above
    browser_log: BrowserLog,  # noqa: F811
    scene,
) -> None:
    user, customer, key = scene
    sign_in(page, user, PASSWORD)
    # C-7: the row's secondary actions are in its "More" menu.
    page.locator("summary", has_text="More actions for Contoso Dental").click()
    page.get_by_role("link", name="Apply license key to Contoso Dental").click()
    expect(page.get_by_role("heading", name="Apply license key")).to_be_visible()

    # L-4: a typing error is refused with its own message, and the typed key stays.
    typo = key[:-2] + ("0" if key[-2] != "0" else "1") + key[-1]
    page.get_by_label("License key").fill(typo)
    page.get_by_label("I accept the terms").check()
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("alert")).to_contain_text("typing error")
    expect(page.get_by_label("License key")).to_have_value(typo)

    # L-5: the right key overlaps the active Endpoint term: choose co-term.
    page.get_by_label("License key").fill(key)
    page.get_by_role("button", name="Apply").click()
    expect(
        page.get_by_role("group", name="This key overlaps an active term license")
    ).to_be_visible()
    expect(page.get_by_label("I accept the terms")).to_be_checked()
    page.get_by_role("radio", name=re.compile(r"^Co-term")).check()
    page.get_by_role("button", name="Apply").click()

    expect(page.get_by_role("heading", name="Contoso Dental", exact=True)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Co-termed: 15 in total")
    licenses = page.get_by_role("table").filter(has_text="Quantity")
    expect(licenses.get_by_role("row").filter(has_text=f"Key …{key[-5:]}")).to_contain_text("5")
    assert License.objects.filter(customer=customer).count() == 2
    assert not browser_log.page_errors
    assert not browser_log.console_errors or all("400" in e for e in browser_log.console_errors)
