"""The letters of the credit-file correction chain (Consumer Credit Act 1974 s.159): the notice
of correction to the agency and the application to the Information Commissioner.

Same machinery as the follow-ups (dsar/letters/followups.py): the words are in
``letters/credit_file/``, templates call the builder, and the result is one immutable ``Letter``.
The chain's dates come from dsar/requests/credit_chain.py, already derived; this module only
formats them. Written in the request's language where every sentence of the folder is
translated, otherwise in English.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dsar.letters.compose import (
    LetterBuilder,
    calendar_for,
    clean,
    date_formatter,
    environment,
    postal_parties,
    render_letter,
    writer_of,
)
from dsar.letters.followups import followup_locale, original_request_context
from dsar.letters.model import Letter, LetterRequest, Recipient
from dsar.requests.credit_chain import ChainStep, CreditFileState, period_end
from dsar.requests.status import receipt_of

FOLDER = "credit_file"
LETTER_KINDS = ("notice_of_correction", "complaint_commissioner")


class CreditFileLetterError(ValueError):
    """The letter cannot be written (unknown kind, no text, no one to address)."""


@dataclass(frozen=True)
class CreditFileRequest:
    kind: str
    request: LetterRequest  # the rectification letter that was the s.159(1) notice
    chain: CreditFileState
    today: date  # the letter's date
    text: str = ""  # the notice of correction, in the person's words
    channel: str = "letter"  # how the notice of correction goes (it sets the s.159(4) date)
    prejudice: str = ""  # complaint: why the entry is likely to prejudice the person
    timeline: tuple[ChainStep, ...] = ()  # complaint: the chain's dated facts
    authority: Recipient | None = None  # complaint: the Information Commissioner


def confirm_by(req: CreditFileRequest) -> date:
    """s.159(4): 28 days after the agency receives the notice of correction - the recorded
    one, or one sent today by ``req.channel``."""
    if req.chain.confirm_due is not None:
        return req.chain.confirm_due
    return period_end(receipt_of(req.today, req.channel, **calendar_for(req.request.recipient)))


def _context(req: CreditFileRequest, locale: str, builder: LetterBuilder) -> dict:
    fmt = date_formatter(locale)
    chain, original = req.chain, req.request

    def day(value: date | None) -> str:
        return fmt(value) if value else ""

    return {
        **original_request_context(original, locale, fmt),
        "corrections": [clean(c) for c in original.corrections if c.strip()],
        "notice_sent": day(chain.notice_sent),
        "answer_due": day(chain.answer_due),
        "answer_outcome": chain.answer_outcome,
        "answer_on": day(chain.answer_on),
        "correction_sent": day(chain.correction_sent),
        "correction_received": day(chain.correction_received),
        "correction_receipt_assumed": chain.correction_receipt_assumed,
        "confirm_by": day(confirm_by(req)),
        "outcome": chain.outcome,
        "outcome_on": day(chain.outcome_on),
        "text": clean(req.text),
        "prejudice": clean(req.prejudice),
        "timeline": [{"kind": s.kind, "date": day(s.on), "detail": s.detail}
                     for s in req.timeline],
        **builder.functions(),
    }


def compose_credit_file(req: CreditFileRequest) -> Letter:
    if req.kind not in LETTER_KINDS:
        raise CreditFileLetterError(f"unknown credit-file letter {req.kind!r}")
    if not req.text.strip():
        raise CreditFileLetterError("the notice of correction has no text")
    complaint = req.kind == "complaint_commissioner"
    if complaint and req.authority is None:
        raise CreditFileLetterError("no Information Commissioner to address the complaint to")
    locale = followup_locale(req.request.locale, FOLDER)
    env = environment(locale)
    builder = LetterBuilder()
    context = _context(req, locale, builder)
    env.get_template(f"{FOLDER}/{req.kind}.j2").render(context)
    original = req.request
    addressee = req.authority if complaint else original.recipient
    assert addressee is not None
    sender, recipient = postal_parties(writer_of(original), addressee)
    return render_letter(
        env, builder, context, kind=req.kind, locale=locale, jurisdiction=original.jurisdiction,
        reference=original.reference, sender=sender, recipient=recipient, today=req.today,
        due=None if complaint else confirm_by(req),
    )
