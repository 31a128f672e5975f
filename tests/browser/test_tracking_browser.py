"""Tracking in real headless Chromium: on the day the letter is written the request's page asks
one question and offers no complaint; an incomplete reply is a warning under "Needs action";
record that the letter was posted, record an incomplete reply with files attached, look at the
timeline, and download the ICO bundle, whose last page (the scanned reply) is rendered with
pdftoppm to see that the scan is drawn. axe-core checks every page, in English and Welsh."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from dsar.letters.inputs import recipient_to_dict
from dsar.requests.services import create_request, create_workspace
from tests.conftest import EXPERIAN

pytestmark = pytest.mark.browser

REPLY_PDF_TEXT = "Experian reply: your statutory credit report is enclosed."


def _reply_pdf() -> bytes:
    """A small real PDF (one page of text), as an organisation's reply would be."""
    from weasyprint import HTML

    return HTML(string=f"<p style='font: 14pt sans-serif'>{REPLY_PDF_TEXT}</p>").write_pdf()


def _scan_png() -> bytes:
    image = Image.new("RGB", (600, 800), "white")
    from PIL import ImageDraw

    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 560, 120), outline="black", width=4)
    draw.text((60, 70), "Scanned letter from Experian", fill="black")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _dark_rows(png: Path) -> list[int]:
    """The rows of a rendered page crossed by a dark line at least a third of the page wide."""
    image = Image.open(png).convert("L")
    width, height = image.size
    pixels = image.load()
    rows = []
    for y in range(height):
        longest = run = 0
        for x in range(width):
            run = run + 1 if pixels[x, y] < 100 else 0
            longest = max(longest, run)
        if longest >= width / 3:
            rows.append(y)
    return rows


def _make_request(live_app) -> tuple[str, str]:
    with live_app.app_context():
        session = live_app.extensions["dsar_sessions"]()
        workspace, token = create_workspace(session)
        req = create_request(
            session, workspace, right="access", jurisdiction="uk", language="en", org_slug=None,
            recipient=recipient_to_dict(EXPERIAN),
            person={"name": "Siân Llŵyd", "address": ["12 Heol y Frenhines", "Cardiff", "CF10 1AA"],
                    "email": "sian@example.org"},
            details={"channel": "letter"}, today=date(2026, 9, 1),
        )
        session.commit()
        public_id = req.public_id
        session.close()
    return token, public_id


def _fill_date(page, day: int, month: int, year: int) -> None:
    page.get_by_label("Day").fill(str(day))
    page.get_by_label("Month").fill(str(month))
    page.get_by_label("Year").fill(str(year))


def _answer(page, audit, answer: str) -> None:
    """Answer the request page's one question, "What happened?"."""
    question = page.get_by_role("group", name="What happened?")
    question.get_by_label(answer, exact=True).check()
    page.get_by_role("button", name="Continue").click()
    audit.check()


def test_day_one_asks_one_question_and_an_incomplete_reply_needs_action(page, live_app, live_server, audit):
    live_app.config["DSAR_TODAY"] = date(2026, 9, 1)  # the day the letter is written
    token, public_id = _make_request(live_app)
    page.goto(f"{live_server}/w/{token}/r/{public_id}")
    audit.check()
    assert page.get_by_role("heading", name="What happened?").count() == 1
    assert page.locator("input[name=answer]").count() == 2  # I have sent it, nothing yet
    for follow_up in ("Send a reminder", "Complain to the organisation", "Complain to the regulator"):
        assert page.get_by_text(follow_up).count() == 0
    assert page.get_by_text("Complain to the ICO by").count() == 0
    _answer(page, audit, "I have sent it")
    _fill_date(page, 1, 9, 2026)
    page.get_by_label("By post").check()
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Saved: Posted").is_visible()
    audit.check()

    live_app.config["DSAR_TODAY"] = date(2026, 9, 20)
    page.reload()
    audit.check()
    _answer(page, audit, "They replied")
    # Dated before the posted letter could have arrived (Thu 3 Sep): a warning, not an error.
    _fill_date(page, 2, 9, 2026)
    page.get_by_label("No, something is missing").check()
    page.get_by_role("button", name="Save").click()
    warning = page.locator("#date-day-warning")
    assert "This is before 3 September 2026" in warning.inner_text()
    assert page.get_by_label("Day").input_value() == "2"  # the date is kept
    audit.check(welsh=False)  # the language switch would show the form afresh
    page.get_by_label("Yes, this date is right").check()
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Saved: Incomplete reply received").is_visible()
    assert page.locator("ol.timeline").get_by_text("2 September 2026").is_visible()
    tag = page.locator("h1 + .card-status .tag")
    assert tag.inner_text() == "Incomplete reply received"
    assert "tag-needs-action" in tag.get_attribute("class")
    # A warning colour, not the green of a complete reply.
    assert tag.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 247, 191)"
    assert page.get_by_role("link", name="Complain to the organisation").is_visible()
    audit.check()
    page.get_by_role("link", name="Back").click()
    group = page.locator("section.todo-group", has=page.get_by_role("heading", name="Needs action"))
    assert group.get_by_role("link", name="Experian Ltd", exact=True).is_visible()
    assert group.get_by_text("Incomplete reply received").is_visible()
    assert page.get_by_role("heading", name="Waiting").count() == 0
    audit.check()


