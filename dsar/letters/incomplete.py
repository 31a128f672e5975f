"""The follow-up to an incomplete reply (issue 13 item 3): plain values in, one Letter out.

Its words are in ``letters/kinds/incomplete_response/`` (a kind marked ``followup``, so no
first-request list offers it) and in ``letters/followups/facts.j2``, which it shares with the
reminder: the original request, its due date and whether that has passed. It names each point
the reply left out or answered only in part by the reply checklist's item codes
(dsar/replies/checklist.py), with the article and the judgments the catalogue gives for it.

The web page builds the facts from the request's event log; the command line, which knows only
when and how the original request was sent, builds them with :func:`facts_from_date`. Both
count the month with dsar.deadlines, as the tracker does.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from dsar import deadlines
from dsar.letters.compose import (
    LetterBuilder,
    calendar_for,
    date_formatter,
    environment,
    postal_parties,
    render_letter,
)
from dsar.letters.followups import (
    REMINDER_REPLY_DAYS,
    CaseFacts,
    FollowupRequest,
    followup_context,
    followup_locale,
)
from dsar.letters.model import Letter, LetterRequest
from dsar.replies.checklist import ALL_ITEMS, OUTSTANDING, Item
from dsar.requests.status import receipt_of
from dsar.rights import CATALOGUE, Catalogue, UnknownRight

KIND = "incomplete_response"


class IncompleteError(ValueError):
    """The follow-up cannot be written (nothing to ask for, an unknown item or mark)."""


@dataclass(frozen=True)
class IncompleteReply:
    request: LetterRequest  # the original request; its ``today`` is the day it was written
    facts: CaseFacts  # when it was sent and received, its due date and when the reply came
    outstanding: tuple[tuple[str, str], ...]  # (item code, "missing" or "partly"), in order
    today: date  # the follow-up's date
    locale: str = ""  # preferred language; default: the request's


def outstanding_items(marks: dict[str, str], items: tuple[Item, ...]) -> tuple[tuple[str, str], ...]:
    """The items a follow-up asks for again, in the checklist's order, with their marks."""
    return tuple((item.code, marks[item.code]) for item in items
                 if marks.get(item.code) in OUTSTANDING)


def facts_from_date(original: LetterRequest, reply_on: date | None = None) -> CaseFacts:
    """The facts of a request known only by the day it was sent (``original.today``) and how:
    received that day if sent electronically, else deemed received on the second working day
    (status.receipt_of), and due one calendar month later (UK GDPR Arts 12(3) and 12A; GDPR
    Art 12(3)) in the holiday calendar of the organisation's location."""
    calendar = calendar_for(original.recipient)
    received = receipt_of(original.today, original.channel, **calendar)
    due = deadlines.compute_deadline(received, **calendar).due
    return CaseFacts(sent_on=original.today, channel=original.channel, received_on=received,
                     receipt_assumed=original.channel == "letter", due=due,
                     response="partial", response_on=reply_on)


def reply_by(today: date, due: date | None) -> date:
    """The date the letter asks for the rest by: 14 days from the letter (the person's own
    demand, as in the reminder), but never before the original due date, which the law leaves
    the organisation and before which a complaint could not succeed."""
    asked = today + timedelta(days=REMINDER_REPLY_DAYS)
    return max(asked, due) if due else asked


def compose_incomplete(reply: IncompleteReply, catalogue: Catalogue = CATALOGUE) -> Letter:
    if not reply.outstanding:
        raise IncompleteError("no missing or partly answered item to ask for")
    for code, mark in reply.outstanding:
        if code not in ALL_ITEMS or mark not in OUTSTANDING:
            raise IncompleteError(f"unknown item or mark {code}={mark}")
    try:
        catalogue.followup(KIND)
    except UnknownRight:
        raise IncompleteError(f"no letter kind {KIND!r} in the catalogue") from None
    locale = followup_locale(reply.locale or reply.request.locale, f"kinds/{KIND}")
    env = environment(locale, catalogue.kinds_dirs)
    builder = LetterBuilder()
    due = reply_by(reply.today, reply.facts.due)
    context = followup_context(
        FollowupRequest(kind=KIND, request=reply.request, today=reply.today,
                        facts=replace(reply.facts, response="partial")),
        locale, builder)
    context.update(
        reply_by=date_formatter(locale)(due),
        outstanding=[{"code": code, "mark": mark, "case_law": list(ALL_ITEMS[code].case_law)}
                     for code, mark in reply.outstanding],
        articles={code: item.article for code, item in ALL_ITEMS.items()},
    )
    titles = env.get_template(f"kinds/{KIND}/titles.j2").make_module(context)
    builder.subject(titles.subject_line)
    env.get_template(f"kinds/{KIND}/part.j2").render(context)
    original = reply.request
    sender, addressee = postal_parties(original.person, original.recipient)
    return render_letter(
        env, builder, context, kind=KIND, locale=locale, jurisdiction=original.jurisdiction,
        reference=original.reference, sender=sender, recipient=addressee, today=reply.today,
        due=due,
    )
