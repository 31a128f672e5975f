"""Recording what happened, through the web pages with real CSRF tokens: dates checked,
typed values kept, edits appended (never updated), files sniffed, everything scoped."""

from __future__ import annotations

import dataclasses
import io
import json
import re

from icalendar import Calendar
from sqlalchemy import func, select

from dsar.requests.models import Event, Upload
from tests.requests.conftest import record, submit

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" \
      b"trailer<</Root 1 0 R>>\n%%EOF\n"


def text(response) -> str:
    return response.get_data(as_text=True)


def event_rows(app) -> list[Event]:
    with app.app_context():
        session = app.extensions["dsar_sessions"]()
        rows = list(session.scalars(select(Event).order_by(Event.id)))
        session.close()
    return rows


def test_recording_sent_shows_status_due_date_and_assumption(client, clock, make_tracked):
    tracked = make_tracked()
    response = record(client, tracked, "sent", "2026-09-01", channel="letter")
    assert response.status_code == 302 and response.headers["Location"].endswith("recorded=sent#timeline")
    html = text(client.get(tracked.url))
    assert "Sent: waiting for a reply" in html
    assert "34 days left" in html  # due Mon 5 Oct 2026, today Tue 1 Sep
    assert "An assumption" in html and "/record/delivered" in html
    assert '<ol class="timeline">' in html and 'datetime="2026-10-05"' in html
    workspace = text(client.get(tracked.workspace_url))
    assert "Waiting" in workspace and "34 days left" in workspace


def test_bad_input_keeps_values_and_never_500s(client, clock, make_tracked):
    tracked = make_tracked()
    def form(day, month, year, channel="letter"):
        return {"date-day": day, "date-month": month, "date-year": year, "channel": channel}

    cases = [
        (form("31", "2", "2026"), "Enter a real date"),
        (form("2", "9", "2026"), "cannot be in the future"),
        (form("31", "8", "2026"), "cannot be before the request was written"),
        (form("1", "9", "2026", "pigeon"), "Choose how it was sent"),
        (form("x", "<b>", "99999999999", ""), "Enter a real date"),
    ]
    for data, message in cases:
        response = submit(client, f"{tracked.url}/record/sent", data)
        html = text(response)
        assert response.status_code == 400, data
        assert "There is a problem" in html and message in html
        assert f'value="{data["date-day"][:8]}"' in html
    assert "&lt;b&gt;" in html and "<b>" not in html.split('id="date-month"')[1][:80]
    assert [e.kind for e in event_rows(client.application)] == ["created"]


def test_events_must_follow_sending(client, clock, make_tracked):
    tracked = make_tracked()
    clock.set("2026-09-20")
    response = record(client, tracked, "response_received", "2026-09-10", completeness="complete")
    assert response.status_code == 400 and "Record when you sent the request first" in text(response)
    record(client, tracked, "sent", "2026-09-05", channel="email")
    response = record(client, tracked, "refused", "2026-09-04")
    assert response.status_code == 400 and "before you sent the request (5 September 2026)" in text(response)
    response = record(client, tracked, "sent", "2026-09-06", channel="email")
    assert response.status_code == 400 and "already recorded sending it" in text(response)
    response = record(client, tracked, "clarification_provided", "2026-09-10")
    assert response.status_code == 400 and "question first" in text(response)
    assert client.get(f"{tracked.url}/record/note_to_self").status_code == 404


