"""The Customers page in a real browser (SPEC C-1, C-3, C-4, C-5, C-6; the UI principles).

Elements are found by role and label, as assistive technology finds them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from partnerdesk.accounts.models import User
from partnerdesk.customers.models import Customer
from partnerdesk.licensing.models import Category, LicenseType
from tests.e2e.conftest import BrowserLog, sign_in
from tests.factories import (
    PASSWORD,
    CustomerFactory,
    GroupFactory,
    PartnerFactory,
    UserFactory,
    add_to_group,
    license_for,
)

pytestmark = pytest.mark.e2e

ALL_CATEGORIES = ["Endpoint", "Server", "Mobile/UEM", "Email", "Firewall", "MDR"]
# Categories in which some customer holds an active or trial license (see `scene`).
PROTECTED = ["Endpoint", "Server", "Mobile/UEM"]
UNPROTECTED = ["Email", "Firewall", "MDR"]
# "zeph" matches two shown names and one legal name, sorted by name.
ZEPH_MATCHES = ["Blue Zephyr Labs", "Harbour Clinic", "Zephyr Dental"]
POPUP_EMAIL = "grace@bluezephyr.example"
EN_DASH = "\N{EN DASH}"


@dataclass
class Scene:
    user: User
    popup_customer: Customer
    total: int


@pytest.fixture
def scene(transactional_db: None) -> Scene:
    """60 customers of one partner (two pages of 50) and a neighbour partner's customers."""
    partner = PartnerFactory(name="Northwind MSP")
    user = UserFactory(partner=partner, username="tess.tech")
    blue = CustomerFactory(
        partner=partner,
        show_as="Blue Zephyr Labs",
        legal_name="Blue Zephyr Laboratories GmbH",
        contact_first_name="Grace",
        contact_last_name="Hopper",
        contact_email=POPUP_EMAIL,
        contact_phone="+49 30 1234567",
    )
    CustomerFactory(partner=partner, show_as="Zephyr Dental", legal_name="Zephyr Dental LLP")
    # Matches on the legal name only.
    CustomerFactory(partner=partner, show_as="Harbour Clinic", legal_name="Old Zephyr Holdings")
    plain = CustomerFactory.create_batch(57, partner=partner)
    add_to_group(blue, GroupFactory(partner=partner, name="Dentists"))

    license_for(blue, category=Category.ENDPOINT)
    license_for(plain[0], category=Category.ENDPOINT, ends_in=10)  # expiring, still active
    license_for(plain[1], category=Category.SERVER, license_type=LicenseType.TRIAL, ends_in=14)
    license_for(plain[2], category=Category.MOBILE, license_type=LicenseType.USAGE)
    # Neither expired nor revoked licenses count as protection (C-3).
    license_for(plain[3], category=Category.MDR, ends_in=-10)
    license_for(plain[4], category=Category.FIREWALL, revoked=True)

    # Another partner's customers never show, nor count towards "my protection".
    neighbour = PartnerFactory(name="Southbay Resellers")
    foreign = CustomerFactory(partner=neighbour, show_as="Zephyr Foreign Ltd")
    license_for(foreign, category=Category.EMAIL)
    license_for(foreign, category=Category.FIREWALL)
    return Scene(user=user, popup_customer=blue, total=60)


def showing(first: int, last: int, total: int, matching: str | None = None) -> re.Pattern[str]:
    """The result count as the page words it: '1-50 of 60 customers matching "zeph"' (with an
    en dash and curly quotes)."""
    noun = "customer" if total == 1 else "customers"
    pattern = rf"{first}{EN_DASH}{last} of\s+{total} {noun}"
    if matching is not None:
        pattern += rf"\s+matching “{re.escape(matching)}”"
    return re.compile(pattern)


def result_count(page: Page) -> Locator:
    return page.locator("#result-count")


def customers_table(page: Page) -> Locator:
    return page.get_by_role("table", name=re.compile(r"^Customers"))


def row_names(page: Page) -> Locator:
    """The customer-name links, one per row (the row headers)."""
    return customers_table(page).get_by_role("rowheader").get_by_role("link")


def category_header(page: Page, label: str) -> Locator:
    return customers_table(page).get_by_role("columnheader", name=label, exact=True)


def search_box(page: Page) -> Locator:
    return page.get_by_role("searchbox", name="Search customers")


def protection_toggle(page: Page) -> Locator:
    return page.get_by_role("checkbox", name="Show my protection only")


def mark_document(page: Page) -> None:
    """Flag the current document; `assert_same_document` proves no full page load happened."""
    page.evaluate("window.__e2eSameDocument = true")


def assert_same_document(page: Page) -> None:
    assert page.evaluate("window.__e2eSameDocument === true"), "the page was reloaded"


