"""The checklist on the request page: marks saved as reply_checked events, the reply's
completeness on the page, in the status and in the export; CSRF, other workspaces, errors."""

from __future__ import annotations

import io
import json
import re

from sqlalchemy import select

from dsar.requests.models import DataRequest, Event
from tests.conftest import csrf_token
from tests.replies import samples
from tests.requests.conftest import record, submit

ALL_ANSWERED = {f"mark-{code}": "answered" for code in
                ("confirmation", "copy", "a", "b", "c", "d", "e", "f", "g", "h", "transfers")}


def _replied(client, make_tracked, clock, text=samples.LETTER):
    tracked = make_tracked()
    clock.set("2026-09-01")
    record(client, tracked, "sent", "2026-09-01", channel="email")
    clock.set("2026-09-30")
    response = submit(client, f"{tracked.url}/reply", {
        "reply-date-day": "28", "reply-date-month": "9", "reply-date-year": "2026",
        "files": [(io.BytesIO(text.encode()), "reply.txt")]},
        form_url=tracked.url, content_type="multipart/form-data")
    assert response.status_code == 302
    return tracked


def _check(client, tracked, marks):
    return submit(client, f"{tracked.url}/reply/checklist", marks, form_url=tracked.url)


def _checks(app, tracked):
    with app.app_context():
        session = app.extensions["dsar_sessions"]()
        req = session.scalar(select(DataRequest).where(DataRequest.public_id == tracked.public_id))
        found = [e.data for e in session.scalars(select(Event).where(
            Event.request_id == req.id, Event.kind == "reply_checked").order_by(Event.id))]
        session.close()
    return found


def test_marks_are_saved_as_a_full_snapshot_and_make_the_reply_partial(app, client, make_tracked, clock):
    tracked = _replied(client, make_tracked, clock)
    marks = {**ALL_ANSWERED, "mark-c": "missing", "mark-h": "partly"}
    del marks["mark-transfers"]
    response = _check(client, tracked, marks)
    assert response.status_code == 302 and response.headers["Location"].endswith("?reply=checked#reply")
    [saved] = _checks(app, tracked)
    assert saved == {"marks": {"confirmation": "answered", "copy": "answered", "a": "answered",
                               "b": "answered", "c": "missing", "d": "answered", "e": "answered",
                               "f": "answered", "g": "answered", "h": "partly", "transfers": None}}
    page = client.get(tracked.url).get_data(as_text=True)
    assert "Reply: partial (2 items missing)" in page and "Your checklist is saved." not in page
    assert "Incomplete reply received" in page  # the status tag: the checklist fed it
    assert 'id="mark-c-missing" name="mark-c" type="radio" value="missing" checked' in page
    assert "You checked their reply against what you asked for" in page  # in the timeline
    assert f'href="{tracked.url}/incomplete-reply">Ask for what is missing' in page
    # Saved again, complete: a second snapshot, the first stays in the history.
    assert _check(client, tracked, ALL_ANSWERED).status_code == 302
    assert len(_checks(app, tracked)) == 2
    page = client.get(tracked.url).get_data(as_text=True)
    assert "Reply: complete" in page and "Reply received" in page
    export = json.loads(client.get(f"{tracked.workspace_url}/export.json").data)
    [item] = export["requests"]
    assert (item["status"]["outcome"], item["drp_status"], item["drp"]["status"]) == (
        "complete", "fulfilled", "fulfilled")


def test_suggestions_show_beside_the_items_and_are_never_saved(app, client, make_tracked, clock):
    tracked = _replied(client, make_tracked, clock)
    page = client.get(tracked.url).get_data(as_text=True)
    assert ("Suggested: missing. The reply names categories of recipients, not the recipients."
            in page)
    assert re.search(r'id="mark-c"[^>]*value="answered">', page)  # nothing pre-checked
    assert _checks(app, tracked) == []


def test_the_follow_up_link_leads_to_the_letter_for_what_is_missing(app, client, make_tracked, clock):
    tracked = _replied(client, make_tracked, clock)
    _check(client, tracked, {**ALL_ANSWERED, "mark-c": "missing"})
    page = client.get(tracked.url).get_data(as_text=True)
    assert f'href="{tracked.url}/incomplete-reply">Ask for what is missing' in page
    assert "Reply: partial (1 item missing)" in page
    # The next steps lead with that letter, in place of a plain reminder.
    steps = page[page.index('id="next-steps"'):page.index("</section>", page.index('id="next-steps"'))]
    assert "Ask for what is missing</a></h3>" in steps and "Send a reminder" not in steps
    assert "names each point their reply left out" in steps
    followup = client.get(f"{tracked.url}/incomplete-reply")
    assert followup.status_code == 200
    text = " ".join(followup.get_data(as_text=True).split())  # the letter text is wrapped
    assert "Article 15(1)(c) UK GDPR" in text and "C-154/21" in text


def test_errors_keep_the_marks_and_save_nothing(app, client, make_tracked, clock):
    tracked = _replied(client, make_tracked, clock)
    nothing = _check(client, tracked, {})
    assert nothing.status_code == 400
    assert "Mark at least one item before saving" in nothing.get_data(as_text=True)
    odd = _check(client, tracked, {"mark-c": "missing", "mark-h": "perhaps"})
    page = odd.get_data(as_text=True)
    assert odd.status_code == 400 and '<a href="#mark-h">Choose one of the answers</a>' in page
    assert 'id="mark-c-missing" name="mark-c" type="radio" value="missing" checked' in page
    assert _checks(app, tracked) == []


def test_checking_before_any_reply_is_refused(app, client, make_tracked, clock):
    tracked = make_tracked()
    clock.set("2026-09-01")
    record(client, tracked, "sent", "2026-09-01", channel="email")
    response = _check(client, tracked, ALL_ANSWERED)
    assert response.status_code == 400
    assert "Add their reply first, then check it" in response.get_data(as_text=True)
    assert _checks(app, tracked) == []


def test_forms_need_their_csrf_token(app, client, make_tracked, clock):
    tracked = _replied(client, make_tracked, clock)
    assert client.post(f"{tracked.url}/reply/checklist", data=ALL_ANSWERED).status_code == 400
    no_token = client.post(f"{tracked.url}/reply", data={"pasted": "From: x\nSubject: y\n\nz"})
    assert no_token.status_code == 400
    assert _checks(app, tracked) == []


def test_another_workspace_gets_404(app, client, make_tracked, clock):
    tracked = _replied(client, make_tracked, clock)
    other = make_tracked()
    token = csrf_token(client.get(other.url).get_data(as_text=True))
    for path in ("reply", "reply/checklist"):
        response = client.post(f"/w/{other.token}/r/{tracked.public_id}/{path}",
                               data={**ALL_ANSWERED, "pasted": "x", "csrf_token": token})
        assert response.status_code == 404
    assert _checks(app, tracked) == []


def test_the_cli_export_has_the_drp_status(cli, app, client, make_tracked, clock, monkeypatch):
    tracked = _replied(client, make_tracked, clock)
    _check(client, tracked, {**ALL_ANSWERED, "mark-copy": "missing"})
    monkeypatch.setenv("DSAR_WORKSPACE_TOKEN", tracked.token)
    result = cli("requests", "export", "--today", "2026-09-30")
    assert result.exit_code == 0, result.output
    [item] = json.loads(result.stdout)["requests"]
    assert (item["status"]["dsar"], item["status"]["outcome"], item["drp_status"], item["drp"]["status"]) == (
        "response_received", "partial", "partial", "in_progress")
