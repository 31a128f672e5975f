"""Follow-up letters: a reminder, a complaint to the organisation and a complaint to the
regulator, each prefilled from what the event log says (issue 4 item 7), and the request to
tell each recipient about a rectification, erasure or restriction (Art 19; issue 13 item 4).

Same machinery as compose(): the templates in ``letters/followups/`` hold every word (and
cite the law or public source of every legal claim), they call the builder, and the result is one immutable
``Letter`` that every renderer reads. Inputs are plain values; the request side turns its
event log into ``CaseFacts``.

A follow-up is written in the request's language only when every follow-up sentence has been
translated for it; otherwise in English, so a letter is never half in one language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache

from dsar.letters.compose import (
    LETTERS_DIR,
    LetterBuilder,
    available_locales,
    clean,
    compose,
    date_formatter,
    environment,
    person_contact,
    postal_parties,
    render_letter,
    representative_context,
    translations,
    writer_of,
)
from dsar.letters.model import Letter, LetterRequest, Recipient
from dsar.rights import CONTROLLER_COMPLAINTS_FROM

FOLLOWUP_KINDS = ("reminder", "complaint_controller", "complaint_regulator", "notify_recipients")
# The ICO's complaint form takes "what happened" in at most about 2,000 characters (ico.org.uk).
WHAT_HAPPENED_LIMIT = 2000
# The reply period a reminder asks for: the person's demand, not a legal period (as datenanfragen.de).
REMINDER_REPLY_DAYS = 14
RESPONSES = ("none", "partial", "complete", "refused")


class FollowupError(ValueError):
    """The follow-up cannot be written (unknown kind, no regulator to address)."""


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the timeline. Besides event kinds, "due", "ack_due", "no_reply" and
    "no_complete_reply" mark the dates the clocks ran out and the state on the letter's date."""

    kind: str
    on: date
    channel: str = ""
    completeness: str = ""
    outcome: str = ""


@dataclass(frozen=True)
class Correspondence:
    """One item attached to a regulator complaint: one of our letters or a file received."""

    kind: str  # "letter" (we wrote it) or "file" (the organisation sent it)
    on: date | None
    title: str  # the letter's subject or the file's name
    printed: bool = True  # False: in the ZIP file only (not a PDF or an image, or unreadable)


@dataclass(frozen=True)
class CaseFacts:
    sent_on: date | None = None
    channel: str = "letter"
    received_on: date | None = None
    receipt_assumed: bool = False
    id_received: date | None = None  # identity information received after the request
    due: date | None = None
    extended: bool = False
    extension_notified: date | None = None
    extension_invalid: bool = False
    response: str = "none"
    response_on: date | None = None
    complaint_sent_on: date | None = None
    complaint_ack_due: date | None = None
    complaint_acknowledged: bool = False
    timeline: tuple[TimelineEntry, ...] = ()


@dataclass(frozen=True)
class FollowupRequest:
    kind: str
    request: LetterRequest  # the original request; its ``today`` is the original letter's date
    facts: CaseFacts
    today: date  # the follow-up's date
    locale: str = ""  # preferred language; default: the request's
    details: str = ""  # complaint to the organisation: the person's own words
    what_happened: str = ""  # regulator: the person's account (default: a generated draft)
    harm: str = ""  # regulator: the effect on the person, in their words
    authority: Recipient | None = None  # regulator: whom the complaint goes to
    correspondence: tuple[Correspondence, ...] = field(default=())  # regulator: attached items
    recipients: tuple[str, ...] = ()  # notify_recipients (Art 19): the recipients to name


@cache
def _translated(locale: str, folder: str) -> bool:
    """Whether every sentence of every template in ``letters/<folder>`` has a translation in
    ``locale``."""
    if locale == "en":
        return True
    if locale not in available_locales():
        return False
    env, catalog = environment(locale), translations(locale)
    for path in sorted((LETTERS_DIR / folder).glob("*.j2")):
        for _line, _function, message in env.extract_translations(path.read_text("utf-8")):
            if isinstance(message, str) and catalog.gettext(message) == message:
                return False
    return True


def followup_locale(preferred: str, *folders: str) -> str:
    """``preferred`` if the follow-ups (and the other template ``folders`` a letter uses) are
    all translated into it, else English."""
    translated = all(_translated(preferred, folder) for folder in ("followups", *folders))
    return preferred if translated else "en"


