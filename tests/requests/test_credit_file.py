"""The credit-file correction chain (Consumer Credit Act 1974 s.159): its dates from injected
events and days, the 200-word notice of correction, and the whole flow on the web pages down
to the application to the Information Commissioner, read back from real PDFs and DOCX files."""

from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document
from pypdf import PdfReader

from dsar.letters.compose import LETTER_LOCALES
from dsar.letters.credit_file import CreditFileRequest, compose_credit_file
from dsar.letters.inputs import recipient_to_dict
from dsar.requests.credit_chain import (
    ChainStep,
    applies,
    chain_timeline,
    count_words,
    derive_chain,
)
from dsar.requests.credit_file import validate_notice
from dsar.requests.services import create_request, create_workspace
from dsar.requests.status import EventValue, derive
from tests.conftest import EXPERIAN, SCHUFA
from tests.requests.conftest import PERSON, Tracked, record, submit

CALENDAR = {"jurisdiction": "uk", "region": "england"}
CORRECTION = "My address is shown as 12 Hill Road; it should be 21 Hill Road."


def _chain(events, today: str):
    day = date.fromisoformat(today)
    log = [EventValue("created", date(2026, 9, 1), id=1)] + [
        EventValue(kind, date.fromisoformat(on), data, id=n)
        for n, (kind, on, data) in enumerate(events, start=2)]
    return derive_chain(derive(log, today=day, **CALENDAR), today=day, **CALENDAR)


POSTED = ("sent", "2026-09-01", {"channel": "letter"})  # a Tuesday
NO_ACTION = ("cca_answer_received", "2026-09-25", {"answer_outcome": "no_action"})
CORRECTION_POSTED = ("cca_correction_sent", "2026-10-09", {"channel": "letter", "text": "Wrong."})


def test_a_posted_notice_with_no_answer_opens_the_window_when_the_28_days_end():
    waiting = _chain([POSTED], "2026-09-20")
    # Deemed receipt on the second working day after posting (Thursday 3 September), then
    # 28 days for the answer (s.159(2)).
    assert (waiting.stage, waiting.notice_received, waiting.answer_due) == (
        "awaiting_answer", date(2026, 9, 3), date(2026, 10, 1))
    assert waiting.next_date == date(2026, 10, 1)
    assert _chain([POSTED], "2026-10-01").stage == "awaiting_answer"  # the last day
    open_ = _chain([POSTED], "2026-10-02")
    # No answer: the notice of correction may follow within 28 days after the period ran out.
    assert (open_.stage, open_.no_answer, open_.window_from, open_.correction_by) == (
        "correction_open", True, date(2026, 10, 1), date(2026, 10, 29))
    assert _chain([POSTED], "2026-10-30").stage == "correction_lapsed"


def test_an_answer_starts_the_window_and_the_notice_of_correction_its_own_28_days():
    answered = _chain([POSTED, NO_ACTION], "2026-09-26")
    assert (answered.stage, answered.answer_outcome, answered.correction_by) == (
        "correction_open", "no_action", date(2026, 10, 23))
    events = [POSTED, NO_ACTION, CORRECTION_POSTED]
    waiting = _chain(events, "2026-11-10")
    # Posted on Friday 9 October: received Tuesday 13 October; confirmation due 28 days later.
    assert (waiting.stage, waiting.correction_received, waiting.confirm_due) == (
        "awaiting_confirmation", date(2026, 10, 13), date(2026, 11, 10))
    assert waiting.correction_text == "Wrong."
    late = _chain(events, "2026-11-11")
    assert (late.stage, late.outcome) == ("commissioner_open", "")
    added = _chain(events + [("cca_correction_added", "2026-11-02", {})], "2026-11-20")
    assert (added.stage, added.outcome_on) == ("added", date(2026, 11, 2))
    improper = _chain(events + [("cca_correction_refused", "2026-10-30", {"reason": "improper"})],
                      "2026-11-01")
    assert (improper.stage, improper.outcome) == ("commissioner_open", "improper")
    done = _chain(events + [("complaint_to_regulator", "2026-11-20", {})], "2026-11-21")
    assert (done.stage, done.commissioner_on) == ("commissioner_done", date(2026, 11, 20))


def test_receipt_follows_the_request_clock_and_removal_ends_the_chain():
    by_email = _chain([("sent", "2026-09-01", {"channel": "email"})], "2026-09-02")
    assert (by_email.notice_received, by_email.answer_due) == (date(2026, 9, 1), date(2026, 9, 29))
    delivered = _chain([POSTED, ("delivered", "2026-09-04", {})], "2026-09-05")
    assert delivered.answer_due == date(2026, 10, 2)
    removed = _chain([POSTED, ("cca_answer_received", "2026-09-20", {"answer_outcome": "removed"})],
                     "2026-12-01")
    assert (removed.stage, removed.correction_by) == ("removed", None)
    assert _chain([], "2026-09-02").stage == "not_sent"
    # Posted on Christmas Eve: 25 December and the Boxing Day holiday (Monday 28th) do not
    # count, so it arrives on Wednesday 30 December.
    christmas = _chain([POSTED, NO_ACTION, ("cca_correction_sent", "2026-12-24",
                                            {"channel": "letter"})], "2027-01-05")
    assert (christmas.correction_received, christmas.confirm_due) == (
        date(2026, 12, 30), date(2027, 1, 27))


