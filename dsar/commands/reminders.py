"""python run.py reminders send [--today DATE]: email the reminders that are due.

Meant for cron, at any frequency: a reminder is never sent twice (see
dsar/requests/reminders.py). Prints one line per reminder sent and a total; a reminder that
could not be sent is retried on the next run, and the command exits 2 with one line.
"""

from __future__ import annotations

import click

from dsar.commands.common import CommandError, one_line_errors
from dsar.commands.requests import parse_day


@click.group("reminders")
def reminders_group() -> None:
    """Reminder emails to people who asked for them."""


def _composer(app):
    from flask import render_template
    from flask_babel import force_locale

    from dsar.letters.compose import BABEL_LOCALES
    from dsar.letters.text import one_line

    def compose(reminder) -> tuple[str, str]:
        # British date order for English, as in the letters ("14 December 2026").
        with force_locale(BABEL_LOCALES.get(reminder.locale, reminder.locale)):
            context = {"r": reminder, "state": reminder.state,
                       "organisation": one_line(reminder.organisation),
                       "base_url": app.config["DSAR_SETTINGS"].base_url}
            subject = render_template("requests/email/reminder_subject.txt", **context)
            body = render_template("requests/email/reminder.txt", **context)
        return one_line(subject), body

    return compose


@reminders_group.command("send")
@click.option("--today", default=None, metavar="DATE", help="Act as if today were DATE (YYYY-MM-DD).")
@one_line_errors()
def send_command(today: str | None) -> None:
    """Send the reminder emails that are due today."""
    from dsar import create_app
    from dsar.requests.mailer import Mailer, MailError, parse_smtp_url
    from dsar.requests.reminders import send_reminders

    day = parse_day(today)
    app = create_app()
    try:
        config = parse_smtp_url(app.config["DSAR_SETTINGS"].smtp_url)
    except MailError as exc:
        raise CommandError(str(exc)) from None
    with app.app_context():
        session = app.extensions["dsar_sessions"]()
        try:
            with Mailer(config) as mailer:
                result = send_reminders(session, day, compose=_composer(app), send=mailer.send)
        finally:
            session.close()
    for reminder in result.sent:
        click.echo(f"sent {reminder.kind} for {reminder.reference} (due {reminder.due_on.isoformat()})")
    click.echo(f"{len(result.sent)} reminder(s) sent")
    if result.failed:
        raise CommandError(f"{len(result.failed)} reminder(s) not sent, will retry: {result.failed[0][1]}")
