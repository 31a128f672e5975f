"""The credit-file correction chain of one request (Consumer Credit Act 1974 s.159): whether it
applies, where it stands, the checks on its entries, the notice-of-correction editor's rules
and its two letters. The dates are derived in credit_chain.py (pure); the words of the letters
are in letters/credit_file/."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from dsar.letters.credit_file import CreditFileRequest, compose_credit_file
from dsar.letters.inputs import recipient_from_record
from dsar.letters.model import Letter
from dsar.requests import credit_chain as chain_rules
from dsar.requests.credit_chain import CreditFileState, chain_timeline, count_words, derive_chain
from dsar.requests.escalation import regulator_for
from dsar.requests.models import DataRequest
from dsar.requests.services import calendar_of, case_state, get_draft, letter_request
from dsar.requests.status import CHANNELS, CaseState
from dsar.web.forms import FormResult

# Where the person's words are kept between visits (services.get_draft / save_draft).
DRAFT_CORRECTION = "cca_correction"
DRAFT_COMPLAINT = "cca_complaint"
LETTERS = {"correction": "notice_of_correction", "complaint": "complaint_commissioner"}
MAX_PREJUDICE = 2000  # characters: a few paragraphs, as the Commissioner's forms take


def applies_to(request: DataRequest) -> bool:
    return chain_rules.applies(right=request.right, jurisdiction=request.jurisdiction,
                               categories=(request.recipient or {}).get("categories") or ())


def chain_of(request: DataRequest, today: date, state: CaseState | None = None
             ) -> CreditFileState | None:
    """Where the chain stands, or None for a request it does not apply to."""
    if not applies_to(request):
        return None
    state = state or case_state(request, today)
    return derive_chain(state, today=today, **calendar_of(request))


def validate_notice(form) -> FormResult:
    """The notice of correction: at most 200 words (s.159(3)), counted as count_words does.
    What was typed is always given back, whatever is wrong with it."""
    text = (form.get("text") or "").replace("\r\n", "\n").strip()
    words = count_words(text)
    result = FormResult(values={"text": text, "words": words})
    if not text:
        result.errors["text"] = _l("Write your notice of correction")
    elif words > chain_rules.MAX_WORDS:
        result.errors["text"] = _l(
            "Your notice of correction has %(count)s words. The law allows at most %(limit)s: "
            "shorten it by %(over)s.", count=words, limit=chain_rules.MAX_WORDS,
            over=words - chain_rules.MAX_WORDS)
    return result


def validate_prejudice(form) -> FormResult:
    text = (form.get("prejudice") or "").replace("\r\n", "\n").strip()
    result = FormResult(values={"prejudice": text})
    if len(text) > MAX_PREJUDICE:
        result.errors["prejudice"] = _l("Must be %(n)s characters or fewer", n=MAX_PREJUDICE)
    return result


def _long(day: date) -> str:
    return format_date(day, format="long")


def entry_error(request: DataRequest, kind: str, day: date, data: dict, state: CaseState,
                today: date) -> tuple[str, object] | None:
    """A chain entry that cannot be right, as (field, message); None when it can. ``state``
    is the request's state without the entry being changed (tracking.validate)."""
    if kind not in chain_rules.KINDS:
        return None
    if not applies_to(request):
        return "kind", _l("This step is only for a notice to a UK credit reference agency")
    chain = derive_chain(state, today=today, **calendar_of(request))
    if chain.stage == "not_sent":
        return None  # tracking already asks for the sending date first
    if kind == chain_rules.CORRECTION_SENT:
        if chain.answer_outcome == "removed":
            return "kind", _l("They removed the entry, so there is nothing to add a notice of "
                              "correction to")
        if chain.window_from is None:
            return "kind", _l("Record their answer first, or wait until their 28 days end on "
                              "%(date)s", date=_long(chain.answer_due))
        if day < chain.window_from:
            return "date-day", _l("The date cannot be before %(date)s, when the time for a "
                                  "notice of correction began", date=_long(chain.window_from))
        return None
    if kind in (chain_rules.CORRECTION_ADDED, chain_rules.CORRECTION_REFUSED):
        if chain.correction_sent is None:
            return "kind", _l("Record when you sent your notice of correction first")
        if day < chain.correction_sent:
            return "date-day", _l("The date cannot be before you sent your notice of "
                                  "correction (%(date)s)", date=_long(chain.correction_sent))
        if data.get("reason") == "no_reply" and chain.confirm_due and day <= chain.confirm_due:
            return "date-day", _l("They have until %(date)s to confirm. Record this after that "
                                  "day.", date=_long(chain.confirm_due))
    return None


def _notice_text(session: Session, request: DataRequest, chain: CreditFileState) -> str:
    """The notice as sent (kept with its event), else the person's saved draft."""
    return chain.correction_text or get_draft(session, request, DRAFT_CORRECTION).get("text", "")


def can_write_correction(chain: CreditFileState | None) -> bool:
    """The letter states the agency's answer, or that none came in its 28 days."""
    return chain is not None and chain.window_from is not None


def can_complain(chain: CreditFileState | None) -> bool:
    return chain is not None and chain.stage in ("commissioner_open", "commissioner_done")


def letter(session: Session, request: DataRequest, which: str, today: date, *,
           channel: str = "letter") -> Letter | None:
    """The notice of correction ("correction") or the application to the Information
    Commissioner ("complaint"); None where the chain has not reached it or nothing is written."""
    chain = chain_of(request, today)
    kind = LETTERS.get(which)
    if kind is None or not can_write_correction(chain):
        return None
    assert chain is not None
    text = _notice_text(session, request, chain)
    if not text:
        return None
    original = letter_request(request)
    if kind == "notice_of_correction":
        # Once sent, the letter as it went out: its date and channel.
        return compose_credit_file(CreditFileRequest(
            kind=kind, request=original, chain=chain, today=chain.correction_sent or today,
            text=text, channel=chain.correction_channel or (
                channel if channel in CHANNELS else "letter")))
    authority = regulator_for(session, request)
    if not can_complain(chain) or authority is None:
        return None
    return compose_credit_file(CreditFileRequest(
        kind=kind, request=original, chain=chain, today=today, text=text,
        prejudice=get_draft(session, request, DRAFT_COMPLAINT).get("prejudice", ""),
        timeline=chain_timeline(chain, today=today),
        authority=recipient_from_record(authority)))
