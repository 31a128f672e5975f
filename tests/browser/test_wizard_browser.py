"""The citizen wizard in real headless Chromium: a whole walk to the PDF, and a walk that
leaves out a required field and sees the error summary with what was typed kept."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.browser


def _choose_experian_and_score(page, live_server):
    page.goto(f"{live_server}/")
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("Search by name, brand or former name").fill("Experian")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Experian Ltd").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("See and contest my score").check()
    page.get_by_role("button", name="Continue").click()


def test_walk_to_the_pdf(page, live_server, tmp_path):
    _choose_experian_and_score(page, live_server)
    page.get_by_label("Full name").fill("Siân Llŵyd")
    page.get_by_label("Postal address").fill("12 Heol y Frenhines\nCardiff\nCF10 1AA")
    page.get_by_label("Email address (optional)").fill("sian@example.org")
    page.get_by_role("button", name="Continue").click()
    # Experian is a credit reference agency: the identifiers page is asked.
    assert page.get_by_role("heading", name="Details that help them find your records").is_visible()
    page.get_by_label("Day", exact=True).fill("27")
    page.get_by_label("Month", exact=True).fill("3")
    page.get_by_label("Year", exact=True).fill("1984")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Which score or decision, and what is your view of it? (optional)").fill(
        "I was refused a phone contract in March.")
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", name="Check your answers before your letters are written").is_visible()
    assert page.get_by_text("See and contest my score").is_visible()
    assert page.get_by_text("Siân Llŵyd").is_visible()
    assert page.get_by_text("I was refused a phone contract in March.").is_visible()
    page.get_by_role("button", name="Write my letters").click()
    assert page.get_by_role("heading", name="Your letters are ready").is_visible()
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


def test_missing_field_shows_error_summary_and_keeps_input(page, live_server):
    _choose_experian_and_score(page, live_server)
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
