"""The real browser of the report tests: headless Chromium from disk, every problem recorded.

Test modules import `browser`, `page` and `pytestmark` (skipped without Chromium or playwright), or
mark single tests `needs_browser`.
"""

from __future__ import annotations

import os

import pytest

from journeyaudit.reports.pdf import find_chromium

# The same Chromium `report --pdf` prints with: JOURNEYAUDIT_CHROMIUM, else the first on PATH.
CHROMIUM = find_chromium()
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# In CI (the CI variable every CI service sets, or JOURNEYAUDIT_BROWSER_TESTS=required) a
# missing browser fails the browser tests instead of skipping them: scripts/setup --test installs it.
REQUIRED = (os.environ.get("JOURNEYAUDIT_BROWSER_TESTS") == "required"
            or os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"))

needs_browser = pytest.mark.skipif(
    CHROMIUM is None and not REQUIRED,
    reason="Chromium is not installed (scripts/setup --test installs it): the browser tests need it",
)
pytestmark = needs_browser  # a module of browser tests only imports it


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.fail("Chromium is not installed: run scripts/setup --test")
    try:
        from playwright import sync_api
    except ImportError:
        if REQUIRED:
            pytest.fail("the playwright package is not installed: run scripts/setup --test")
        pytest.skip("the playwright package is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    yield from _watched(context)


def _watched(context):
    page = context.new_page()
    _record(page)
    yield page
    context.close()


def open_page(browser, url: str, width: int, height: int = 900, **options):
    """A page of `width` CSS pixels with its problems recorded (`page.problems`), at `url`, loaded."""
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    page = context.new_page()
    _record(page)
    page.goto(url)
    page.wait_for_load_state("load")
    return context, page


def _record(page):
    page.problems = []  # console errors, page errors, failed or non-file requests
    page.on("console", lambda m: page.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: page.problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: page.problems.append(f"failed request: {r.url}"))
    page.on("request", lambda r: None if r.url.startswith("file://") else page.problems.append(f"request: {r.url}"))


