"""A request's page asks one question, "What happened?", offers follow-ups only once they are
due, and says plainly when the person has something to do (issue 11 items 3 and 4)."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from dsar.requests.models import Event
from tests.requests.conftest import record, submit

FOLLOW_UPS = ("/followup/reminder", "/followup/complaint_controller", "/regulator")


def text(response) -> str:
    return response.get_data(as_text=True)


def answers(html: str) -> list[str]:
    return re.findall(r'name="answer" type="radio" value="([a-z_]+)"', html)


def offers_follow_ups(html: str) -> list[str]:
    return [path for path in FOLLOW_UPS if path in html]


def test_day_one_asks_one_question_and_offers_no_complaint(client, clock, make_tracked):
    tracked = make_tracked()
    html = text(client.get(tracked.url))
    assert html.count("What happened?") == 1
    assert answers(html) == ["sent", "nothing"]
    assert offers_follow_ups(html) == [] and "Complain to the ICO by" not in html
    assert "/record/reminder_sent" not in html and "/record/complaint_to_regulator" not in html
    assert "What you can do now" not in html

    record(client, tracked, "sent", "2026-09-01", channel="letter")
    html = text(client.get(tracked.url))
    assert answers(html) == ["response_received", "id_requested", "clarification_requested",
                             "extended", "refused", "nothing"]
    assert offers_follow_ups(html) == [] and "Complain to the ICO by" not in html

    clock.set("2026-10-06")  # due Mon 5 Oct: the deadline has passed
    html = text(client.get(tracked.url))
    assert offers_follow_ups(html) == list(FOLLOW_UPS)
    assert "Their deadline, 5 October 2026, has passed without a complete reply." in html
    assert "Complain to the ICO by" in html and "/record/reminder_sent" in html
    # Each step says what it does and when: a reminder now, the complaint if it goes unanswered.
    steps = html[html.index("What you can do now"):]
    assert steps.index("Send a reminder") < steps.index("Complain to the organisation") < steps.index(
        "Complain to the regulator")
    assert "When: now." in steps and "if they have not answered your reminder" in steps


def test_the_answer_leads_to_its_form_only(client, clock, make_tracked):
    tracked = make_tracked()
    record(client, tracked, "sent", "2026-09-01", channel="email")
    response = client.get(f"{tracked.url}/what-happened?answer=response_received")
    assert response.status_code == 302 and response.headers["Location"].endswith("/record/response_received")
    response = client.get(f"{tracked.url}/what-happened?answer=nothing")
    assert response.status_code == 302
    html = text(client.get(response.headers["Location"]))
    assert "Nothing to record, then. They have until 1 October 2026 to reply" in html
    for bad in ("", "complaint_to_regulator", "sent", "<b>"):
        response = client.get(f"{tracked.url}/what-happened", query_string={"answer": bad})
        html = text(response)
        assert response.status_code == 400, bad
        assert '<a href="#answer">Choose what happened</a>' in html and "<title>Error:" in html
    rows = client.application.extensions["dsar_sessions"]
    with client.application.app_context():
        session = rows()
        assert [e.kind for e in session.scalars(select(Event).order_by(Event.id))] == ["created", "sent"]
        session.close()


def test_an_incomplete_reply_needs_action(client, clock, make_tracked):
    tracked = make_tracked()
    clock.set("2026-09-20")
    record(client, tracked, "sent", "2026-09-01", channel="letter")
    response = record(client, tracked, "response_received", "2026-09-10", completeness="partial")
    html = text(client.get(response.headers["Location"]))
    assert "Saved: Incomplete reply received" in html
    assert re.search(r'class="tag tag-response-received tag-needs-action">Incomplete reply received<', html)
    assert "Needs action: their reply is incomplete." in html
    # Not overdue yet, so no reminder: the complaint is the next step, now.
    assert offers_follow_ups(html) == ["/followup/complaint_controller", "/regulator"]
    assert "Their reply is incomplete. You can ask for the rest" in html
    workspace = text(client.get(tracked.workspace_url))
    needs_action = workspace.index(">Needs action</h3>")
    assert needs_action < workspace.index(f'/r/{tracked.public_id}"')
    assert ">Waiting</h3>" not in workspace


def test_a_reply_dated_before_the_letter_could_arrive_is_kept_only_when_confirmed(
        client, clock, make_tracked):
    tracked = make_tracked()
    clock.set("2026-09-20")
    record(client, tracked, "sent", "2026-09-01", channel="letter")  # deemed received Thu 3 Sep
    response = record(client, tracked, "response_received", "2026-09-02", completeness="complete")
    html = text(response)
    assert response.status_code == 200
    assert "This is before 3 September 2026, the day your request most likely reached them." in html
    assert 'name="date_confirmed"' in html and 'id="date-day" name="date-day" type="text" ' \
           'inputmode="numeric" value="2"' in html
    response = record(client, tracked, "response_received", "2026-09-02", completeness="complete",
                      date_confirmed="yes")
    assert response.status_code == 302
    response = record(client, tracked, "acknowledged", "2026-09-03")  # the day of receipt: fine
    assert response.status_code == 302
    with client.application.app_context():
        session = client.application.extensions["dsar_sessions"]()
        kept = [(e.kind, e.occurred_on) for e in session.scalars(select(Event).order_by(Event.id))]
        session.close()
    assert kept[-2:] == [("response_received", date(2026, 9, 2)), ("acknowledged", date(2026, 9, 3))]


def test_the_date_hint_example_keeps_the_rule_it_states(client, clock, make_tracked):
    tracked = make_tracked()
    clock.set("2026-09-20")
    for kind, earliest in (("sent", date(2026, 9, 1)), ("response_received", date(2026, 9, 4))):
        if kind == "response_received":
            record(client, tracked, "sent", "2026-09-04", channel="email")
        html = text(client.get(f"{tracked.url}/record/{kind}"))
        match = re.search(r"For example, (\d+) (\d+) (\d{4})\. It cannot be before (\d+ \w+ \d{4})", html)
        example = date(int(match[3]), int(match[2]), int(match[1]))
        assert match[4] == f"{earliest.day} {earliest:%B %Y}"
        assert earliest <= example <= clock.day


def test_the_confirmation_page_says_where_to_send_and_offers_the_email_given(client, clock, make_tracked):
    tracked = make_tracked()  # Experian as typed in by hand: an address, no email
    html = text(client.get(tracked.workspace_url))
    assert "Post to" in html and "Experian Ltd, PO Box 9000, Nottingham, NG80 7WP" in html
    # Posted Tue 1 Sep, received Thu 3 Sep: due Sat 3 Oct, moved to Mon 5 Oct.
    assert "5 October 2026 if you post it today" in html
    assert 'id="email" name="email" type="email" value="sian@example.org"' in html
    assert 'id="consent" name="consent" type="checkbox" value="yes">' in html  # not ticked for them
    submit(client, f"{tracked.url}/record/sent", {"date-day": "1", "date-month": "9", "date-year": "2026",
                                                  "channel": "letter"})
    assert "Post to" not in text(client.get(tracked.workspace_url))