def test_record_a_reply_with_files_and_download_the_ico_bundle(page, live_app, live_server, audit, tmp_path):
    if not shutil.which("pdftoppm"):
        pytest.fail("pdftoppm is missing: install Debian's poppler-utils package (see README)")
    live_app.config["DSAR_TODAY"] = date(2026, 11, 26)
    token, public_id = _make_request(live_app)

    page.goto(f"{live_server}/w/{token}")
    assert page.get_by_role("heading", name="Not sent yet").is_visible()
    audit.check()
    page.get_by_role("link", name="Experian Ltd").click()
    audit.check()
    _answer(page, audit, "I have sent it")
    _fill_date(page, 1, 9, 2026)
    page.get_by_label("By post").check()
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Saved: Posted").is_visible()
    assert page.get_by_text("Overdue", exact=True).is_visible()
    assert page.get_by_text("52 days overdue").is_visible()  # due Mon 5 Oct, today 26 Nov
    audit.check()

    _answer(page, audit, "They replied")
    _fill_date(page, 20, 10, 2026)
    page.get_by_label("No, something is missing").check()
    page.get_by_label("Notes (optional)").fill("Only the credit file; no scores, no recipients.")
    (tmp_path / "experian-reply.pdf").write_bytes(_reply_pdf())
    (tmp_path / "scan.png").write_bytes(_scan_png())
    (tmp_path / "scores.csv").write_text("date,score\n2026-03-01,412\n", encoding="utf-8")
    page.get_by_label("Files they sent you (optional)").set_input_files(
        [str(tmp_path / name) for name in ("experian-reply.pdf", "scan.png", "scores.csv")])
    page.get_by_role("button", name="Save").click()
    audit.check()

    timeline = page.locator("ol.timeline")
    items = timeline.locator("> li")
    assert items.count() == 4  # written, posted, reply due (passed), incomplete reply
    assert "Incomplete reply received" in items.nth(3).inner_text()
    assert "The reply was due (deadline passed)" in items.nth(2).inner_text()
    assert timeline.get_by_role("link", name="experian-reply.pdf").is_visible()

    page.get_by_role("link", name="Complain to the regulator").click()
    assert page.get_by_label("What happened").input_value().startswith(
        "On 1 September 2026 I sent Experian Ltd a request")
    audit.check()
    page.get_by_label("How has this affected you? (optional)").fill(
        "I was refused a mortgage and cannot check the score behind it.")
    page.get_by_role("button", name="Save and prepare the complaint").click()
    audit.check()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the complaint bundle (PDF)").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-complaint-regulator.pdf")
    bundle = tmp_path / "bundle.pdf"
    download.save_as(bundle)

    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(bundle).pages]
    everything = " ".join(pages)
    assert "Information Commissioner's Office" in pages[0] and "Wycliffe House" in pages[0]
    assert "On 20 October 2026 I received a reply that was incomplete." in everything
    assert "Received from Experian Ltd on 20 October 2026: experian-reply.pdf" in everything
    assert "scores.csv (in the ZIP file only)" in everything
    assert "Subject access request under Article 15 UK GDPR" in everything  # our letter
    assert REPLY_PDF_TEXT in everything  # their reply, merged as it is
    assert pages.index(next(p for p in pages if REPLY_PDF_TEXT in p)) == len(pages) - 2
    # The scan is on a page of its own, last (same date, after the PDF), as an image...
    assert len(PdfReader(bundle).pages[-1].images) == 1
    # ...that is drawn: rendered, the box drawn on the scan shows as two long dark edges.
    last = str(len(pages))
    subprocess.run(["pdftoppm", "-png", "-r", "72", "-f", last, "-l", last, "-singlefile", str(bundle),
                    str(tmp_path / "last-page")], check=True)
    edges = _dark_rows(tmp_path / "last-page.png")
    assert edges and edges[-1] - edges[0] > 20, edges
