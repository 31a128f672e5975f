"""Finding an organisation in real Chromium: suggestions as you type (mouse and keyboard), the
plain form without JavaScript, the organisation page, and "write to them" into the wizard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _write_to_them(page, base, audit=None):
    expect(page.get_by_role("heading", level=1)).to_have_text("Equifax Ltd")
    expect(page.get_by_text("Leicester")).to_be_visible()
    if audit:
        audit.check()
    page.get_by_role("button", name="Write to them").click()
    expect(page).to_have_url(re.compile(r"/write/organisations\?org=equifax-gb$"))
    expect(page.locator("#org-equifax-gb")).to_be_checked()
    expect(page.get_by_label("Equifax Ltd")).to_be_checked()
    if audit:
        audit.check()


def test_find_equifax_by_suggestion_and_write_to_them(live_server, page, audit):
    page.goto(f"{live_server}/organisations")
    audit.check()
    box = page.get_by_role("combobox", name="Search by name, brand, former name or website")
    box.press_sequentially("Equifax", delay=30)
    option = page.get_by_role("option", name="Equifax Ltd")
    expect(option).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    option.get_by_role("link").click()
    expect(page).to_have_url(f"{live_server}/organisations/equifax-gb")
    _write_to_them(page, live_server, audit)


def test_suggestions_work_from_the_keyboard(live_server, page):
    page.goto(f"{live_server}/organisations")
    box = page.locator("#q")
    box.press_sequentially("equif", delay=30)
    expect(page.get_by_role("option", name="Equifax Ltd")).to_be_visible()
    box.press("ArrowDown")
    expect(page.get_by_role("option", name="Equifax Ltd")).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", re.compile(r"q-suggestions-"))
    box.press("Enter")
    expect(page).to_have_url(f"{live_server}/organisations/equifax-gb")
    page.go_back()
    box = page.locator("#q")
    box.fill("")
    box.press_sequentially("equif", delay=30)
    expect(page.get_by_role("listbox")).to_be_visible()
    box.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()


def test_find_equifax_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    try:
        page.goto(f"{live_server}/organisations")
        page.locator("#q").fill("Equifax")
        page.get_by_role("button", name="Search").click()
        expect(page).to_have_url(re.compile(r"/organisations\?q=Equifax"))
        page.get_by_role("link", name="Equifax Ltd").click()
        expect(page).to_have_url(f"{live_server}/organisations/equifax-gb")
        _write_to_them(page, live_server)
    finally:
        context.close()
