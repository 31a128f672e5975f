"""Emails of the team area: invitations and password resets. Each holds one link and no
personal data beyond the team's name; subjects are fixed text (never anything a user typed)."""

from __future__ import annotations

import logging

from flask import current_app, render_template
from flask_babel import gettext as _

from dsar.requests.mailer import Mailer, MailError, automatic_message, parse_smtp_url

log = logging.getLogger(__name__)


def _subject(kind: str) -> str:
    return {"invitation": _("You are invited to a team on dsar"),
            "reset": _("Reset your dsar password")}[kind]


def send_link(to: str, kind: str, link: str, team_name: str = "") -> bool:
    """Send the email; False (and a log line without the address or link) when no mail
    server is configured or it refused — the caller then shows the link to an admin."""
    settings = current_app.config["DSAR_SETTINGS"]
    # As the app's other automatic mail: a Message-ID, no auto-replies, and the link kept
    # whole on one line for mail read as plain text.
    message = automatic_message(to, _subject(kind),
                                render_template(f"team/email/{kind}.txt", link=link, team_name=team_name))
    try:
        with Mailer(parse_smtp_url(settings.smtp_url)) as mailer:
            mailer.send(message)
    except MailError as exc:
        log.warning("team %s email not sent: %s", kind, exc)
        return False
    return True
