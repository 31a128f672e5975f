"""Reminder emails only to people who asked for them (issue 9 item 2): double opt-in, limits on
confirmation emails, no user-typed text in any subject line. A real SMTP server (aiosmtpd) on
127.0.0.1, the real pages with real CSRF tokens and the real `reminders send` command."""

from __future__ import annotations

import dataclasses
import email
import email.policy
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from dsar.requests.models import ReminderConfirmation, Workspace
from tests.conftest import EXPERIAN, csrf_token
from tests.requests.conftest import record, submit

HOSTILE = "CLICK https://evil.example NOW"
BASE_URL = "https://dsar.example"
LINK = re.compile(re.escape(BASE_URL) + r"/\S+")
# Due Thu 1 Oct 2026: a week before, on the day and once late, each a reminder.
REMINDER_DAYS = ("2026-09-24", "2026-10-01", "2026-10-02")


@pytest.fixture
def mail(app, smtp_server, monkeypatch):
    """The web app and the CLI both send through the test server and build links from
    BASE_URL; yields the server's collector."""
    url, collector = smtp_server
    settings = app.config["DSAR_SETTINGS"]
    app.config["DSAR_SETTINGS"] = dataclasses.replace(settings, smtp_url=url, base_url=BASE_URL)
    monkeypatch.setenv("DSAR_SMTP_URL", url)
    monkeypatch.setenv("DSAR_BASE_URL", BASE_URL)
    return collector


@pytest.fixture
def hostile_request(make_tracked, client, clock):
    """A sent request to an organisation whose user-typed name is a phishing line."""
    tracked = make_tracked(recipient=dataclasses.replace(EXPERIAN, name=HOSTILE))
    record(client, tracked, "sent", "2026-09-01", channel="email")
    return tracked


def parsed(message) -> email.message.EmailMessage:
    return email.message_from_bytes(message.content, policy=email.policy.default)


def ask_for_reminders(client, tracked, address: str, **kwargs):
    return submit(client, f"{tracked.workspace_url}/reminders", {"email": address, "consent": "yes"},
                  form_url=tracked.workspace_url, **kwargs)


def confirmation_link(message) -> str:
    [link] = LINK.findall(parsed(message).get_content())
    return link.removeprefix(BASE_URL)


def run_reminders(cli) -> None:
    for day in REMINDER_DAYS:
        assert cli("reminders", "send", "--today", day).exit_code == 0


def test_a_third_party_gets_one_confirmation_and_nothing_more(client, cli, mail, hostile_request):
    response = ask_for_reminders(client, hostile_request, "victim@example.net")
    assert response.status_code == 302
    [message] = mail.messages
    assert message.rcpt_tos == ["victim@example.net"]
    confirmation = parsed(message)
    body = confirmation.get_content()
    assert HOSTILE not in confirmation["Subject"] and HOSTILE not in body
    assert hostile_request.reference not in body and "evil.example" not in body
    # Built from DSAR_BASE_URL, not from the Host of the request (the test client's "localhost").
    assert confirmation_link(message).startswith("/reminders/confirm/") and "localhost" not in body
    page = client.get(hostile_request.workspace_url).get_data(as_text=True)
    assert "We sent a confirmation link to the address you gave" in page
    run_reminders(cli)
    assert len(mail.messages) == 1


