"""A live server with the real catalog, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connections
from django.test.testcases import LiveServerThread

from tests.conftest import ensure_catalog

# Playwright's sync API keeps an event loop running in the test thread; Django would then refuse
# the tests' own database checks, which are plain synchronous code and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker) -> Iterator[str]:
    """Base URL of a server thread on the test database (its own connection: the SQLite test
    database of a browser session is a file, see tests/conftest.py) and the served index."""
    name = Path(str(connections["default"].settings_dict["NAME"])).name
    if not name.startswith("test_"):
        # pytest-django sets up test databases only for sessions with a database test; a run
        # of single browser test files has none and would write into the real database.
        pytest.fail(f"no test database (would use {name}): run tests/browser as a whole")
    with django_db_blocker.unblock():
        ensure_catalog()
        server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
        server.daemon = True
        server.start()
        server.is_ready.wait()
        if server.error:
            raise server.error
        yield f"http://127.0.0.1:{server.port}"
        server.terminate()


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, site):
    """A fresh browser context (no cookies) that fails the test on any request off this host."""
    context = chromium.new_context(locale="en-US", viewport={"width": 1200, "height": 900})
    outside: list[str] = []

    def only_local(route):
        if route.request.url.startswith(site):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()
    assert not outside, f"the page tried to load from other hosts: {outside}"


SCREENSHOT_WIDTHS = (1366, 390)


def snap(page, name: str) -> None:
    """With SCREENSHOT_DIR set (`make screenshots`), save the page at desktop and phone width."""
    directory = os.environ.get("SCREENSHOT_DIR")
    if not directory:
        return
    os.makedirs(directory, exist_ok=True)
    size = page.viewport_size
    for width in SCREENSHOT_WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=os.path.join(directory, f"{name}-{width}.png"), full_page=True)
    if size:
        page.set_viewport_size(size)


def german_page(chromium, site):
    """A page in a fresh German browser context that refuses requests to any other host."""
    context = chromium.new_context(locale="de-DE", viewport={"width": 1366, "height": 900})
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(site) else route.abort(),
    )
    page = context.new_page()
    page.set_default_timeout(60_000)
    return page


# The widths the site is proven at: a common laptop and a common phone.
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
WIDTHS = {"desktop": DESKTOP, "phone": PHONE}
LOCALES = {"en": "en-US", "de": "de-DE"}


@pytest.fixture
def browse(chromium, site):
    """Opens pages at a width and in a language (by Accept-Language), with or without
    JavaScript; like `page`, any request off this host fails the test."""
    contexts = []
    outside: list[str] = []

    def only_local(route):
        if route.request.url.startswith(site):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    def open_page(width: str, language: str, *, javascript: bool = True):
        context = chromium.new_context(
            locale=LOCALES[language],
            viewport=WIDTHS[width],
            java_script_enabled=javascript,
            is_mobile=width == "phone",
            has_touch=width == "phone",
        )
        contexts.append(context)
        context.route("**/*", only_local)
        opened = context.new_page()
        opened.set_default_timeout(60_000)
        return opened

    yield open_page
    for context in contexts:
        context.close()
    assert not outside, f"the page tried to load from other hosts: {outside}"


def two_problem_description(language: str) -> str:
    """A description naming two problems, the one the matching tests prove gets two groups."""
    from tests.matching.test_problem_understanding import TWO_PROBLEMS

    return TWO_PROBLEMS[language][0]


ONE_PROBLEM = {
    "en": "We type every supplier invoice into our ERP by hand, it takes days.",
    "de": "Unsere Maschinen fallen ohne Vorwarnung aus und die Produktion steht still.",
}
