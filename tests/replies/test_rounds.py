"""Repeated rounds: the diff of two rounds' recorded facts (pure), the repeat letter read back
from its PDF, the interval and its reminder email (real SMTP), and the comparison page."""

from __future__ import annotations

import email
import email.policy
import io
from datetime import date, datetime

from pypdf import PdfReader
from sqlalchemy import select

from dsar.replies import diff
from dsar.replies.diff import Change
from dsar.replies.facts import Facts, Score, from_data, parse_form
from dsar.requests.models import DataRequest, Workspace
from tests.conftest import csrf_token
from tests.requests.conftest import record, submit

BEFORE = Facts(recipients=("Lender X Ltd", "Broker Y"), sources=("Electoral roll",),
               categories=("Payment history",),
               scores=(Score("Experian score", "620", "1 September 2025"),))
AFTER = Facts(recipients=("lender x", "Broker Z"), sources=("Electoral roll",),
              categories=("Payment history", "Court judgments"),
              scores=(Score("Experian score", "540", "1 September 2026"),
                      Score("Affordability", "low", "")))


def test_the_diff_of_two_rounds_shows_a_new_recipient_and_a_changed_score():
    changes = diff.compare(BEFORE, AFTER)
    assert changes == [
        Change("new", "recipient", "Broker Z"),
        Change("gone", "recipient", "Broker Y"),
        Change("new", "category", "Court judgments"),
        Change("changed", "score", "Experian score", before="620", after="540",
               before_date="1 September 2025", after_date="1 September 2026"),
        Change("new", "score", "Affordability", after="low"),
    ]
    assert diff.new_recipients(changes) == ["Broker Z"]  # "Lender X Ltd" is "lender x"
    assert diff.compare(AFTER, AFTER) == []


def test_the_diff_includes_checklist_marks_that_changed():
    changes = diff.compare(Facts(), Facts(), before_marks={"c": "answered", "h": "missing"},
                           after_marks={"c": "missing", "h": "missing", "copy": "answered"})
    assert changes == [Change("changed", "item", "c", before="answered", after="missing")]


def test_facts_are_parsed_from_lines_and_read_back_tolerantly():
    parsed = parse_form({"recipients": "Barclays\n\n barclays  \nMonzo", "sources": "",
                         "categories": "", "scores": "Credit score: 620 (1 March 2026)\nRisk: high"})
    assert parsed.ok
    assert parsed.facts.recipients == ("Barclays", "Monzo")
    assert parsed.facts.scores == (Score("Credit score", "620", "1 March 2026"), Score("Risk", "high"))
    assert parse_form({"scores": "no colon here"}).errors == {"scores": "score_format"}
    assert parse_form({"recipients": "Bad\x07name"}).errors == {"recipients": "hidden_characters"}
    assert from_data({"recipients": ["A", 3], "scores": [{"name": "S", "value": 1}, "x"]}) == Facts(
        recipients=("A",), scores=(Score("S", "1"),))


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages)


def _repeat(client, tracked) -> str:
    """Repeat the request; the new round's page URL."""
    html = client.get(tracked.url).get_data(as_text=True)
    response = client.post(f"{tracked.url}/repeat", data={"csrf_token": csrf_token(html)})
    assert response.status_code == 302
    return response.headers["Location"]


def test_the_repeat_letter_names_the_previous_request_and_recital_63(app, client, clock, make_tracked):
    tracked = make_tracked()
    clock.set("2026-09-02")
    assert record(client, tracked, "sent", "2026-09-02", channel="letter").status_code == 302
    clock.set("2027-09-06")
    new_url = _repeat(client, tracked)
    public_id = new_url.rsplit("/", 1)[1]
    with app.app_context():
        session = app.extensions["dsar_sessions"]()
        rounds = list(session.scalars(select(DataRequest).order_by(DataRequest.id)))
        assert rounds[1].previous_round_id == rounds[0].id and rounds[1].public_id == public_id
        assert rounds[1].details["previous_request"] == {"on": "2026-09-02", "reference": tracked.reference}
        new_reference = rounds[1].reference
        session.close()
    text = _pdf_text(client.get(f"{new_url}/letter.pdf").data)
    assert new_reference in text
    assert (f"I last made this request to you on 2 September 2026 (reference {tracked.reference})."
            in text)
    assert ("the right of access may be exercised easily and at reasonable intervals "
            "(Recital 63 UK GDPR), so this request is not excessive (Article 12(5) UK GDPR)") in text
    # The first letter does not say so; the new round's page lists both rounds.
    assert "I last made this request" not in _pdf_text(client.get(f"{tracked.url}/letter.pdf").data)
    page = client.get(new_url).get_data(as_text=True)
    assert tracked.reference in page.split('id="rounds"')[1] and "(this one)" in page


def test_the_repeat_letter_in_german(app, client, clock, make_tracked):
    from tests.conftest import SCHUFA

    tracked = make_tracked(recipient=SCHUFA, jurisdiction="eu")
    with app.app_context():
        session = app.extensions["dsar_sessions"]()
        session.scalar(select(DataRequest)).language = "de"
        session.commit()
        session.close()
    text = _pdf_text(client.get(f"{_repeat(client, tracked)}/letter.pdf").data)
    assert f"zuletzt am 1. September 2026 gestellt (mein Zeichen {tracked.reference})" in text
    assert "Erwägungsgrund 63 DSGVO" in text


