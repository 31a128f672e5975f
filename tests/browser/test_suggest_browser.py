"""Suggestions as you type when answers arrive late or out of order (issue 8): the highlighted
option stays the one the person chose, and Enter opens it instead of submitting the search.

The suggestion endpoint is intercepted with Playwright's page.route so that the test decides
when each answer arrives; the answers themselves come from the real app."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SUGGEST = "**/organisations/suggest?*"

# Counts the page's fetches and how many have settled (answer read, or failed/aborted), so the
# test can wait until every late answer has been handled - no sleeping.
COUNT_FETCHES = """
(() => {
  const original = window.fetch;
  window.__fetches = {started: 0, settled: 0};
  const settle = () => setTimeout(() => { window.__fetches.settled += 1; }, 0);
  window.fetch = function (...args) {
    window.__fetches.started += 1;
    return original.apply(this, args).then((response) => {
      const json = response.json.bind(response);
      response.json = () => { const body = json(); body.then(settle, settle); return body; };
      return response;
    }, (error) => { settle(); throw error; });
  };
})();
"""


def _query(route) -> str:
    return parse_qs(urlparse(route.request.url).query).get("q", [""])[0]


def _all_answers_handled(page) -> None:
    page.wait_for_function(
        "() => window.__fetches.started > 0 && window.__fetches.settled === window.__fetches.started"
    )


def _fulfil(route, extra_first: list[dict] | None = None) -> None:
    """Answer with the app's own suggestions, optionally re-ranked with others in front."""
    try:
        response = route.fetch()
        items = (extra_first or []) + response.json()
        route.fulfill(response=response, body=json.dumps(items))
    except Exception as exc:  # the page gave up on this request (aborted): nothing to answer
        if "abort" not in str(exc).lower() and "handled" not in str(exc).lower():
            raise


@pytest.fixture
def search_page(live_server, page):
    page.add_init_script(COUNT_FETCHES)
    page.goto(f"{live_server}/organisations")
    return page


def test_a_late_answer_keeps_the_highlighted_option(live_server, search_page):
    page = search_page
    held = []
    page.route(SUGGEST, lambda route: held.append(route) if _query(route) == "equif" else _fulfil(route))
    box = page.locator("#q")
    box.press_sequentially("equi", delay=30)
    equifax = page.get_by_role("option", name="Equifax Ltd")
    expect(equifax).to_be_visible()

    with page.expect_request(lambda request: "q=equif" in request.url):
        box.press("f")
    box.press("ArrowDown")
    expect(equifax).to_have_attribute("aria-selected", "true")

    # The answer for "equif" arrives after the choice, ranked differently.
    experian = {"slug": "experian-gb", "name": "Experian Ltd", "url": "/organisations/experian-gb"}
    _fulfil(held.pop(), extra_first=[experian])
    expect(page.get_by_role("option", name="Experian Ltd")).to_be_visible()
    _all_answers_handled(page)
    expect(equifax).to_have_attribute("aria-selected", "true")
    expect(page.locator("[role=option][aria-selected=true]")).to_have_count(1)

    box.press("Enter")
    expect(page).to_have_url(f"{live_server}/organisations/equifax-gb")


def test_a_slower_answer_for_an_earlier_prefix_is_ignored(live_server, search_page):
    page = search_page
    held = []
    page.route(SUGGEST, lambda route: held.append(route) if _query(route) == "equ" else _fulfil(route))
    box = page.locator("#q")
    with page.expect_request(lambda request: "q=equ" in request.url):
        box.press_sequentially("equ", delay=30)
    box.press_sequentially("if", delay=30)
    equifax = page.get_by_role("option", name="Equifax Ltd")
    expect(equifax).to_be_visible()
    box.press("ArrowDown")
    expect(equifax).to_have_attribute("aria-selected", "true")

    # Now the stale answer for "equ" arrives, naming someone else first.
    experian = {"slug": "experian-gb", "name": "Experian Ltd", "url": "/organisations/experian-gb"}
    _fulfil(held.pop(), extra_first=[experian])
    _all_answers_handled(page)
    expect(page.get_by_role("option", name="Experian Ltd")).to_have_count(0)
    expect(equifax).to_have_attribute("aria-selected", "true")

    box.press("Enter")
    expect(page).to_have_url(f"{live_server}/organisations/equifax-gb")


def test_arrow_down_before_the_first_answer_highlights_it_when_it_comes(live_server, search_page):
    page = search_page
    held = []
    page.route(SUGGEST, lambda route: held.append(route))
    box = page.locator("#q")
    with page.expect_request(lambda request: "q=equif" in request.url):
        box.press_sequentially("equif", delay=30)
    box.press("ArrowDown")  # nothing to show yet
    _fulfil(held.pop())
    equifax = page.get_by_role("option", name="Equifax Ltd")
    expect(equifax).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(page).to_have_url(f"{live_server}/organisations/equifax-gb")


def test_arrow_down_reopens_the_list_after_escape(live_server, search_page):
    page = search_page
    box = page.locator("#q")
    box.press_sequentially("equif", delay=30)
    equifax = page.get_by_role("option", name="Equifax Ltd")
    expect(equifax).to_be_visible()
    box.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    box.press("ArrowDown")
    expect(equifax).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(page).to_have_url(f"{live_server}/organisations/equifax-gb")