def assert_columns_line_up(page: Page) -> None:
    """Every body row has as many cells as the header has columns."""
    table = customers_table(page)
    header_cells = table.locator("thead tr").first.locator("th, td").count()
    counts = table.locator("tbody tr").evaluate_all(
        "rows => rows.map(r => r.querySelectorAll(':scope > th, :scope > td').length)"
    )
    assert counts, "the table has no rows"
    assert set(counts) == {header_cells}


def test_search_narrows_as_you_type_and_clearing_restores(
    page: Page, scene: Scene, artifacts: Path
) -> None:
    sign_in(page, scene.user, PASSWORD)
    expect(result_count(page)).to_have_text(showing(1, 50, 60))
    expect(row_names(page)).to_have_count(50)
    expect(row_names(page).first).to_have_text("Blue Zephyr Labs")
    expect(page.get_by_role("link", name="Zephyr Foreign Ltd")).to_have_count(0)
    mark_document(page)

    # Typing narrows the table while the user types: no submit, no page load (C-4).
    search = search_box(page)
    search.press_sequentially("zeph", delay=50)
    expect(result_count(page)).to_have_text(showing(1, 3, 3, "zeph"))
    expect(row_names(page)).to_have_text(ZEPH_MATCHES)
    expect(page).to_have_url(re.compile(r"/customers/\?(.*&)?q=zeph(&|$)"))
    expect(search).to_be_focused()
    expect(search).to_have_value("zeph")
    # Screen readers hear the new count from a status region, not the whole table read out.
    status = page.locator("#results-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_text(f"1{EN_DASH}3 of 3 customers matching “zeph”")
    expect(page.locator("#customer-results")).not_to_have_attribute("aria-live", re.compile(".*"))

    search.press_sequentially("yr d", delay=50)
    expect(result_count(page)).to_have_text(re.compile(r"of\s+1 customer\s+matching “zephyr d”"))
    expect(row_names(page)).to_have_text(["Zephyr Dental"])
    expect(page).to_have_url(re.compile(r"q=zephyr(\+|%20)d(&|$)"))
    page.screenshot(path=artifacts / "customers-search.png", full_page=True)

    # A search matching nothing says so (designed empty state).
    search.fill("no such customer")
    expect(page.get_by_text("No customers match “no such customer”.")).to_be_visible()
    expect(customers_table(page)).to_have_count(0)

    # Clearing the field shows every record again (C-4).
    search.fill("")
    expect(result_count(page)).to_have_text(showing(1, 50, 60))
    expect(result_count(page)).not_to_contain_text("matching")
    expect(row_names(page)).to_have_count(50)
    expect(page).not_to_have_url(re.compile(r"q=[^&]"))
    assert_same_document(page)

    # Paging: the second page holds the remaining ten (C-5).
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Next").click()
    expect(result_count(page)).to_have_text(showing(51, 60, 60))
    expect(row_names(page)).to_have_count(10)
    expect(page).to_have_url(re.compile(r"[?&]page=2(&|$)"))
    # A new search starts again at the first page.
    search.fill("zeph")
    expect(result_count(page)).to_have_text(showing(1, 3, 3))
    assert_same_document(page)
    assert_columns_line_up(page)


def test_sort_and_page_size_are_kept_by_a_search(page: Page, scene: Scene) -> None:
    """Sorting or resizing the table (htmx, the form stays) and then searching keeps both."""
    sign_in(page, scene.user, PASSWORD)
    name_header = customers_table(page).get_by_role("columnheader", name=re.compile("^Name"))
    name_header.get_by_role("link").click()
    expect(name_header).to_have_attribute("aria-sort", "descending")
    expect(row_names(page).first).to_have_text("Zephyr Dental")
    expect(page).to_have_url(re.compile(r"[?&]sort=-name(&|$)"))

    page.get_by_role("navigation", name="Pages").get_by_role("link", name="25", exact=True).click()
    expect(result_count(page)).to_have_text(showing(1, 25, 60))
    expect(page).to_have_url(re.compile(r"[?&]page_size=25(&|$)"))

    search_box(page).press_sequentially("zeph", delay=50)
    expect(result_count(page)).to_have_text(showing(1, 3, 3))
    expect(row_names(page)).to_have_text(list(reversed(ZEPH_MATCHES)))
    expect(page).to_have_url(re.compile(r"[?&]sort=-name(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]page_size=25(&|$)"))

    search_box(page).fill("")
    expect(result_count(page)).to_have_text(showing(1, 25, 60))
    expect(row_names(page).first).to_have_text("Zephyr Dental")

    # Back to ascending by name, then a search: the default sort is not pinned in the URL.
    name_header.get_by_role("link").click()
    expect(name_header).to_have_attribute("aria-sort", "ascending")
    search_box(page).fill("zeph")
    expect(row_names(page)).to_have_text(ZEPH_MATCHES)
    expect(page).not_to_have_url(re.compile(r"sort="))


def test_contact_popup_opens_shows_contact_and_returns_focus(
    page: Page, scene: Scene, artifacts: Path
) -> None:
    sign_in(page, scene.user, PASSWORD)
    name_link = customers_table(page).get_by_role("link", name="Blue Zephyr Labs", exact=True)
    name_link.click()

    dialog = page.get_by_role("dialog", name="Blue Zephyr Labs")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("link", name=POPUP_EMAIL)).to_have_attribute(
        "href", f"mailto:{POPUP_EMAIL}"
    )
    expect(dialog).to_contain_text("Grace Hopper")
    expect(dialog).to_contain_text("Blue Zephyr Laboratories GmbH")
    expect(dialog).to_contain_text("+49 30 1234567")
    expect(dialog).to_contain_text("eu01")
    expect(dialog).to_contain_text("Dentists")
    # Focus moves into the dialog, to its heading.
    expect(dialog.get_by_role("heading", name="Blue Zephyr Labs")).to_be_focused()
    # The dialog is modal: Tab moves on to its own links, not to the page behind.
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('popup').contains(document.activeElement)")
    page.screenshot(path=artifacts / "customers-contact-popup.png")

    # Escape closes it and focus returns to the name that opened it.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator("dialog#popup")).not_to_have_attribute("open", re.compile(".*"))
    expect(name_link).to_be_focused()

    # Keyboard only: Enter on the focused name opens it again, the Close button closes it.
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("link", name=POPUP_EMAIL)).to_be_visible()
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()
    expect(name_link).to_be_focused()

    # Another customer's pop-up shows that customer, not the previous one.
    other = row_names(page).nth(1)
    other_name = other.inner_text()
    other.click()
    other_dialog = page.get_by_role("dialog", name=other_name)
    expect(other_dialog).to_be_visible()
    expect(other_dialog).not_to_contain_text(POPUP_EMAIL)
    page.keyboard.press("Escape")
    expect(other_dialog).to_be_hidden()
    expect(other).to_be_focused()


