"""Sending email through the SMTP server named by DSAR_SMTP_URL.

  smtp://host:port                plain SMTP (a local relay, or the test server)
  smtp+starttls://user:pw@host:587  STARTTLS, then log in
  smtps://user:pw@host:465         TLS from the start
  …?from=reminders@example.org     the From address (default: dsar@<host>)

Credentials never appear in a message or log line: errors name the host and port only.
"""

from __future__ import annotations

import email.policy
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import parse_qs, unquote, urlsplit

from dsar.directory.schema import EMAIL_RE

_SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
# Header lines up to RFC 5322's limit: a long link in List-Unsubscribe must stay a plain URL
# on one line (the default 78 would turn it into encoded words no mail client follows).
_POLICY = email.policy.SMTP.clone(max_line_length=998)


class MailError(RuntimeError):
    """Mail could not be configured or sent; the message holds no credentials."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    scheme: str
    sender: str
    username: str = field(default="", repr=False)
    password: str = field(default="", repr=False)

    @property
    def where(self) -> str:
        return f"{self.host}:{self.port}"


def parse_smtp_url(url: str) -> SmtpConfig:
    if not url:
        raise MailError("no SMTP server configured (set DSAR_SMTP_URL, e.g. smtp://127.0.0.1:25)")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise MailError("DSAR_SMTP_URL is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES or not parts.hostname:
        raise MailError("DSAR_SMTP_URL must look like smtp://host:port, smtp+starttls://… or smtps://…")
    sender = parse_qs(parts.query).get("from", [""])[0] or f"dsar@{parts.hostname}"
    if not EMAIL_RE.match(sender):
        raise MailError("the from= address in DSAR_SMTP_URL is not an email address")
    return SmtpConfig(
        host=parts.hostname, port=port or _SCHEMES[scheme], scheme=scheme, sender=sender,
        username=unquote(parts.username or ""), password=unquote(parts.password or ""),
    )


def automatic_message(to: str, subject: str, body: str, *, unsubscribe_url: str = "") -> EmailMessage:
    """A plain-text message sent by the app itself (From is added by the Mailer)."""
    message = EmailMessage(policy=_POLICY)
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="dsar.invalid")
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies, please
    if unsubscribe_url:
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"  # RFC 2369: the mail client's button
    message.set_content(body)
    return message


class Mailer:
    """One SMTP connection for a batch of messages (opened on first use)."""

    def __init__(self, config: SmtpConfig, timeout: float = 30) -> None:
        self.config = config
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        try:
            if c.scheme == "smtps":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    c.host, c.port, timeout=self.timeout, context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(c.host, c.port, timeout=self.timeout)
                if c.scheme == "smtp+starttls":
                    smtp.starttls(context=ssl.create_default_context())
            if c.username:
                smtp.login(c.username, c.password)
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"cannot connect to the SMTP server {c.where}: {type(exc).__name__}") from None
        return smtp

    def send(self, message: EmailMessage) -> None:
        if "From" not in message:
            message["From"] = self.config.sender
        try:
            if self._smtp is None:
                self._smtp = self._connect()
            self._smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise MailError(f"the SMTP server {self.config.where} did not accept a message: "
                            f"{type(exc).__name__}") from None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self._smtp = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()
