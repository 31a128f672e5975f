"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against the real
app served on 127.0.0.1 by a werkzeug server in a thread. No browser is ever downloaded."""

from __future__ import annotations

import os
import re
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
INTERNAL_FILES = re.compile(r"\b[\w/.-]+\.(?:py|toml|po|pot|j2|ya?ml|ini|cfg)\b|README|DESIGN\.md|LEGAL\.md")


@pytest.fixture
def live_app(app):
    """The test app (its own copy of the bootstrapped database), served as in production:
    errors become error pages instead of propagating."""
    app.config["TESTING"] = False
    return app


@pytest.fixture
def live_server(live_app):
    """The base URL of the app, served for the duration of one test."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (see README)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    # The app's Content-Security-Policy stays on; only this test browser may inject axe-core.
    context = browser.new_context(accept_downloads=True, locale="en-GB", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


class Audit:
    """axe-core (bundled by axe-playwright-python) on every page a walk loads, in English and
    in Welsh; any violation fails the test.

    ``check()`` runs axe on the page shown, then switches the interface to Welsh with the
    page's own language form (which reloads the same address), runs axe again and switches
    back. A page shown in answer to a POST is checked as shown in English, and in Welsh as
    its address shows it. Each page load is counted, so a walk that moves on without checking
    a page fails at the end, naming the page. With DSAR_SCREENSHOTS=<folder>, every checked
    page is also saved there at 1280 and 390 pixels wide."""

    WIDTHS = (1280, 390)

    def __init__(self, page):
        from axe_playwright_python.sync_playwright import Axe

        self.page = page
        self.axe = Axe()
        self.loads: list[str] = []
        self.checked = 0  # how many of the loads so far were checked
        self.missed: list[str] = []
        self.violations: list[str] = []
        self.shots = os.environ.get("DSAR_SCREENSHOTS", "")
        page.on("load", lambda loaded: self.loads.append(loaded.url))

    def _run(self, language: str) -> None:
        results = self.axe.run(self.page)
        if results.violations_count:
            self.violations.append(f"{self.page.url} ({language}):\n{results.generate_report()}")
        # A page speaks to the person, never about the project's own files.
        internal = INTERNAL_FILES.findall(self.page.locator("body").inner_text())
        if internal:
            self.violations.append(f"{self.page.url} ({language}) mentions internal files: {internal}")
        if self.shots:
            self._screenshots(language)

    def _screenshots(self, language: str) -> None:
        from urllib.parse import urlparse

        size = self.page.viewport_size
        name = urlparse(self.page.url).path.strip("/").replace("/", "_") or "home"
        for width in self.WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            self.page.screenshot(path=os.path.join(
                self.shots, f"{len(self.loads):02d}-{name[:60]}-{language}-{width}.png"), full_page=True)
        self.page.set_viewport_size(size)

    def _switch(self, label: str) -> None:
        with self.page.expect_navigation():
            self.page.locator(".lang-switch").get_by_role("button", name=label).click()

    def check(self, *, welsh: bool = True) -> None:
        self.missed += self.loads[self.checked:-1]  # loaded and left unchecked
        language = self.page.locator("html").get_attribute("lang")
        self._run(language)
        if welsh and language == "en":
            self._switch("Cymraeg")
            self._run("cy")
            self._switch("English")
        self.checked = len(self.loads)
        assert not self.violations, "axe-core found violations:\n" + "\n".join(self.violations)

    def finish(self) -> None:
        self.missed += self.loads[self.checked:]
        assert not self.missed, f"pages loaded but not checked with axe-core: {self.missed}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if call.when == "call":
        item.call_failed = outcome.get_result().failed


@pytest.fixture
def audit(request, page):
    """The axe-core check of every page ``page`` loads (see Audit); call ``audit.check()`` on
    each page the test shows. (A test that failed is not also told about unchecked pages.)"""
    checker = Audit(page)
    yield checker
    if not getattr(request.node, "call_failed", True):
        checker.finish()