def original_request_context(original: LetterRequest, locale: str, fmt) -> dict:
    """What every letter about an earlier request says of it: its reference, subject (in the
    new letter's language) and date, the organisation, and who writes (the person, or their
    representative with their reply address: compose.py)."""
    return {
        "reference": original.reference,
        "request_subject": compose(replace(original, locale=locale)).subject,
        "letter_date": fmt(original.today) if original.today else "",
        "organisation": clean(original.recipient.name),
        "org_address": ", ".join(clean(x) for x in original.recipient.address),
        "org_email": clean(original.recipient.email),
        "person_name": clean(original.person.name),
        **person_contact(original),
        "representative": representative_context(original.representative, fmt),
    }


def followup_context(req: FollowupRequest, locale: str, builder: LetterBuilder) -> dict:
    fmt = date_formatter(locale)
    facts, original = req.facts, req.request

    def day(value: date | None) -> str:
        return fmt(value) if value else ""

    return {
        "uk": original.jurisdiction == "uk",
        "eu": original.jurisdiction == "eu",
        "right": original.right,
        "recipients": [clean(name) for name in req.recipients if clean(name)],
        **original_request_context(original, locale, fmt),
        "sent_on": day(facts.sent_on),
        "channel": facts.channel,
        "received_on": day(facts.received_on),
        "receipt_assumed": facts.receipt_assumed,
        "id_received": day(facts.id_received),
        "due": day(facts.due),
        "due_passed": bool(facts.due and req.today > facts.due),
        "extended": facts.extended,
        "extension_notified": day(facts.extension_notified),
        "extension_invalid": facts.extension_invalid,
        "response": facts.response if facts.response in RESPONSES else "none",
        "response_on": day(facts.response_on),
        "complaint_sent_on": day(facts.complaint_sent_on),
        "ack_due": day(facts.complaint_ack_due),
        "ack_passed": bool(facts.complaint_ack_due and req.today > facts.complaint_ack_due),
        "complaint_acknowledged": facts.complaint_acknowledged,
        "complaints_to_controller": req.today >= CONTROLLER_COMPLAINTS_FROM,
        "reply_by": day(req.today + timedelta(days=REMINDER_REPLY_DAYS)),
        "timeline": [
            {"kind": e.kind, "date": day(e.on), "channel": e.channel,
             "completeness": e.completeness, "outcome": e.outcome}
            for e in facts.timeline
        ],
        "details": clean(req.details),
        "what_happened": clean(req.what_happened),
        "harm": clean(req.harm),
        "correspondence": [
            {"kind": c.kind, "date": day(c.on), "title": clean(c.title), "printed": c.printed}
            for c in req.correspondence
        ],
        **builder.functions(),
    }


def what_happened_draft(req: FollowupRequest) -> str:
    """A first draft of the regulator's "what happened", for the person to edit."""
    locale = followup_locale(req.locale or req.request.locale)
    module = environment(locale).get_template("followups/summary.j2").make_module(
        followup_context(req, locale, LetterBuilder()))
    return re.sub(r"\s+", " ", str(module.text)).strip()


def compose_followup(req: FollowupRequest) -> Letter:
    if req.kind not in FOLLOWUP_KINDS:
        raise FollowupError(f"unknown follow-up {req.kind!r}")
    if req.kind == "complaint_regulator" and req.authority is None:
        raise FollowupError("no regulator to address the complaint to")
    locale = followup_locale(req.locale or req.request.locale)
    if req.kind == "complaint_regulator" and not req.what_happened.strip():
        req = _with_draft(req)
    env = environment(locale)
    builder = LetterBuilder()
    context = followup_context(req, locale, builder)
    env.get_template(f"followups/{req.kind}.j2").render(context)
    original = req.request
    recipient = req.authority if req.kind == "complaint_regulator" else original.recipient
    assert recipient is not None
    due = {"reminder": req.today + timedelta(days=REMINDER_REPLY_DAYS),
           "complaint_controller": req.facts.complaint_ack_due}.get(req.kind)
    sender, addressee = postal_parties(writer_of(original), recipient)
    return render_letter(
        env, builder, context, kind=req.kind, locale=locale,
        jurisdiction=original.jurisdiction, reference=original.reference,
        sender=sender, recipient=addressee, today=req.today, due=due,
    )


def _with_draft(req: FollowupRequest) -> FollowupRequest:
    return replace(req, what_happened=what_happened_draft(req))