def test_an_edit_is_a_new_event_that_supersedes_the_old(client, clock, make_tracked):
    tracked = make_tracked()
    clock.set("2026-09-20")
    record(client, tracked, "sent", "2026-09-01", channel="letter")
    sent = event_rows(client.application)[-1]
    form = text(client.get(f"{tracked.url}/events/{sent.id}/edit"))
    assert 'value="1"' in form and "Change this entry" in form
    response = submit(client, f"{tracked.url}/events/{sent.id}/edit",
                      {"date-day": "4", "date-month": "9", "date-year": "2026", "channel": "email"})
    assert response.status_code == 302
    rows = event_rows(client.application)
    assert [(e.kind, e.supersedes_id) for e in rows] == [("created", None), ("sent", None), ("sent", sent.id)]
    assert rows[1].occurred_on.isoformat() == "2026-09-01"  # the original row is untouched
    html = text(client.get(tracked.url))
    assert "Sent by email" in html and "Full history, including changes" in html
    assert 'datetime="2026-10-05"' in html  # email on Fri 4 Sep: due Sun 4 Oct -> Mon 5 Oct
    # The superseded entry can no longer be edited; the new one can.
    assert client.get(f"{tracked.url}/events/{sent.id}/edit").status_code == 404
    assert client.get(f"{tracked.url}/events/{rows[-1].id}/edit").status_code == 200


def test_remove_a_mistake(client, clock, make_tracked):
    tracked = make_tracked()
    clock.set("2026-09-20")
    record(client, tracked, "sent", "2026-09-01", channel="email")
    record(client, tracked, "refused", "2026-09-10")
    refused = event_rows(client.application)[-1]
    assert "Refused" in text(client.get(tracked.url))
    response = submit(client, f"{tracked.url}/events/{refused.id}/retract", {}, form_url=tracked.url)
    assert response.status_code == 302
    html = text(client.get(tracked.url))
    assert "Sent: waiting for a reply" in html and "An entry was removed as a mistake" in html
    assert [e.kind for e in event_rows(client.application)] == ["created", "sent", "refused", "retracted"]


def test_upload_is_sniffed_stored_outside_the_web_root_and_downloadable(client, clock, make_tracked, app):
    tracked = make_tracked()
    clock.set("2026-09-30")
    record(client, tracked, "sent", "2026-09-01", channel="email")
    fake = (io.BytesIO(b"MZ\x90\x00\x03 this is a program"), "reply.pdf")
    response = record(client, tracked, "response_received", "2026-09-28", completeness="partial",
                      note="Only the credit file", files=[fake])
    html = text(response)
    assert response.status_code == 400 and "reply.pdf is not a PDF" in html
    assert "Only the credit file</textarea>" in html  # typed text kept
    files = [(io.BytesIO(PDF), "../../etc/Their reply.pdf"),
             (io.BytesIO("name,score\nSiân,412\n".encode()), "scores.csv"),
             (io.BytesIO(b'{"score": 412}'), "data.txt")]
    response = record(client, tracked, "response_received", "2026-09-28", completeness="partial",
                      note="Only the credit file", files=files)
    assert response.status_code == 302
    with app.app_context():
        session = app.extensions["dsar_sessions"]()
        uploads = list(session.scalars(select(Upload).order_by(Upload.id)))
        session.close()
    assert [(u.original_name, u.media_type) for u in uploads] == [
        ("Their reply.pdf", "application/pdf"), ("scores.csv", "text/csv"), ("data.txt", "application/json")]
    folder = app.config["DSAR_SETTINGS"].instance_path / "uploads"
    for upload in uploads:
        assert re.fullmatch(r"[0-9a-f]{32}", upload.stored_name)
        assert (folder / upload.stored_name).stat().st_mode & 0o777 == 0o600
    html = text(client.get(tracked.url))
    assert "Incomplete reply received" in html and "Their reply.pdf" in html
    link = re.search(r'href="(/w/[^"]+/files/[^"]+)">Their reply.pdf', html).group(1)
    download = client.get(link)
    assert download.data == PDF and download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    other = make_tracked()
    assert client.get(link.replace(tracked.token, other.token)).status_code == 404


def test_a_file_over_20_mb_is_refused(client, clock, make_tracked):
    tracked = make_tracked()
    clock.set("2026-09-30")
    record(client, tracked, "sent", "2026-09-01", channel="email")
    big = (io.BytesIO(PDF + b"0" * (20 * 1024 * 1024)), "big.pdf")
    response = record(client, tracked, "response_received", "2026-09-28", completeness="complete",
                      files=[big])
    assert response.status_code == 400 and "big.pdf is larger than 20 MB" in text(response)