def test_the_interval_gives_the_next_due_date(client, clock, make_tracked):
    tracked = make_tracked()
    assert "Repeat this request" not in client.get(tracked.url).get_data(as_text=True)  # not sent
    assert record(client, tracked, "sent", "2026-09-01", channel="letter").status_code == 302
    response = submit(client, f"{tracked.url}/interval", {"months": "12", "action": "set"},
                      form_url=tracked.url)
    assert response.status_code == 302
    page = client.get(tracked.url).get_data(as_text=True)
    assert "Next request due: 1 September 2027" in page
    bad = submit(client, f"{tracked.url}/interval", {"months": "0", "action": "set"},
                 form_url=tracked.url)
    assert bad.status_code == 400
    assert "Enter a number of months from 1 to 60" in bad.get_data(as_text=True)


def _opt_in(app):
    with app.app_context():
        session = app.extensions["dsar_sessions"]()
        for workspace in session.scalars(select(Workspace)):
            workspace.reminder_email = "sian@example.org"
            workspace.reminder_locale = "en"
            workspace.reminders_consented_at = datetime(2026, 9, 1, 12, 0)
        session.commit()
        session.close()


def test_a_reminder_when_the_next_round_is_due(app, cli, client, clock, make_tracked, smtp_server,
                                                monkeypatch):
    url, collector = smtp_server
    monkeypatch.setenv("DSAR_SMTP_URL", url)
    tracked = make_tracked()
    assert record(client, tracked, "sent", "2026-09-01", channel="letter").status_code == 302
    clock.set("2026-09-20")
    assert record(client, tracked, "response_received", "2026-09-20",
                  completeness="complete").status_code == 302
    submit(client, f"{tracked.url}/interval", {"months": "12", "action": "set"}, form_url=tracked.url)
    _opt_in(app)
    assert cli("reminders", "send", "--today", "2027-08-31").stdout.strip() == "0 reminder(s) sent"
    result = cli("reminders", "send", "--today", "2027-09-01")
    assert result.stdout.splitlines() == [
        f"sent next_round_due for {tracked.reference} (due 2027-09-01)", "1 reminder(s) sent"]
    [message] = collector.messages
    parsed = email.message_from_bytes(message.content, policy=email.policy.default)
    assert parsed["Subject"] == "Reminder: it is time to repeat your request (planned for 1 September 2027)"
    assert "You planned to repeat your request from 1 September 2027 on" in parsed.get_content()
    assert cli("reminders", "send", "--today", "2027-09-02").stdout.strip() == "0 reminder(s) sent"
    # Once repeated, the earlier round asks for nothing more.
    clock.set("2027-09-03")
    _repeat(client, tracked)
    assert cli("reminders", "send", "--today", "2027-10-10").stdout.strip() == "0 reminder(s) sent"


def _facts(client, url, **fields):
    values = {"recipients": "", "sources": "", "categories": "", "scores": "", "action": "save"}
    response = submit(client, f"{url}/facts", {**values, **fields})
    assert response.status_code == 302


def test_the_comparison_page_shows_what_changed_and_starts_the_cascade(client, clock, make_tracked):
    tracked = make_tracked()
    _facts(client, tracked.url, recipients="Lender X\nBroker Y",
           scores="Experian score: 620 (1 September 2026)")
    assert "Record what each reply says first" in client.get(f"{_repeat(client, tracked)}/compare").get_data(
        as_text=True)
    second = client.get(tracked.url).get_data(as_text=True)
    new_url = second.split('You have repeated this request: <a href="')[1].split('"')[0]
    _facts(client, new_url, recipients="Lender X\nBroker Z",
           scores="Experian score: 540 (1 September 2027)")
    html = client.get(f"{new_url}/compare").get_data(as_text=True)
    assert "New recipient: Broker Z" in html
    assert "Recipient no longer named: Broker Y" in html
    assert "Experian score went from 620 to 540" in html
    assert 'name="name" type="checkbox" value="Broker Z" checked' in html
    assert f'action="{new_url}/cascade"' in html
    # From the earlier round, naming the later one, the same comparison.
    later_id = new_url.rsplit("/", 1)[1]
    again = client.get(f"{tracked.url}/compare?with={later_id}").get_data(as_text=True)
    assert "Experian score went from 620 to 540" in again
    assert client.get(f"{tracked.url}/compare").status_code == 404  # no previous round


def test_unmarked_items_of_a_checklist_are_not_compared(app, make_tracked):
    from dsar.replies.rounds import latest_marks
    from dsar.requests.models import Event

    tracked = make_tracked()
    with app.app_context():
        session = app.extensions["dsar_sessions"]()
        req = session.scalar(select(DataRequest).where(DataRequest.public_id == tracked.public_id))
        session.add(Event(request_id=req.id, kind="reply_checked", occurred_on=date(2026, 9, 1),
                          data={"marks": {"c": "missing", "h": None}}))
        session.commit()
        session.refresh(req)
        assert latest_marks(req) == {"c": "missing"}
        session.close()