def test_the_agencys_answer_also_answers_the_rectification_request():
    def status(outcome: str):
        log = [EventValue("created", date(2026, 9, 1), id=1),
               EventValue("sent", date(2026, 9, 1), {"channel": "letter"}, id=2),
               EventValue("cca_answer_received", date(2026, 9, 25), {"answer_outcome": outcome},
                          id=3)]
        state = derive(log, today=date(2026, 11, 1), **CALENDAR)
        return state.status, state.outcome, state.overdue, state.last_contact

    assert status("no_action") == ("refused", "", False, date(2026, 9, 25))
    assert status("amended") == ("response_received", "complete", False, date(2026, 9, 25))


def test_the_timeline_states_each_step_and_each_period_that_ran_out():
    chain = _chain([POSTED, NO_ACTION, CORRECTION_POSTED], "2026-11-12")
    assert chain_timeline(chain, today=date(2026, 11, 12)) == (
        ChainStep("notice_sent", date(2026, 9, 1), "letter"),
        ChainStep("notice_deemed", date(2026, 9, 3)),
        ChainStep("answer", date(2026, 9, 25), "no_action"),
        ChainStep("correction_sent", date(2026, 10, 9), "letter"),
        ChainStep("correction_deemed", date(2026, 10, 13)),
        ChainStep("confirm_due", date(2026, 11, 10)),
        ChainStep("no_confirmation", date(2026, 11, 12)),
    )
    unanswered = _chain([POSTED], "2026-10-05")
    assert [s.kind for s in chain_timeline(unanswered, today=date(2026, 10, 5))] == [
        "notice_sent", "notice_deemed", "answer_due", "no_answer"]


def test_the_chain_applies_to_uk_rectification_letters_to_credit_reference_agencies():
    cra = ("credit_reference_agency",)
    assert applies(right="rectification", jurisdiction="uk", categories=cra)
    assert not applies(right="access", jurisdiction="uk", categories=cra)
    assert not applies(right="rectification", jurisdiction="eu", categories=cra)
    assert not applies(right="rectification", jurisdiction="uk", categories=("bank",))


def words(n: int) -> str:
    base = ("The default recorded in March 2024 is wrong because I settled the account in full "
            "on 2 February 2024 and the lender confirmed it in writing.").split()
    return " ".join(base[i % len(base)] for i in range(n))


def test_words_are_whitespace_separated_and_200_is_the_limit(app):
    assert count_words("  a  re-instated\n£ 200\tend ") == 5
    assert count_words("") == 0 and count_words(" \n ") == 0
    with app.test_request_context():
        assert validate_notice({"text": words(200)}).ok
        too_long = validate_notice({"text": words(201)})
        assert not too_long.ok and too_long.values["text"] == words(201)
        assert str(too_long.errors["text"]) == (
            "Your notice of correction has 201 words. The law allows at most 200: shorten it by 1.")
        assert str(validate_notice({"text": "  "}).errors["text"]) == "Write your notice of correction"


# --- the web flow -------------------------------------------------------------------------

