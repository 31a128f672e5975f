"""Closing the loop in real headless Chromium (issue 13): a citizen's access request to Experian,
the reply uploaded as a PDF that names only categories of recipients and says nothing about the
logic of its scoring, the checklist marking (c) and (h) missing, the follow-up letter read back,
and two recipients picked from the reply's own text becoming two new access requests with their
own letters and due dates, shown under the original. axe-core checks every page."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from tests.browser.test_reply_browser import ACCESS_LEGENDS, _sent
from tests.browser.test_tracking_browser import _make_request
from tests.replies import samples

pytestmark = pytest.mark.browser

# What the reply says, one statement a paragraph (the lines the person picks recipients from).
REPLY = ("We process your personal data for the purpose of credit checks.</p>"
         "<p>We share it with categories of recipients such as banks and lenders, including:</p>"
         "<p>Barclays Bank UK PLC</p><p>Lender X Finance</p><p>Yours sincerely, Experian")
MISSING = {"Who received it, by name", "Automated decisions, and the logic involved"}


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_an_incomplete_reply_is_chased_and_its_recipients_written_to(page, live_app, live_server,
                                                                      audit, tmp_path):
    live_app.config["DSAR_TODAY"] = date(2026, 10, 5)
    token, public_id = _make_request(live_app)
    _sent(live_app, public_id)  # by email on 1 September: due 1 October 2026
    request_url = f"{live_server}/w/{token}/r/{public_id}"
    page.goto(request_url)
    audit.check()

    # The reply arrives on 28 September as a PDF and is read beside the checklist.
    panel = page.locator("section.reply-panel")
    panel.get_by_label("Day").fill("28")
    panel.get_by_label("Month").fill("9")
    panel.get_by_label("Year").fill("2026")
    (tmp_path / "experian-reply.pdf").write_bytes(samples.pdf(REPLY))
    panel.get_by_label("Files they sent you").set_input_files(str(tmp_path / "experian-reply.pdf"))
    panel.get_by_role("button", name="Add their reply").click()
    reply_text = page.get_by_role("region", name="Text of experian-reply.pdf").inner_text()
    assert "Lender X Finance" in reply_text
    audit.check()

    # (c) and (h) missing, everything else answered.
    for legend in ACCESS_LEGENDS:
        mark = "Missing" if legend in MISSING else "Answered"
        page.get_by_role("group", name=legend).get_by_label(mark, exact=True).check()
    page.get_by_role("button", name="Save the checklist").click()
    assert page.get_by_text("Reply: partial (2 items missing)").is_visible()
    audit.check()

    # The follow-up letter names both points, their judgments and the original due date.
    # Offered twice: first among the next steps, and under the checklist.
    assert page.get_by_role("link", name="Ask for what is missing").count() == 2
    page.locator("section.escalation").get_by_role("link", name="Ask for what is missing").click()
    audit.check()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF (to print and post)").click()
    letter = _pdf_text(download.value.path().read_bytes())
    assert "Article 15(1)(c) UK GDPR" in letter and "C-154/21" in letter
    assert "Article 15(1)(h) UK GDPR" in letter and "C-203/22" in letter
    assert "Your reply was due by 1 October 2026" in letter and "received on 28 September 2026" in letter
    assert "Article 15(1)(a)" not in letter  # answered: not asked for again

    # The two recipients the reply names, picked from its own text, are written to at once.
    page.goto(request_url)
    page.get_by_role("link", name="Record what their reply says").click()
    audit.check()
    assert "Lender X Finance" in page.get_by_label("The reply's text").input_value()
    page.get_by_role("button", name="Show its lines").click()
    audit.check(welsh=False)  # pages shown in answer to a POST
    page.get_by_label("Barclays Bank UK PLC", exact=True).check()
    page.get_by_label("Lender X Finance", exact=True).check()
    page.get_by_role("button", name="Add the ticked lines to the recipients").click()
    audit.check(welsh=False)
    page.get_by_role("button", name="Save", exact=True).click()
    audit.check()
    page.get_by_role("button", name="Look them up in the directory").click()
    audit.check()
    page.get_by_role("group", name="Lender X Finance").get_by_label("Postal address").fill(
        "1 High Street\nLeeds\nLS1 1AA")
    assert page.get_by_label("Get a copy of all the data they hold about me").is_checked()
    page.get_by_role("button", name="Write the letters").click()
    audit.check()

    assert page.url.startswith(request_url)
    tree = page.locator("ul.cascade-tree")
    assert tree.locator("li").count() == 2
    for name in ("Barclays PLC", "Lender X Finance"):
        item = tree.locator("li", has=page.get_by_role("link", name=name, exact=True))
        assert item.get_by_text("Reply due by 9 November 2026, as the letter says").is_visible()
    tree.get_by_role("link", name="Barclays PLC", exact=True).click()
    audit.check()
    assert page.get_by_text("Written because Experian Ltd named them as a recipient:").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    child_letter = _pdf_text(download.value.path().read_bytes())
    assert "Barclays" in child_letter and "Article 15" in child_letter
