"""The reply on a request's page in real headless Chromium: upload the organisation's PDF
reply, read its text beside the checklist, see the suggestion for recipients named only by
category, mark the items and see the reply become partial. axe-core checks every page, in
English and Welsh."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from dsar.requests.models import DataRequest, Event
from tests.browser.test_tracking_browser import _make_request
from tests.replies import samples

pytestmark = pytest.mark.browser

REPLY = ("We process your personal data for the purpose of credit checks. We share it with "
         "categories of recipients such as lenders.")
ACCESS_LEGENDS = ("Confirmation that they use your data", "A copy of your data",
                  "Why they use it (the purposes)", "What kinds of data they hold (the categories)",
                  "Who received it, by name",
                  "How long they keep it", "Your rights to correct, erase, restrict or object",
                  "Your right to complain to a regulator", "Where they got your data",
                  "Automated decisions, and the logic involved", "Safeguards for transfers abroad")


def _sent(live_app, public_id: str) -> None:
    """Sent by email on 1 September (recording it through the page is tested elsewhere)."""
    with live_app.app_context():
        session = live_app.extensions["dsar_sessions"]()
        req = session.scalar(select(DataRequest).where(DataRequest.public_id == public_id))
        session.add(Event(request_id=req.id, kind="sent", occurred_on=date(2026, 9, 1),
                          data={"channel": "email"}))
        session.commit()
        session.close()


def test_upload_a_pdf_reply_and_check_it(page, live_app, live_server, audit, tmp_path):
    live_app.config["DSAR_TODAY"] = date(2026, 9, 30)
    token, public_id = _make_request(live_app)
    _sent(live_app, public_id)
    page.goto(f"{live_server}/w/{token}/r/{public_id}")
    audit.check()

    panel = page.locator("section.reply-panel")
    assert panel.get_by_text("Add what they sent").is_visible()
    panel.get_by_label("Day").fill("28")
    panel.get_by_label("Month").fill("9")
    panel.get_by_label("Year").fill("2026")
    (tmp_path / "experian-reply.pdf").write_bytes(samples.pdf(REPLY))
    panel.get_by_label("Files they sent you").set_input_files(str(tmp_path / "experian-reply.pdf"))
    panel.get_by_role("button", name="Add their reply").click()
    assert page.get_by_text("Their reply is saved. Check it below, item by item.").is_visible()
    text = page.get_by_role("region", name="Text of experian-reply.pdf")
    assert "categories of recipients" in " ".join(text.inner_text().split())
    assert page.get_by_text("Reply: not checked yet").is_visible()
    recipients = page.get_by_role("group", name="Who received it, by name")
    assert recipients.get_by_text(
        "Suggested: missing. The reply names categories of recipients, not the recipients.").is_visible()
    audit.check()

    for legend in ACCESS_LEGENDS:
        mark = {"Who received it, by name": "Missing",
                "Automated decisions, and the logic involved": "Partly"}.get(legend, "Answered")
        page.get_by_role("group", name=legend).get_by_label(mark, exact=True).check()
    page.get_by_role("button", name="Save the checklist").click()
    assert page.get_by_text("Your checklist is saved.").is_visible()
    assert page.get_by_text("Reply: partial (2 items missing)").is_visible()
    assert page.locator("h1 + .card-status .tag").inner_text() == "Incomplete reply received"
    assert page.get_by_role("group", name="Who received it, by name").get_by_label(
        "Missing", exact=True).is_checked()
    assert page.locator("ol.timeline").get_by_text(
        "You checked their reply against what you asked for").is_visible()
    audit.check()
