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
    """Reminder emails to people who asked for them and confirmed their address."""


@reminders_group.command("send")
@click.option("--today", default=None, metavar="DATE", help="Act as if today were DATE (YYYY-MM-DD).")
@one_line_errors()
def send_command(today: str | None) -> None:
    """Send the reminder emails that are due today."""
    from dsar import create_app
    from dsar.bootstrap import bootstrap
    from dsar.requests.emails import reminder_composer
    from dsar.requests.mailer import Mailer, MailError, parse_smtp_url
    from dsar.requests.reminders import send_reminders

    day = parse_day(today)
    app = create_app()
    try:
        config = parse_smtp_url(app.config["DSAR_SETTINGS"].smtp_url)
    except MailError as exc:
        raise CommandError(str(exc)) from None
    # Like every command: schema current, and the UI catalogs compiled, or the emails would
    # go out in English whatever language the person chose.
    bootstrap(app.config["DSAR_SETTINGS"])
    with app.app_context():
        session = app.extensions["dsar_sessions"]()
        try:
            with Mailer(config) as mailer:
                result = send_reminders(session, day, compose=reminder_composer(app), send=mailer.send)
        finally:
            session.close()
    for reminder in result.sent:
        click.echo(f"sent {reminder.kind} for {reminder.reference} (due {reminder.due_on.isoformat()})")
    click.echo(f"{len(result.sent)} reminder(s) sent")
    if result.failed:
        raise CommandError(f"{len(result.failed)} reminder(s) not sent, will retry: {result.failed[0][1]}")
