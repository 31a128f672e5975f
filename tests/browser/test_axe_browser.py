"""The accessibility check itself can fail: axe-core, injected into a page of the app with
its Content-Security-Policy on, reports a real violation, and a page a walk loads but never
checks is reported too."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Audit

pytestmark = pytest.mark.browser


def test_axe_reports_a_violation_on_a_page_served_with_its_csp(page, live_server):
    response = page.goto(f"{live_server}/write/organisations")
    assert "script-src" in response.headers["content-security-policy"]
    audit = Audit(page)
    audit.check(welsh=False)  # the page as served: no violation
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', "
                  "'<img src=\"/static/none.png\"><input type=\"text\" id=\"unlabelled\">')")
    with pytest.raises(AssertionError) as failure:
        audit.check(welsh=False)
    assert "image-alt" in str(failure.value) and "label" in str(failure.value)


def test_a_page_left_unchecked_is_reported(page, live_server):
    audit = Audit(page)
    page.goto(f"{live_server}/")
    page.goto(f"{live_server}/organisations")
    audit.check(welsh=False)
    with pytest.raises(AssertionError, match=r"not checked with axe-core: \['http://127\.0\.0\.1:\d+/'\]"):
        audit.finish()