@pytest.fixture
def make_rectification(app):
    """A UK rectification letter to ``recipient`` (Experian: a credit reference agency)."""

    def make(*, recipient=EXPERIAN, jurisdiction="uk", right="rectification") -> Tracked:
        with app.app_context():
            session = app.extensions["dsar_sessions"]()
            workspace, token = create_workspace(session)
            req = create_request(
                session, workspace, right=right, jurisdiction=jurisdiction, language="en",
                org_slug=None, recipient=recipient_to_dict(recipient), person=dict(PERSON),
                details={"channel": "letter", "corrections": [CORRECTION]},
                today=date(2026, 9, 1))
            session.commit()
            tracked = Tracked(token, req.public_id, req.reference)
            session.close()
        return tracked

    return make


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_the_whole_chain_on_the_web(client, clock, make_rectification):
    tracked = make_rectification()
    record(client, tracked, "sent", "2026-09-01", channel="letter")
    page = client.get(tracked.url).get_data(as_text=True)
    assert "Correcting your credit file" in page
    assert "The agency must tell you by 1 October 2026" in page

    clock.set("2026-09-26")
    response = record(client, tracked, "cca_answer_received", "2026-09-25",
                      answer_outcome="no_action")
    assert response.status_code == 302
    page = client.get(tracked.url).get_data(as_text=True)
    assert "The agency took no action" in page  # the timeline entry
    assert "It must reach the agency by 23 October 2026" in page

    editor = f"{tracked.url}/credit-file/correction"
    assert client.get(f"{tracked.url}/credit-file/correction.pdf").status_code == 404  # no text
    refused = submit(client, editor, {"text": words(201)})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Your notice of correction has 201 words. The law allows at most 200: shorten it by 1." in html
    assert f">{words(201)}</textarea>" in html  # what was typed is kept
    assert "Words: 201 of 200 – 1 too many" in html
    saved = submit(client, editor, {"text": words(200)})
    assert saved.status_code == 200 and "Words: 200 of 200" in saved.get_data(as_text=True)

    pdf = client.get(f"{tracked.url}/credit-file/correction.pdf")
    assert pdf.mimetype == "application/pdf"
    text = _pdf_text(pdf.data)
    assert words(200) in text
    assert "Notice of correction under section 159(3) of the Consumer Credit Act 1974" in text
    assert "On 25 September 2026 you told me that you had taken no action." in text
    # Posted today (26 September, a Saturday): received Tuesday 29 September, 28 days later.
    assert "that is by 27 October 2026" in text
    docx = Document(io.BytesIO(client.get(f"{tracked.url}/credit-file/correction.docx").data))
    assert any(words(200) in p.text for p in docx.paragraphs)

    clock.set("2026-10-09")
    response = submit(client, f"{editor}/sent", {"date-day": "9", "date-month": "10",
                                                 "date-year": "2026", "channel": "letter"},
                      form_url=editor)
    assert response.status_code == 302
    page = client.get(tracked.url).get_data(as_text=True)
    assert "You sent a notice of correction" in page
    assert "The agency must tell you by 10 November 2026" in page
    assert client.get(f"{tracked.url}/credit-file/complaint").status_code == 404  # not yet

    clock.set("2026-11-10")
    early = record(client, tracked, "cca_correction_refused", "2026-11-10", reason="no_reply")
    assert early.status_code == 400
    assert "They have until 10 November 2026 to confirm" in early.get_data(as_text=True)
    clock.set("2026-11-12")
    assert record(client, tracked, "cca_correction_refused", "2026-11-12",
                  reason="no_reply").status_code == 302
    page = client.get(tracked.url).get_data(as_text=True)
    assert "You can now ask the Information Commissioner to decide" in page

    complaint = f"{tracked.url}/credit-file/complaint"
    page = submit(client, complaint, {"prejudice": "A mortgage offer was withdrawn."})
    assert page.status_code == 200
    text = _pdf_text(client.get(f"{complaint}.pdf").data)
    # The statement runs onto the second page; pypdf reads the address window and the
    # footer of the first page in between.
    text = text.replace("Information Commissioner's Office Wycliffe House Water Lane Wilmslow "
                        f"Cheshire SK9 5AF Reference: {tracked.reference} Page 1 of 2 ", "")
    assert "Application under section 159(5)" in text
    for line in (
        "On 1 September 2026 I sent the agency notice under section 159(1)",
        "By 3 September 2026, the second working day after posting, the agency is taken",
        "On 25 September 2026 the agency told me that it had taken no action.",
        "On 9 October 2026 I sent the agency my notice of correction under section 159(3).",
        "By 13 October 2026, the second working day after posting,",
        "By 10 November 2026 the agency had to tell me",
        "On 12 November 2026 I still had no confirmation from the agency.",
        "A mortgage offer was withdrawn.",
        CORRECTION,
        words(200),
    ):
        assert line in text, line

    # Another workspace's link reaches none of it.
    other = make_rectification()
    foreign = f"/w/{other.token}/r/{tracked.public_id}/credit-file"
    for url in (f"{foreign}/correction", f"{foreign}/complaint", f"{foreign}/correction.pdf",
                f"{foreign}/complaint.pdf"):
        assert client.get(url).status_code == 404, url


def test_no_chain_for_other_requests(client, clock, make_rectification):
    for tracked in (make_rectification(right="access"),
                    make_rectification(recipient=SCHUFA, jurisdiction="eu")):
        record(client, tracked, "sent", "2026-09-01", channel="email")
        clock.set("2026-10-20")
        assert "Correcting your credit file" not in client.get(tracked.url).get_data(as_text=True)
        assert client.get(f"{tracked.url}/credit-file/correction").status_code == 404
        response = record(client, tracked, "cca_answer_received", "2026-10-01",
                          answer_outcome="no_action")
        assert response.status_code == 400
        clock.set("2026-09-01")


@pytest.mark.parametrize("locale", LETTER_LOCALES)
def test_both_letters_are_written_wholly_in_every_letter_language(make_request, locale):
    """Every sentence of letters/credit_file/ is translated, so a Welsh (or any) request gets
    its s.159 letters in its own language rather than falling back to English."""
    chain = _chain([POSTED, NO_ACTION, CORRECTION_POSTED], "2026-11-12")
    original = make_request(right="rectification", locale=locale)
    correction = compose_credit_file(CreditFileRequest(
        kind="notice_of_correction", request=original, chain=chain, today=date(2026, 10, 9),
        text="Wrong."))
    complaint = compose_credit_file(CreditFileRequest(
        kind="complaint_commissioner", request=original, chain=chain, today=date(2026, 11, 12),
        text="Wrong.", timeline=chain_timeline(chain, today=date(2026, 11, 12)),
        authority=EXPERIAN))
    assert (correction.locale, complaint.locale) == (locale, locale)
    assert "159(3)" in correction.subject and "159(5)" in complaint.subject
    if locale == "cy":
        assert correction.subject.startswith("Hysbysiad cywiro o dan adran 159(3)")