def test_calendar_file_has_the_due_date_and_an_alarm(client, clock, make_tracked):
    tracked = make_tracked()
    assert client.get(f"{tracked.url}/due.ics").status_code == 404  # not sent: no due date
    record(client, tracked, "sent", "2026-09-01", channel="letter")
    response = client.get(f"{tracked.url}/due.ics")
    assert response.mimetype == "text/calendar"
    event = next(c for c in Calendar.from_ical(response.data).walk("VEVENT"))
    assert event.decoded("dtstart").isoformat() == "2026-10-05"
    assert tracked.reference in str(event["summary"])
    alarm = next(iter(event.walk("VALARM")))
    assert alarm.decoded("trigger").days == -7


def test_what_needs_doing_puts_overdue_first(client, clock, make_tracked):
    waiting = make_tracked()
    overdue = make_tracked(token=waiting.token)
    soon = make_tracked(token=waiting.token)
    draft = make_tracked(token=waiting.token)
    clock.set("2026-10-10")
    record(client, waiting, "sent", "2026-09-30", channel="email")  # due Fri 30 Oct
    record(client, overdue, "sent", "2026-09-01", channel="email")  # due Thu 1 Oct
    record(client, soon, "sent", "2026-09-14", channel="email")  # due Wed 14 Oct
    html = text(client.get(waiting.workspace_url))
    headings = ["Overdue: time to act", "Due within 7 days", "Not sent yet", "Waiting"]
    assert [html.index(h) for h in headings] == sorted(html.index(h) for h in headings)
    positions = [html.index(f"/r/{t.public_id}\"") for t in (overdue, soon, draft, waiting)]
    assert positions == sorted(positions)
    assert "9 days overdue" in html and "4 days left" in html and "20 days left" in html


def test_reminder_opt_in_and_out(client, clock, make_tracked, app, smtp_server):
    url, collector = smtp_server
    app.config["DSAR_SETTINGS"] = dataclasses.replace(app.config["DSAR_SETTINGS"], smtp_url=url)
    tracked = make_tracked()
    response = submit(client, f"{tracked.workspace_url}/reminders", {"email": "not an email"},
                      form_url=tracked.workspace_url)
    html = text(response)
    assert response.status_code == 400
    assert 'href="#email"' in html and 'href="#consent"' in html and 'value="not an email"' in html
    response = submit(client, f"{tracked.workspace_url}/reminders",
                      {"email": "sian@example.org", "consent": "yes"}, form_url=tracked.workspace_url)
    assert response.status_code == 302 and len(collector.messages) == 1
    html = text(client.get(tracked.workspace_url))
    assert "We sent a confirmation link to the address you gave" in html  # not confirmed yet
    submit(client, f"{tracked.workspace_url}/reminders", {"action": "stop"}, form_url=tracked.workspace_url)
    html = text(client.get(tracked.workspace_url + "?reminders=stopped"))
    assert "We sent a confirmation link" not in html and "deleted your email address" in html


def test_json_export_from_the_page(client, clock, make_tracked):
    tracked = make_tracked()
    record(client, tracked, "sent", "2026-09-01", channel="letter")
    response = client.get(f"{tracked.workspace_url}/export.json")
    document = json.loads(response.data)
    assert document["format"] == "dsar-requests/1"
    [item] = document["requests"]
    assert item["status"]["dsar"] == "sent" and item["drp"]["status"] == "open"
    assert item["drp"]["expected_by"] == "2026-10-05"


def test_everything_is_scoped_to_the_workspace(client, clock, make_tracked):
    mine, theirs = make_tracked(), make_tracked()
    foreign = f"/w/{mine.token}/r/{theirs.public_id}"
    for url in (foreign, f"{foreign}/record/sent", f"{foreign}/due.ics", f"{foreign}/regulator",
                f"{foreign}/followup/reminder", f"{foreign}/regulator/bundle.pdf", "/w/nope/export.json"):
        assert client.get(url).status_code == 404, url
    with client.application.app_context():
        session = client.application.extensions["dsar_sessions"]()
        assert session.scalar(select(func.count()).select_from(Event)) == 2
        session.close()
