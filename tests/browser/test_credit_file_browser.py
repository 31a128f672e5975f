"""The credit-file chain (Consumer Credit Act 1974 s.159) in real headless Chromium: record the
agency's answer from the request page's panel, then write the notice of correction with the
live word counter, which turns red past 200 words; the server refuses 201 words and keeps them.
axe-core checks every page, in English and Welsh."""

from __future__ import annotations

from datetime import date

import pytest

from dsar.letters.inputs import recipient_to_dict
from dsar.requests.services import create_request, create_workspace
from tests.conftest import EXPERIAN

pytestmark = pytest.mark.browser


def _rectification(live_app) -> tuple[str, str]:
    with live_app.app_context():
        session = live_app.extensions["dsar_sessions"]()
        workspace, token = create_workspace(session)
        req = create_request(
            session, workspace, right="rectification", jurisdiction="uk", language="en",
            org_slug=None, recipient=recipient_to_dict(EXPERIAN),
            person={"name": "Siân Llŵyd", "address": ["12 Heol y Frenhines", "Cardiff", "CF10 1AA"],
                    "email": "sian@example.org"},
            details={"channel": "letter", "corrections": ["The default of March 2024 is wrong."]},
            today=date(2026, 9, 1))
        session.commit()
        public_id = req.public_id
        session.close()
    return token, public_id


def _fill_date(page, day: int, month: int, year: int) -> None:
    page.get_by_label("Day").fill(str(day))
    page.get_by_label("Month").fill(str(month))
    page.get_by_label("Year").fill(str(year))


def test_answer_then_a_notice_of_correction_counted_live(page, live_app, live_server, audit):
    live_app.config["DSAR_TODAY"] = date(2026, 9, 1)
    token, public_id = _rectification(live_app)
    page.goto(f"{live_server}/w/{token}/r/{public_id}/record/sent")
    audit.check(welsh=False)  # the entry forms have their own browser test
    _fill_date(page, 1, 9, 2026)
    page.get_by_label("By post").check()
    page.get_by_role("button", name="Save").click()
    assert "Once you have sent" not in page.locator("section.credit-file").inner_text()
    audit.check()
    live_app.config["DSAR_TODAY"] = date(2026, 9, 26)
    page.reload()
    audit.check()
    panel = page.locator("section.credit-file")
    assert "The agency must tell you by 1 October 2026" in panel.inner_text()
    panel.get_by_role("link", name="Record the agency's answer").click()
    audit.check()
    _fill_date(page, 25, 9, 2026)
    page.get_by_label("They took no action").check()
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Saved: The agency took no action").is_visible()
    assert "It must reach the agency by 23 October 2026" in panel.inner_text()
    audit.check()

    panel.get_by_role("link", name="Write your notice of correction").click()
    audit.check()
    counter = page.locator("#text-count")
    box = page.get_by_label("Your notice of correction")
    box.fill(" ".join(["settled"] * 200))
    assert counter.inner_text() == "Words: 200 of 200"
    assert "word-count-over" not in counter.get_attribute("class")
    box.press("End")
    box.type(" in\nfull")
    assert counter.inner_text() == "Words: 202 of 200 – 2 too many"
    assert "word-count-over" in counter.get_attribute("class")
    # The colour of an error, as the server's own message.
    assert counter.evaluate("e => getComputedStyle(e).color") == "rgb(212, 53, 28)"
    page.get_by_role("button", name="Save and update the letter").click()
    assert page.locator(".error-summary").get_by_text(
        "Your notice of correction has 202 words. The law allows at most 200: shorten it by 2."
    ).is_visible()
    assert box.input_value().endswith("settled in\nfull")  # what was typed is kept
    audit.check(welsh=False)  # switching language would show the saved draft instead
    box.fill(" ".join(["settled"] * 200))
    page.get_by_role("button", name="Save and update the letter").click()
    assert page.get_by_text("Saved. The letter below now includes your notice.").is_visible()
    assert page.get_by_role("link", name="Download PDF (to print and post)").is_visible()
    audit.check(welsh=False)
