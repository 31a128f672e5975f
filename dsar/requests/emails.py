"""The emails themselves: the one confirmation email an address gets before anything else,
and the reminders once it is confirmed.

No subject line carries anything a person typed: subjects are fixed, translated sentences
with at most the due date, so the form cannot be used to send somebody a message of one's
own choosing. The confirmation email quotes nothing typed at all; a reminder names the
organisation (as typed) only in its body, as a labelled field, to the person who confirmed.
Links are built from DSAR_BASE_URL, never from the Host header of a request.
"""

from __future__ import annotations

from email.message import EmailMessage

from flask import Flask, render_template
from flask_babel import force_locale

from dsar.letters.compose import BABEL_LOCALES
from dsar.letters.text import one_line
from dsar.requests.mailer import automatic_message
from dsar.requests.optin import CONFIRMATION_VALID_DAYS, stop_signature
from dsar.requests.reminders import DueReminder


def site_url(app: Flask, endpoint: str, **values) -> str:
    """An absolute link to one of our pages, from the configured base URL."""
    path = app.url_map.bind("localhost").build(endpoint, values)
    return app.config["DSAR_SETTINGS"].base_url.rstrip("/") + path


def confirmation_message(app: Flask, address: str, token: str) -> EmailMessage:
    """In the language of the page the address was typed on (call within that request)."""
    context = {"link": site_url(app, "requests.confirm_reminders", token=token),
               "valid_days": CONFIRMATION_VALID_DAYS,
               "base_url": app.config["DSAR_SETTINGS"].base_url}
    subject = render_template("requests/email/confirm_subject.txt", **context)
    body = render_template("requests/email/confirm.txt", **context)
    return automatic_message(address, one_line(subject), body)


def reminder_composer(app: Flask):
    """compose(reminder) -> the reminder's email, in the language the person chose."""

    def compose(reminder: DueReminder) -> EmailMessage:
        stop_url = site_url(app, "requests.stop_reminders", public_id=reminder.workspace_public_id,
                            signature=stop_signature(app.config["SECRET_KEY"],
                                                     reminder.workspace_public_id,
                                                     reminder.consented_at))
        # British date order for English, as in the letters ("14 December 2026").
        with force_locale(BABEL_LOCALES.get(reminder.locale, reminder.locale)):
            context = {"r": reminder, "state": reminder.state, "stop_url": stop_url,
                       "organisation": one_line(reminder.organisation),
                       "base_url": app.config["DSAR_SETTINGS"].base_url}
            subject = render_template("requests/email/reminder_subject.txt", **context)
            body = render_template("requests/email/reminder.txt", **context)
        return automatic_message(reminder.email, one_line(subject), body, unsubscribe_url=stop_url)

    return compose
