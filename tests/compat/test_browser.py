"""In a real browser: the API docs render from the portal alone under its CSP, and a Super Admin
creates, reads once and revokes a credential."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from partnerdesk.accounts.models import APICredential, User
from partnerdesk.partners.models import Partner
from tests.compat.test_openapi_docs import ROUTES
from tests.factories import PASSWORD, UserFactory

CHROMIUM = os.environ.get("PARTNERDESK_CHROMIUM", "/usr/bin/chromium")

pytestmark = pytest.mark.e2e


@pytest.fixture
def browser_page() -> Iterator[Any]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    # Playwright keeps an event loop running in this thread; let the ORM calls of the test run.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            yield page
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def test_api_docs_render_every_route_from_the_portal_alone(
    live_server: Any, browser_page: Any
) -> None:
    page = browser_page
    problems: list[str] = []
    hosts: set[str] = set()

    def on_console(message: Any) -> None:
        if message.type == "error":
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: hosts.add(r.url.split("/")[2]))
    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector(".opblock")
    expected = len(ROUTES)
    page.wait_for_function(f"document.querySelectorAll('.opblock').length >= {expected}")
    assert page.locator(".opblock").count() == expected
    assert hosts == {live_server.url.split("/")[2]}
    assert problems == []


def test_super_admin_creates_and_revokes_a_credential(
    live_server: Any, browser_page: Any, transactional_db: None
) -> None:
    partner = Partner.objects.create(name="Browser Partner")
    user: User = UserFactory(partner=partner, partner_role="super_admin")
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="API credentials").click()
    page.get_by_label("Name").fill("Nightly export")
    page.get_by_label("Role").select_option("read_only")
    page.get_by_role("button", name="Create credential").click()
    status = page.get_by_role("status")
    assert "shown only this once" in status.inner_text()
    credential = APICredential.objects.get()
    assert credential.client_id in status.inner_text()
    page.get_by_role("link", name="Revoke Nightly export").click()
    page.get_by_role("button", name="Revoke credential").click()
    assert "no longer work" in page.get_by_role("status").first.inner_text()
    credential.refresh_from_db()
    assert credential.revoked_at is not None
