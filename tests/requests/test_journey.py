"""One request from sending to the ICO, with fixed dates, through the real pages, the real
CLI and a real SMTP server: sent → ID requested → ID provided → extended → overdue →
reminder → complaint to the organisation → ICO bundle. Reminder emails arrive exactly once
each, however often `reminders send` runs."""

from __future__ import annotations

import dataclasses
import email
import email.policy
import io
import json
import re
import zipfile

from pypdf import PdfReader

from tests.requests.conftest import record, submit


def state_of(client, tracked) -> dict:
    document = json.loads(client.get(f"{tracked.workspace_url}/export.json").data)
    return document["requests"][0]["status"]


def pdf_text(data: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages]


def subjects(collector) -> list[str]:
    return [email.message_from_bytes(m.content, policy=email.policy.default)["Subject"].strip()
            for m in collector.messages]


def test_from_sending_to_the_ico(client, clock, make_tracked, cli, smtp_server, monkeypatch):
    url, collector = smtp_server
    monkeypatch.setenv("DSAR_SMTP_URL", url)
    tracked = make_tracked()  # written Tue 1 Sep 2026, to Experian (no email: by post)
    client.application.config["DSAR_SETTINGS"] = dataclasses.replace(
        client.application.config["DSAR_SETTINGS"], smtp_url=url)
    response = submit(client, f"{tracked.workspace_url}/reminders",
                      {"email": "sian@example.org", "consent": "yes"}, form_url=tracked.workspace_url)
    assert response.status_code == 302
    # Reminders start once the emailed link is followed (and its page's button pressed).
    confirmation = collector.messages.pop()
    link = re.search(r"https?://\S+(/reminders/confirm/\S+)", email.message_from_bytes(
        confirmation.content, policy=email.policy.default).get_content()).group(1)
    response = submit(client, link, {})
    assert response.status_code == 200 and "Reminders are on" in response.get_data(as_text=True)

    def remind(day: str) -> list[str]:
        result = cli("reminders", "send", "--today", day)
        assert result.exit_code == 0, result.output
        return [line for line in result.stdout.splitlines() if line.startswith("sent ")]

    # Sent by first-class post: deemed received Thu 3 Sep; 3 Oct is a Saturday -> Mon 5 Oct.
    record(client, tracked, "sent", "2026-09-01", channel="letter")
    s = state_of(client, tracked)
    assert (s["dsar"], s["received_on"], s["receipt_assumed"], s["due"]) == (
        "sent", "2026-09-03", True, "2026-10-05")

    # The organisation asks for ID: the clock stops; it restarts from the day the ID arrives.
    clock.set("2026-09-10")
    record(client, tracked, "id_requested", "2026-09-10")
    s = state_of(client, tracked)
    assert (s["dsar"], s["due"], s["days_left"]) == ("awaiting_identity", None, None)
    assert "The month starts again when they receive your proof of identity" in client.get(
        tracked.url).get_data(as_text=True)
    clock.set("2026-09-14")
    record(client, tracked, "id_provided", "2026-09-14", channel="email")
    s = state_of(client, tracked)
    assert (s["dsar"], s["due"], s["days_left"]) == ("sent", "2026-10-14", 30)

    # Extension notified within the first month: three months from 14 Sep -> Mon 14 Dec.
    clock.set("2026-10-01")
    record(client, tracked, "extended", "2026-10-01", reasons="Your request is complex.")
    s = state_of(client, tracked)
    assert (s["dsar"], s["due"], s["extension_invalid"]) == ("extended", "2026-12-14", False)

    # Reminders: a week before, on the day, and once overdue; each exactly once.
    assert remind("2026-12-06") == []
    assert remind("2026-12-07") == [f"sent due_soon for {tracked.reference} (due 2026-12-14)"]
    assert remind("2026-12-07") == []
    assert remind("2026-12-08") == []
    assert remind("2026-12-14") == [f"sent due_today for {tracked.reference} (due 2026-12-14)"]
    assert remind("2026-12-15") == [f"sent overdue for {tracked.reference} (due 2026-12-14)"]
    assert remind("2026-12-15") == [] and remind("2026-12-20") == []
    assert len(collector.messages) == 3
    assert collector.messages[0].rcpt_tos == ["sian@example.org"]
    assert subjects(collector) == [
        "Reminder: a reply to your request is due by 14 December 2026",
        "Reminder: a reply to your request is due today, 14 December 2026",
        "A reply to your request was due by 14 December 2026",
    ]
    body = email.message_from_bytes(collector.messages[0].content, policy=email.policy.default)
    assert "14 December 2026" in body.get_content() and tracked.token not in body.get_content()

    clock.set("2026-12-15")
    s = state_of(client, tracked)
    assert (s["dsar"], s["days_left"]) == ("overdue", -1)
    page = client.get(tracked.workspace_url).get_data(as_text=True)
    assert "Overdue: time to act" in page and "1 day overdue" in page

    # A reminder letter to the organisation, dated the day it is written.
    clock.set("2026-12-16")
    reminder = pdf_text(client.get(f"{tracked.url}/followup/reminder.pdf").data)
    text = " ".join(reminder)
    assert f"Reminder: my request of 1 September 2026, reference {tracked.reference}" in text
    assert "you received it by 3 September 2026" in text
    assert "Your reply was due by 14 December 2026" in text and "16 December 2026" in text
    assert "in any event by 30 December 2026" in text  # 14 days
    record(client, tracked, "reminder_sent", "2026-12-16", channel="letter")
    assert state_of(client, tracked)["dsar"] == "overdue"

    # A complaint to the organisation under s.164A, sent by email on 4 Jan 2027.
    clock.set("2027-01-04")
    page = submit(client, f"{tracked.url}/followup/complaint_controller",
                  {"details": "I need my data to challenge a refused mortgage."})
    assert page.status_code == 200
    complaint = client.get(f"{tracked.url}/followup/complaint_controller.txt?channel=email")
    complaint = " ".join(complaint.get_data(as_text=True).split())
    assert "complaint under section 164A of the Data Protection Act 2018" in complaint
    assert "that is by 2 February 2027" in complaint
    assert "I need my data to challenge a refused mortgage." in complaint
    assert "On 16 December 2026 I sent the organisation a reminder." in complaint
    record(client, tracked, "complaint_to_controller", "2027-01-04", channel="email")
    s = state_of(client, tracked)
    assert (s["dsar"], s["complaint_acknowledgement_due"]) == ("escalated_organisation", "2027-02-02")

    # The acknowledgement is late on 3 Feb: one more reminder, once.
    assert remind("2027-02-02") == []
    assert remind("2027-02-03") == [f"sent complaint_ack_late for {tracked.reference} (due 2027-02-02)"]
    assert remind("2027-02-03") == [] and remind("2027-02-10") == []
    assert len(collector.messages) == 4
    assert subjects(collector)[-1] == "Your complaint was due to be acknowledged by 2 February 2027"

    # The ICO bundle.
    clock.set("2027-02-04")
    page = client.get(f"{tracked.url}/regulator").get_data(as_text=True)
    assert "Your complaint goes to: <strong>Information Commissioner&#39;s Office</strong>" in page
    draft = re.search(r'<textarea class="textarea" id="what_happened"[^>]*>([^<]*)</textarea>', page).group(1)
    assert "On 1 September 2026 I sent Experian Ltd a request" in draft
    assert "It did not acknowledge my complaint by 2 February 2027." in draft
    response = submit(client, f"{tracked.url}/regulator", {
        "what_happened": draft, "harm": "I could not challenge a refused mortgage."})
    assert response.status_code == 200 and "Download the complaint bundle" in response.get_data(as_text=True)

    bundle = client.get(f"{tracked.url}/regulator/bundle.pdf")
    assert bundle.mimetype == "application/pdf"
    pages = pdf_text(bundle.data)
    cover = " ".join(pages[:2])
    for expected in (
        "Information Commissioner's Office", "Wycliffe House", "SK9 5AF",
        f"Complaint about Experian Ltd, reference {tracked.reference}",
        "My details", "Name: Siân Llŵyd", "Email: sian@example.org",
        "The organisation", "Organisation name: Experian Ltd", "What happened", "Timeline",
        "On 1 September 2026 I sent my request by post.",
        "On 10 September 2026 the organisation asked me for proof of identity.",
        "On 14 September 2026 I sent the proof of identity it asked for.",
        "On 1 October 2026 the organisation told me it was extending the time to reply.",
        "A reply was due by 14 December 2026.",
        "On 16 December 2026 I sent the organisation a reminder.",
        "On 4 January 2027 I complained to the organisation.",
        "An acknowledgement of my complaint was due by 2 February 2027.",
        "On 4 February 2027 I still had no reply.",
        "How this has affected me", "I could not challenge a refused mortgage.",
        "Copies of correspondence",
    ):
        assert expected in cover, expected
    timeline = cover[cover.index("Timeline"):cover.index("How this has affected me")]
    order = ["On 16 December 2026 I sent", "On 4 January 2027 I complained",
             "An acknowledgement of my complaint was due by", "still had no reply"]
    assert [timeline.index(x) for x in order] == sorted(timeline.index(x) for x in order)
    assert timeline.index("On 1 October 2026") < timeline.index("A reply was due by 14 December 2026.")
    everything = " ".join(pages)
    # The correspondence follows: the request itself, the reminder and the complaint.
    assert "Subject access request under Article 15 UK GDPR" in everything
    assert "Reminder: my request of 1 September 2026" in everything
    assert "Complaint under section 164A of the Data Protection Act 2018" in everything

    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{tracked.url}/regulator/bundle.zip").data))
    names = archive.namelist()
    assert f"{tracked.reference}-complaint_regulator-bundle.pdf" in names
    assert f"{tracked.reference}-complaint_regulator.txt" in names
    assert sum(n.startswith("correspondence/") for n in names) == 3
    assert "On 4 February 2027 I still had no reply." in archive.read(
        f"{tracked.reference}-complaint_regulator.txt").decode()

    record(client, tracked, "complaint_to_regulator", "2027-02-04")
    assert state_of(client, tracked)["dsar"] == "escalated_regulator"
    assert remind("2027-03-01") == [] and len(collector.messages) == 4
