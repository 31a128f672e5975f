"""`reminders send` against a real SMTP server: only to people who opted in, never twice,
retried after a failure, and never a credential in a message."""

from __future__ import annotations

import email
import email.policy
import threading
from datetime import date, datetime

import pytest
from sqlalchemy import select

from dsar.requests.mailer import MailError, automatic_message, parse_smtp_url
from dsar.requests.models import SentReminder, Workspace
from dsar.requests.reminders import send_reminders
from tests.requests.conftest import record


def opt_in(app, token_hash_of=None, *, email_address="sian@example.org", locale="en"):
    with app.app_context():
        session = app.extensions["dsar_sessions"]()
        for workspace in session.scalars(select(Workspace)):
            if token_hash_of is None or workspace.id == token_hash_of:
                workspace.reminder_email = email_address
                workspace.reminder_locale = locale
                workspace.reminders_consented_at = datetime(2026, 9, 1, 12, 0)
        session.commit()
        session.close()


def test_only_people_who_opted_in_get_reminders(cli, client, clock, make_tracked, smtp_server, monkeypatch):
    url, collector = smtp_server
    monkeypatch.setenv("DSAR_SMTP_URL", url)
    tracked = make_tracked()
    record(client, tracked, "sent", "2026-09-01", channel="email")  # due Thu 1 Oct
    result = cli("reminders", "send", "--today", "2026-09-24")
    assert result.exit_code == 0 and result.stdout.strip() == "0 reminder(s) sent"
    opt_in(client.application, locale="de")
    result = cli("reminders", "send", "--today", "2026-09-24")
    assert result.stdout.splitlines()[-1] == "1 reminder(s) sent"
    [message] = collector.messages
    parsed = email.message_from_bytes(message.content, policy=email.policy.default)
    assert parsed["From"] == "reminders@dsar.example" and parsed["Auto-Submitted"] == "auto-generated"
    # In the language the person chose when opting in; nothing typed in the subject.
    assert parsed["Subject"] == "Erinnerung: Eine Antwort auf Ihren Antrag ist bis zum 1. Oktober 2026 fällig"
    content = parsed.get_content()
    assert "Eine Antwort auf Ihren Antrag muss bis zum 1. Oktober 2026 eingehen." in content
    assert "Organisation: Experian Ltd" in content and f"Aktenzeichen: {tracked.reference}" in content
    assert tracked.token not in content


def test_a_failed_send_is_retried_on_the_next_run(cli, client, clock, make_tracked, smtp_server, monkeypatch):
    url, collector = smtp_server
    tracked = make_tracked()
    record(client, tracked, "sent", "2026-09-01", channel="email")
    opt_in(client.application)
    monkeypatch.setenv("DSAR_SMTP_URL", "smtp://user:s3cret@127.0.0.1:9")  # nothing listens on 9
    result = cli("reminders", "send", "--today", "2026-10-02")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "127.0.0.1:9" in result.stderr
    assert "s3cret" not in result.output + result.stderr and "user" not in result.stderr
    monkeypatch.setenv("DSAR_SMTP_URL", url)
    result = cli("reminders", "send", "--today", "2026-10-02")
    assert result.exit_code == 0 and len(collector.messages) == 1
    assert cli("reminders", "send", "--today", "2026-10-03").stdout.strip() == "0 reminder(s) sent"


def test_cli_errors_are_one_line(cli, monkeypatch):
    monkeypatch.delenv("DSAR_SMTP_URL", raising=False)
    result = cli("reminders", "send", "--today", "2026-10-02")
    assert result.exit_code == 2 and result.stderr.startswith("error: no SMTP server configured")
    monkeypatch.setenv("DSAR_SMTP_URL", "smtp://127.0.0.1:25")
    result = cli("reminders", "send", "--today", "02/10/2026")
    assert result.exit_code == 2
    assert result.stderr == "error: --today: '02/10/2026' is not a valid date (expected YYYY-MM-DD)\n"


def test_two_runs_at_once_send_each_reminder_once(app, client, clock, make_tracked, smtp_server):
    """The unique key is claimed before sending: concurrent runs cannot both send."""
    url, collector = smtp_server
    for _ in range(3):
        tracked = make_tracked()
        record(client, tracked, "sent", "2026-09-01", channel="email")
    opt_in(app)
    from dsar.requests.mailer import Mailer

    config = parse_smtp_url(url)
    barrier = threading.Barrier(2)
    errors = []

    def run():
        session = app.extensions["dsar_sessions"]()
        try:
            barrier.wait()
            with Mailer(config) as mailer:
                send_reminders(session, date(2026, 10, 1),
                               compose=lambda r: automatic_message(r.email, "Due", r.reference),
                               send=mailer.send)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            session.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(collector.messages) == 3
    with app.app_context():
        session = app.extensions["dsar_sessions"]()
        assert len(session.scalars(select(SentReminder)).all()) == 3
        session.close()


def test_smtp_url_forms():
    config = parse_smtp_url("smtps://me%40x.org:p%40ss@mail.example.org?from=dsar@x.org")
    assert (config.host, config.port, config.scheme, config.sender) == ("mail.example.org", 465, "smtps",
                                                                        "dsar@x.org")
    assert (config.username, config.password) == ("me@x.org", "p@ss")
    assert "p@ss" not in repr(config)
    assert parse_smtp_url("smtp+starttls://mail.example.org").port == 587
    for bad in ("", "http://x", "smtp://", "smtp://h:99999", "smtp://h?from=nobody"):
        with pytest.raises(MailError):
            parse_smtp_url(bad)