def test_show_my_protection_only_hides_empty_categories(
    page: Page, scene: Scene, artifacts: Path
) -> None:
    sign_in(page, scene.user, PASSWORD)
    for label in ALL_CATEGORIES:
        expect(category_header(page, label)).to_be_visible()
    assert_columns_line_up(page)
    mark_document(page)

    toggle = protection_toggle(page)
    toggle.check()
    for label in UNPROTECTED:
        expect(category_header(page, label)).to_have_count(0)
    for label in PROTECTED:
        expect(category_header(page, label)).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]protection=on(&|$)"))
    expect(row_names(page)).to_have_count(50)
    assert_columns_line_up(page)
    assert_same_document(page)
    page.screenshot(path=artifacts / "customers-protection-only.png", full_page=True)

    # The toggle is kept in the URL: a reload (or a shared link) shows the same view (C-3).
    page.reload()
    expect(protection_toggle(page)).to_be_checked()
    expect(category_header(page, "Email")).to_have_count(0)
    expect(category_header(page, "Endpoint")).to_be_visible()

    # "My protection" is judged on the listed customers: with a search, only theirs counts.
    search_box(page).fill("zeph")
    expect(result_count(page)).to_contain_text("of 3 customers")
    expect(category_header(page, "Endpoint")).to_be_visible()
    for label in ["Server", "Mobile/UEM", *UNPROTECTED]:
        expect(category_header(page, label)).to_have_count(0)
    expect(page).to_have_url(re.compile(r"protection=on"))
    assert_columns_line_up(page)

    # Switching it off brings every category back.
    search_box(page).fill("")
    protection_toggle(page).uncheck()
    for label in ALL_CATEGORIES:
        expect(category_header(page, label)).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"protection=on"))


