"""The citizen wizard in real headless Chromium: a whole walk to the PDF (the organisation step
counts the directory, Experian gets the score pack first and marked, the confirmation page says
where to post the letter), and a walk that leaves out a required field and sees the error
summary with what was typed kept. axe-core checks every page, in English and in Welsh."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.browser


SCORE_PACK = "Get all my data and challenge any score about me"


def _company_count(live_app) -> int:
    from sqlalchemy import func, select

    from dsar.directory.models import Organisation

    with live_app.app_context():
        session = live_app.extensions["dsar_sessions"]()
        count = session.scalar(select(func.count()).select_from(Organisation)
                               .where(Organisation.kind == "company"))
        session.close()
    return count


def _choose_experian_and_score(page, live_server, audit, total):
    page.goto(f"{live_server}/")
    audit.check()
    page.get_by_role("button", name="Start now").click()
    # The organisation step says how many organisations there are, and shows the first page.
    assert page.get_by_text(f"Browse all {total} organisations, A to Z").is_visible()
    audit.check()
    page.get_by_text(f"Browse all {total} organisations, A to Z").click()
    assert page.get_by_text(f"Showing 1–25 of {total}").is_visible()
    page.get_by_role("button", name="Next page").click()
    assert page.get_by_text(f"Showing 26–50 of {total}").is_visible()  # opened where it was
    audit.check()
    page.get_by_role("combobox", name="Search by name, brand or former name").fill("Experian")
    page.get_by_role("button", name="Search", exact=True).click()
    assert page.get_by_text(re.compile(r"^\d+ organisations? found$")).is_visible()
    audit.check()
    page.get_by_label("Experian Ltd").check()
    page.get_by_role("button", name="Continue").click()
    # For a credit reference agency the score pack comes first, marked as recommended.
    radios = page.locator("input[name=right]")
    assert radios.first.get_attribute("value") == "score_pack"
    assert page.get_by_text("Recommended for credit reference agencies").is_visible()
    hint = page.locator("#right-score_pack-hint")
    assert hint.is_visible()  # the recommended choice says why at once
    other = page.locator("#right-automated_decision-hint")
    assert other.is_hidden()
    page.get_by_label("Challenge one decision made by a computer, such as a refused loan").check()
    assert other.is_visible()  # a hint opens under the choice made
    audit.check()
    page.get_by_label(SCORE_PACK).check()
    page.get_by_role("button", name="Continue").click()


def test_walk_to_the_pdf(page, live_app, live_server, audit, tmp_path):
    _choose_experian_and_score(page, live_server, audit, _company_count(live_app))
    audit.check()
    page.get_by_label("Full name").fill("Siân Llŵyd")
    page.get_by_label("Postal address").fill("12 Heol y Frenhines\nCardiff\nCF10 1AA")
    page.get_by_label("Email address (optional)").fill("sian@example.org")
    page.get_by_role("button", name="Continue").click()
    # Experian is a credit reference agency: the identifiers page is asked.
    assert page.get_by_role("heading", name="Details that help them find your records").is_visible()
    audit.check()
    page.get_by_label("Day", exact=True).fill("27")
    page.get_by_label("Month", exact=True).fill("3")
    page.get_by_label("Year", exact=True).fill("1984")
    page.get_by_role("button", name="Continue").click()
    audit.check()
    page.get_by_label("Which score or decision, and what is your view of it? (optional)").fill(
        "I was refused a phone contract in March.")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", name="Check your answers before your letters are written").is_visible()
    assert page.get_by_text(SCORE_PACK).is_visible()
    assert page.get_by_text("Siân Llŵyd").is_visible()
    assert page.get_by_text("I was refused a phone contract in March.").is_visible()
    assert page.locator(".back-link").get_attribute("href") == "/write/more"
    audit.check()
    page.get_by_role("button", name="Write my letters").click()
    assert page.get_by_role("heading", name="Your letters are ready").is_visible()
    # Where to send it, next to the downloads, and the address given for reminders.
    assert page.get_by_text("Experian Ltd, PO Box 9000, Nottingham, NG80 7WP").is_visible()
    assert page.get_by_text(re.compile(r"\d+ \w+ \d{4} if you post it today")).is_visible()
    assert page.get_by_label("Email address").input_value() == "sian@example.org"
    assert not page.get_by_label("Yes, email me reminders about these requests").is_checked()
    audit.check()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF (to print and post)").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-score_pack.pdf")
    path = tmp_path / "letter.pdf"
    download.save_as(path)
    pages = PdfReader(io.BytesIO(path.read_bytes())).pages
    text = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert "Experian Ltd" in text and "Siân Llŵyd" in text
    assert re.search(r"EXP-[0-9A-Z]{4}-[0-9A-Z]{4}", text)
    assert "C-203/22" in text and "I was refused a phone contract in March." in text


def test_missing_field_shows_error_summary_and_keeps_input(page, live_app, live_server, audit):
    _choose_experian_and_score(page, live_server, audit, _company_count(live_app))
    audit.check()
    page.get_by_label("Postal address").fill("12 Heol y Frenhines\nCardiff\nCF10 1AA")
    page.get_by_label("Email address (optional)").fill("sian@example.org")
    page.get_by_role("button", name="Continue").click()
    summary = page.get_by_role("alert")
    assert "There is a problem" in summary.inner_text()
    link = summary.get_by_role("link", name="Enter your full name")
    assert link.is_visible()
    # Focus moves to the summary; following the link focuses the field.
    link.click()
    assert page.evaluate("document.activeElement.id") == "name"
    assert page.get_by_label("Postal address").input_value() == "12 Heol y Frenhines\nCardiff\nCF10 1AA"
    assert page.get_by_label("Email address (optional)").input_value() == "sian@example.org"
    assert page.title().startswith("Error:")
    audit.check()
