"""Letter → email: an EmailMessage, a .eml file, or a mailto: link.

The body is ``render_text(letter)`` with each paragraph on one line (the mail client wraps it
to its window; quoted-printable keeps the encoded lines short), so the email says exactly
what the letter says.
Header safety: every header value is folded to one line (CR/LF and other control
characters removed) and addresses go through ``email.headerregistry.Address``, so a name
like "Alice\\r\\nBcc: x@evil" can never become a header of its own. An invalid or
To address raises ValueError; with no address at all the message is a draft without To
(the person addresses it in their mail client), like a ``mailto:?subject=…`` link.
"""

from __future__ import annotations

import email.policy
import re
from datetime import UTC, datetime, time
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP, EmailPolicy
from email.utils import format_datetime, make_msgid
from urllib.parse import quote

from .model import Letter
from .text import one_line, render_text

# A deliberately plain addr-spec: dot-atom local part, dotted domain. Quoted local parts
# and IP literals are legal but never needed for a company's privacy address, and are
# where header-parsing surprises live.
_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_NAME_ADDR = re.compile(r"^(.*?)<([^<>]*)>$", re.S)


def _address(value: str, display_name: str = "") -> Address:
    """Parse ONE address (``a@b.example`` or ``Name <a@b.example>``) or raise ValueError.

    Internationalised domains are converted to their ASCII (punycode) form.
    """
    if any(c in value for c in "\r\n"):
        raise ValueError("email address contains a line break")
    text = one_line(value)
    if m := _NAME_ADDR.match(text):
        display_name, text = m[1].strip().strip('"') or display_name, m[2].strip()
    local, at, domain = text.partition("@")
    try:
        domain = domain.encode("idna").decode("ascii") if domain else ""
    except UnicodeError:
        domain = ""
    labels = domain.split(".")
    if (not at or not _LOCAL.match(local) or len(labels) < 2
            or not all(_LABEL.match(label) for label in labels)):
        # Not echoed: the value may be a person's address and this message can reach a log.
        raise ValueError("invalid email address")
    return Address(display_name=one_line(display_name), addr_spec=f"{local}@{domain}")


def email_subject(letter: Letter) -> str:
    """The subject with the reference in brackets, unless it already carries it."""
    subject, reference = one_line(letter.subject), one_line(letter.reference)
    if not reference or reference in subject:
        return subject
    return f"{subject} [{reference}]"


def _recipient(letter: Letter, to: str | None) -> Address | None:
    """The To address; None when there is none at all (a draft the person addresses)."""
    if to is not None:
        return _address(to)
    if not letter.recipient.email.strip():
        return None
    return _address(letter.recipient.email, letter.recipient.name)


# Quoted-printable lines may be at most 76 characters (RFC 2045 §6.7); the email package
# encodes the body with its policy's line length, 78 by default.
_BODY_POLICY = email.policy.default.clone(max_line_length=76)


def render_email(letter: Letter, *, to: str | None = None) -> EmailMessage:
    """The letter as a plain-text UTF-8 email ready for an SMTP client."""
    message = EmailMessage(policy=_BODY_POLICY)
    if (recipient := _recipient(letter, to)) is not None:
        message["To"] = recipient
    sender_domain = "dsar.invalid"
    if letter.sender.email:
        sender = _address(letter.sender.email, letter.sender.name)
        message["From"] = sender
        sender_domain = sender.domain
    message["Subject"] = email_subject(letter)
    # The letter has a date, not a time: noon UTC is the same calendar day in every
    # time zone from UTC-11 to UTC+11, so no mail client shows the day before or after.
    message["Date"] = format_datetime(
        datetime.combine(letter.date, time(12, 0), tzinfo=UTC))
    # make_msgid() would otherwise put this machine's host name in the header.
    message["Message-ID"] = make_msgid(domain=sender_domain)
    # quoted-printable: 7-bit safe through any relay, still readable in a raw .eml.
    message.set_content(render_text(letter, width=None), subtype="plain", charset="utf-8",
                        cte="quoted-printable")
    # After set_content, which drops any Content-* header set before it.
    if locale := one_line(letter.locale).replace("_", "-"):
        message["Content-Language"] = locale
    return message


class _AsciiHeadersUnfolded(EmailPolicy):
    """Policy SMTP, except that a header in plain ASCII stays on one line up to the 998
    characters RFC 5322 allows (some tools show a folded subject broken). A header with
    other characters is written as RFC 2047 encoded words, which must stay short, so it
    is folded at the usual 78."""

    def fold(self, name, value):
        return super().fold(name, value) if value.isascii() else SMTP.fold(name, value)

    def fold_binary(self, name, value):
        if value.isascii():
            return super().fold_binary(name, value)
        return SMTP.fold_binary(name, value)


_EML_POLICY = _AsciiHeadersUnfolded().clone(linesep="\r\n", max_line_length=998)


def render_eml(letter: Letter, to: str | None = None) -> bytes:
    """The message as an .eml file: RFC 5322 with CRLF line endings."""
    return render_email(letter, to=to).as_bytes(policy=_EML_POLICY)


def mailto_link(letter: Letter, to: str | None = None) -> str | None:
    """A ``mailto:`` URI (RFC 6068) with subject and the whole body, or None when an
    address is present but unusable (a value stored under older rules: the page then offers
    no email option and says why). It never raises for what a letter holds.

    With no address at all the link is ``mailto:?subject=…`` and the person fills in the
    To field. Everything is percent-encoded (the address too, but its @), so no value can
    add a header field or end the link early. Line breaks in the body are CRLF, as RFC 6068
    §2 asks. Some mail clients cut very long links; the body is kept whole here and the web
    page can offer copy-and-paste as well.
    """
    try:
        recipient = _recipient(letter, to)
    except ValueError:
        return None
    address = quote(recipient.addr_spec, safe="@", errors="replace") if recipient else ""
    body = render_text(letter, width=None).replace("\n", "\r\n")
    return (f"mailto:{address}?subject={quote(email_subject(letter), safe='', errors='replace')}"
            f"&body={quote(body, safe='', errors='replace')}")