def test_search_and_toggle_work_without_javascript(
    nojs_page: Page, scene: Scene, artifacts: Path
) -> None:
    page = nojs_page
    sign_in(page, scene.user, PASSWORD)
    expect(result_count(page)).to_have_text(showing(1, 50, 60))

    # Sorting is a plain link; the search submitted with Apply keeps the sort.
    customers_table(page).get_by_role("link", name=re.compile("^Name shown as")).click()
    expect(page).to_have_url(re.compile(r"[?&]sort=-name(&|$)"))
    search_box(page).fill("zeph")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"[?&]q=zeph(&|$)"))
    expect(page).to_have_url(re.compile(r"[?&]sort=-name(&|$)"))
    expect(result_count(page)).to_have_text(showing(1, 3, 3, "zeph"))
    expect(row_names(page)).to_have_text(list(reversed(ZEPH_MATCHES)))
    expect(search_box(page)).to_have_value("zeph")

    protection_toggle(page).check()
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"protection=on"))
    expect(protection_toggle(page)).to_be_checked()
    expect(category_header(page, "Email")).to_have_count(0)
    expect(category_header(page, "Endpoint")).to_be_visible()

    search_box(page).fill("")
    page.get_by_role("button", name="Apply").click()
    expect(result_count(page)).to_have_text(showing(1, 50, 60))
    page.screenshot(path=artifacts / "customers-no-javascript.png", full_page=True)

    customers_table(page).get_by_role("link", name=re.compile("^Name shown as")).click()
    expect(page).not_to_have_url(re.compile(r"sort="))
    # The name link leads to a contact page instead of the pop-up.
    customers_table(page).get_by_role("link", name="Blue Zephyr Labs", exact=True).click()
    expect(page.get_by_role("heading", name="Blue Zephyr Labs")).to_be_visible()
    expect(page.get_by_role("link", name=POPUP_EMAIL)).to_be_visible()


def test_no_console_errors_or_csp_violations(
    page: Page, scene: Scene, browser_log: BrowserLog
) -> None:
    violations: list[str] = []

    def report_csp(text: str) -> None:
        violations.append(text)

    page.expose_function("__e2eReportCsp", report_csp)
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => window.__e2eReportCsp("
        "e.violatedDirective + ' blocked ' + e.blockedURI + ' at ' + e.sourceFile + ':' "
        "+ e.lineNumber));"
    )

    sign_in(page, scene.user, PASSWORD)
    search_box(page).press_sequentially("zeph", delay=30)
    expect(result_count(page)).to_contain_text("of 3 customers")
    customers_table(page).get_by_role("link", name="Blue Zephyr Labs", exact=True).click()
    dialog = page.get_by_role("dialog", name="Blue Zephyr Labs")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    protection_toggle(page).check()
    expect(category_header(page, "Email")).to_have_count(0)
    search_box(page).fill("")
    expect(result_count(page)).to_contain_text("of 60 customers")
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Next").click()
    expect(result_count(page)).to_contain_text(f"51{EN_DASH}60")
    page.reload()
    expect(result_count(page)).to_contain_text(f"51{EN_DASH}60")
    # Let late reports (CSP reports are queued) arrive before judging.
    page.wait_for_timeout(200)

    assert violations == []
    assert browser_log.console_errors == []
    assert browser_log.page_errors == []
    assert browser_log.failed_responses == []


def test_c7_secondary_row_actions_open_from_a_menu_one_at_a_time(page: Page, scene: Scene) -> None:
    """Apply license key and Update billing sit behind "More", so the sticky action column
    stays narrow; one menu is open at a time and Escape closes it, focus back on its button."""
    sign_in(page, scene.user, PASSWORD)
    table = customers_table(page)
    blue = "Blue Zephyr Labs"
    apply_blue = table.get_by_role("link", name=f"Apply license key to {blue}")
    more_blue = table.locator("summary", has_text=f"More actions for {blue}")
    other = table.locator("details.row-menu").filter(has_not_text=blue).first
    apply_other = other.get_by_role("link", name=re.compile("^Apply license key to "))
    more_other = other.locator("summary")
    expect(apply_blue).to_be_hidden()

    more_blue.click()
    expect(apply_blue).to_be_visible()
    page.keyboard.press("Escape")
    expect(apply_blue).to_be_hidden()
    expect(more_blue).to_be_focused()

    more_other.click()
    expect(apply_other).to_be_visible()
    # Opening another row's menu closes this one (a click elsewhere does too).
    page.keyboard.press("Escape")
    more_blue.click()
    expect(apply_blue).to_be_visible()
    expect(apply_other).to_be_hidden()
    page.get_by_role("heading", name="Customers", exact=True).click()
    expect(apply_blue).to_be_hidden()

    more_blue.click()
    apply_blue.click()
    expect(page).to_have_url(re.compile(rf"/licenses/apply/{scene.popup_customer.uuid}/$"))


def test_c7_launch_from_the_row_opens_the_console(page: Page, scene: Scene) -> None:
    """P-4 from the list: one form serves every row's Launch button (formaction)."""
    Customer.objects.filter(pk=scene.popup_customer.pk).update(partner_assistance=True)
    sign_in(page, scene.user, PASSWORD)
    blue = scene.popup_customer.show_as
    customers_table(page).get_by_role("button", name=f"Launch customer {blue}").click()
    expect(page).to_have_url(re.compile(rf"/console/{scene.popup_customer.uuid}/$"))
    expect(page.get_by_role("region", name="Delegated session")).to_contain_text(blue)