def test_reminders_start_once_the_link_is_clicked(client, cli, mail, hostile_request, app):
    ask_for_reminders(client, hostile_request, "sian@example.org")
    link = confirmation_link(mail.messages[0])
    page = client.get(link)
    assert page.status_code == 200 and 'type="submit"' in page.get_data(as_text=True)
    run_reminders(cli)  # a GET changes nothing: still only the confirmation
    assert len(mail.messages) == 1
    assert client.post(link, data={}).status_code == 400  # no CSRF token, no confirmation
    response = client.post(link, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 200 and "Reminders are on" in response.get_data(as_text=True)
    assert client.get(link).status_code == 404  # single use
    run_reminders(cli)
    reminders = [parsed(m) for m in mail.messages[1:]]
    assert len(reminders) == 3 and all(m["To"] == "sian@example.org" for m in reminders)
    for message in reminders:
        assert HOSTILE not in message["Subject"] and "evil" not in message["Subject"]
    for message in mail.messages[1:]:  # a plain URL on one line, as mail clients expect it
        assert f"\r\nList-Unsubscribe: <{BASE_URL}/reminders/stop/".encode() in message.content
    assert [m["Subject"] for m in reminders] == [
        "Reminder: a reply to your request is due by 1 October 2026",
        "Reminder: a reply to your request is due today, 1 October 2026",
        "A reply to your request was due by 1 October 2026",
    ]
    body = reminders[0].get_content()
    assert f"Organisation: {HOSTILE}" in body  # quoted as data, to the person who typed it

    # Every reminder carries a working unsubscribe link (a page, then a POST).
    stop = re.search(re.escape(BASE_URL) + r"(/reminders/stop/\S+)", body).group(1)
    page = client.get(stop)
    assert page.status_code == 200
    client.post(stop, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    with app.app_context():
        session = app.extensions["dsar_sessions"]()
        workspace = session.scalars(select(Workspace)).one()
        assert workspace.reminder_email is None and workspace.reminders_consented_at is None
        session.close()
    assert client.get(stop).status_code == 404


def test_changing_the_address_restarts_the_opt_in(client, cli, mail, hostile_request):
    ask_for_reminders(client, hostile_request, "first@example.org")
    first = confirmation_link(mail.messages[0])
    ask_for_reminders(client, hostile_request, "second@example.org")
    second = confirmation_link(mail.messages[1])
    assert client.get(first).status_code == 404  # the old address's link no longer works
    page = client.get(second)
    client.post(second, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    # Confirmed, then changed again: nothing more to the confirmed address until re-confirmed.
    ask_for_reminders(client, hostile_request, "third@example.org")
    run_reminders(cli)
    assert [m.rcpt_tos for m in mail.messages] == [
        ["first@example.org"], ["second@example.org"], ["third@example.org"]]


def test_an_expired_link_confirms_nothing(client, cli, mail, hostile_request, app):
    ask_for_reminders(client, hostile_request, "sian@example.org")
    link = confirmation_link(mail.messages[0])
    page = client.get(link)
    with app.app_context():
        session = app.extensions["dsar_sessions"]()
        session.execute(update(ReminderConfirmation).values(
            expires_at=ReminderConfirmation.sent_at - timedelta(seconds=1)))
        session.commit()
        session.close()
    assert client.get(link).status_code == 404
    response = client.post(link, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 404
    run_reminders(cli)
    assert len(mail.messages) == 1


def limited(response) -> bool:
    html = response.get_data(as_text=True)
    return response.status_code == 429 and "too many confirmation emails" in html


def test_at_most_three_confirmations_a_day_to_one_address(client, mail, make_tracked, app):
    workspaces = [make_tracked() for _ in range(4)]
    responses = [ask_for_reminders(client, w, "victim@example.net") for w in workspaces]
    assert [r.status_code for r in responses[:3]] == [302, 302, 302] and limited(responses[3])
    assert len(mail.messages) == 3
    # A day later the address may be asked again.
    with app.app_context():
        session = app.extensions["dsar_sessions"]()
        session.execute(update(ReminderConfirmation).values(
            sent_at=ReminderConfirmation.sent_at - timedelta(hours=25)))
        session.commit()
        session.close()
    assert ask_for_reminders(client, workspaces[3], "victim@example.net").status_code == 302


def test_at_most_five_confirmations_a_day_from_one_workspace(client, mail, make_tracked):
    tracked = make_tracked()
    responses = [ask_for_reminders(client, tracked, f"person{i}@example.net") for i in range(6)]
    assert [r.status_code for r in responses[:5]] == [302] * 5 and limited(responses[5])
    assert len(mail.messages) == 5
    page = responses[5].get_data(as_text=True)
    assert 'value="person5@example.net"' in page  # what was typed is kept


def test_at_most_ten_confirmations_an_hour_from_one_client(client, mail, make_tracked):
    responses = [ask_for_reminders(client, make_tracked(), f"person{i}@example.net",
                                   environ_base={"REMOTE_ADDR": "203.0.113.7"}) for i in range(11)]
    assert [r.status_code for r in responses[:10]] == [302] * 10 and limited(responses[10])
    other = ask_for_reminders(client, make_tracked(), "someone@example.net",
                              environ_base={"REMOTE_ADDR": "203.0.113.8"})
    assert other.status_code == 302 and len(mail.messages) == 11


def test_no_mail_server_is_a_clear_message_not_a_500(client, make_tracked, app):
    tracked = make_tracked()
    settings = app.config["DSAR_SETTINGS"]
    for url in ("", "smtp://127.0.0.1:9"):  # not configured; nothing listens on port 9
        app.config["DSAR_SETTINGS"] = dataclasses.replace(settings, smtp_url=url)
        response = ask_for_reminders(client, tracked, "sian@example.org")
        assert response.status_code == 503
        assert "could not send the confirmation email" in response.get_data(as_text=True)
    with app.app_context():
        session = app.extensions["dsar_sessions"]()
        assert session.scalars(select(Workspace)).one().reminder_email is None
        session.close()


@pytest.mark.parametrize(("lang", "subject"), [
    ("cy", "Cadarnhewch eich cyfeiriad e-bost ar gyfer nodiadau atgoffa"),
    ("de", "Bestätigen Sie Ihre E-Mail-Adresse für Erinnerungen"),
])
def test_confirmation_email_and_reminders_in_the_persons_language(client, cli, mail, hostile_request,
                                                                   lang, subject):
    # The language switch is a form (a GET never changes the session).
    home = client.get("/").get_data(as_text=True)
    client.post("/language", data={"lang": lang, "next": "/", "csrf_token": csrf_token(home)})
    assert f'lang="{lang}"' in client.get("/").get_data(as_text=True)
    ask_for_reminders(client, hostile_request, "sian@example.org")
    assert parsed(mail.messages[0])["Subject"] == subject
    link = confirmation_link(mail.messages[0])
    page = client.get(link)
    client.post(link, data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    run_reminders(cli)
    assert len(mail.messages) == 4
    assert "Reminder:" not in parsed(mail.messages[1])["Subject"]
