"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's
live server.

One Chromium runs for the whole e2e package; every test gets a fresh context (own cookies,
own storage) so tests stay independent and fast.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright
from pytest_django.live_server_helper import LiveServer

from partnerdesk.accounts.models import User

CHROMIUM = os.environ.get("PARTNERDESK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
VIEWPORT = {"width": 1280, "height": 900}

# How long a single expectation may wait for the page (htmx requests, dialog opening).
expect.set_options(timeout=10_000)


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"Chromium not found at {CHROMIUM} (make browser-deps installs it)")
    # Playwright's sync API keeps an asyncio loop "running" in this thread while it is alive, so
    # Django's async-safety check would refuse ORM calls made by the tests (factories). The
    # variable is set only while the browser lives, so the rest of the suite keeps the check.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as pw:
            yield pw
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@dataclass
class BrowserLog:
    """What the page reported: console errors, uncaught exceptions, failed responses."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_responses: list[str] = field(default_factory=list)


_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    report = yield
    item.stash.setdefault(_FAILED, False)
    if report.when == "call" and report.failed:
        item.stash[_FAILED] = True
    return report


def _new_context(
    browser: Browser, live_server: LiveServer, *, javascript: bool = True
) -> BrowserContext:
    context = browser.new_context(
        base_url=live_server.url,
        viewport=VIEWPORT,  # type: ignore[arg-type]
        java_script_enabled=javascript,
        locale="en-US",
        timezone_id="UTC",
    )
    context.set_default_timeout(10_000)
    return context


def _watch(page: Page, log: BrowserLog) -> None:
    page.on(
        "console",
        lambda msg: log.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: log.page_errors.append(str(exc)))
    page.on(
        "response",
        lambda r: log.failed_responses.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )


@pytest.fixture
def browser_log() -> BrowserLog:
    return BrowserLog()


@pytest.fixture
def page(
    request: pytest.FixtureRequest,
    browser: Browser,
    live_server: LiveServer,
    browser_log: BrowserLog,
    artifacts: Path,
) -> Iterator[Page]:
    """A page in a fresh context; on failure a screenshot lands in test-artifacts/."""
    context = _new_context(browser, live_server)
    page = context.new_page()
    _watch(page, browser_log)
    yield page
    if request.node.stash.get(_FAILED, False):
        page.screenshot(path=artifacts / f"FAILED-{request.node.name}.png", full_page=True)
    context.close()


@pytest.fixture
def nojs_page(
    request: pytest.FixtureRequest,
    browser: Browser,
    live_server: LiveServer,
    artifacts: Path,
) -> Iterator[Page]:
    """A page in a context with JavaScript switched off."""
    context = _new_context(browser, live_server, javascript=False)
    page = context.new_page()
    yield page
    if request.node.stash.get(_FAILED, False):
        page.screenshot(path=artifacts / f"FAILED-{request.node.name}-nojs.png", full_page=True)
    context.close()


def sign_in(page: Page, user: User, password: str, next_path: str = "/customers/") -> None:
    """Sign in through the login form, as a person would."""
    page.goto(next_path)
    expect(page.get_by_role("heading", name="Sign in to partnerdesk")).to_be_visible()
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Customers", exact=True)).to_be_visible()
