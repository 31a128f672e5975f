"""The credit-file correction chain of the Consumer Credit Act 1974 s.159, derived from a
request's events (pure: imports neither Flask nor SQLAlchemy, like status.py beside it).

The chain, with the Act's periods (each "within 28 days after receiving", counted here as the
day of receipt + 28 calendar days; the Act does not move a period off a weekend or holiday):

1. s.159(1): the rectification letter to a UK credit reference agency is also notice requiring
   it to remove or amend the entry. It is received when the request is (status.derive: the
   delivery date, or deemed receipt of a posted letter, or the day an email was sent).
2. s.159(2): the agency tells the person, within 28 days of receiving the notice, whether it
   removed the entry, amended it or took no action.
3. s.159(3): unless the entry was removed, the person may, within 28 days of receiving that
   answer (or, with no answer, within 28 days after the agency's 28 days ran out), require the
   agency to add a notice of correction of at most 200 words to the file.
4. s.159(4): within 28 days of receiving the notice of correction the agency tells the person
   that it received it and intends to comply (unless it applies to the Commissioner).
5. s.159(5): if that confirmation does not come in time, or the agency thinks the notice
   improper, the matter can go to the relevant authority - for an individual, the Information
   Commissioner (s.159(8)).

A file of its own rather than part of status.py: status.py decides the request's GDPR clock
and the chain only reads what that derived (the notice's receipt) and its own events.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from dsar.requests.status import CaseState, EventValue, receipt_of
from dsar.rights import CCA_S159_REPLY_DAYS

# The chain's events (status.EVENT_KINDS lists them too).
ANSWER = "cca_answer_received"  # data: answer_outcome (ANSWER_OUTCOMES)
CORRECTION_SENT = "cca_correction_sent"  # data: channel, text (the notice of correction)
CORRECTION_ADDED = "cca_correction_added"  # the agency confirmed it will add it (s.159(4))
CORRECTION_REFUSED = "cca_correction_refused"  # data: reason (REFUSAL_REASONS)
KINDS = (ANSWER, CORRECTION_SENT, CORRECTION_ADDED, CORRECTION_REFUSED)

ANSWER_OUTCOMES = ("removed", "amended", "no_action")  # s.159(2)(a)-(c)
# "refused": the agency will not add it; "improper": it thinks the notice improper and will
# apply to the Commissioner (s.159(5)(b)); "no_reply": its 28 days passed without the
# confirmation s.159(4) requires (s.159(5)(a)).
REFUSAL_REASONS = ("refused", "improper", "no_reply")

# s.159(3): a notice of correction "not exceeding 200 words".
MAX_WORDS = 200
PERIOD_DAYS = CCA_S159_REPLY_DAYS  # every step of s.159 has 28 days

# The stages, in the order the chain runs.
STAGES = (
    "not_sent",  # the notice (the rectification letter) has not been sent
    "awaiting_answer",  # the agency's 28 days under s.159(2) are running
    "removed",  # the agency removed the entry: the chain ends there
    "correction_open",  # the person may send a notice of correction (s.159(3))
    "correction_lapsed",  # the 28 days for a notice of correction passed without one
    "awaiting_confirmation",  # the agency's 28 days under s.159(4) are running
    "added",  # the agency confirmed it will add the notice: done
    "commissioner_open",  # s.159(5): the matter can go to the Information Commissioner
    "commissioner_done",  # the person wrote to the Commissioner
)


def count_words(text: str) -> int:
    """Words as the 200-word limit counts them: runs of characters between whitespace, so
    "re-instated" is one word and "£ 200" two. Plain and predictable for the person typing."""
    return len(text.split())


def period_end(received: date) -> date:
    """The last day of a s.159 period that runs from ``received``: "within 28 days after
    receiving" - the day of receipt is not counted, so the period ends 28 days later."""
    return received + timedelta(days=PERIOD_DAYS)


def applies(*, right: str, jurisdiction: str, categories) -> bool:
    """The chain exists where the rectification letter carried the s.159 notice: a UK letter to
    a credit reference agency (letters/kinds/rectification/part.j2)."""
    return right == "rectification" and jurisdiction == "uk" and (
        "credit_reference_agency" in categories)


@dataclass(frozen=True)
class CreditFileState:
    stage: str
    notice_sent: date | None = None
    notice_channel: str = ""
    notice_received: date | None = None
    notice_receipt_assumed: bool = False
    answer_due: date | None = None  # s.159(2)
    answer_outcome: str = ""  # ANSWER_OUTCOMES, or "" (none recorded)
    answer_on: date | None = None
    window_from: date | None = None  # s.159(3): the answer's receipt, or the day (2) ran out
    correction_by: date | None = None  # the last day for the notice of correction to arrive
    correction_sent: date | None = None
    correction_channel: str = ""
    correction_text: str = ""
    correction_received: date | None = None
    correction_receipt_assumed: bool = False
    confirm_due: date | None = None  # s.159(4)
    outcome: str = ""  # "added", or a REFUSAL_REASONS entry once recorded
    outcome_on: date | None = None
    commissioner_on: date | None = None  # the complaint to the Commissioner was sent
    next_date: date | None = None  # the date that matters for the stage, if any

    @property
    def answered(self) -> bool:
        return bool(self.answer_outcome)

    @property
    def no_answer(self) -> bool:
        """The agency's 28 days ran out with no answer recorded."""
        return not self.answered and self.window_from is not None


def _last(events: tuple[EventValue, ...], kind: str, since: date | None = None):
    found = [e for e in events if e.kind == kind and (since is None or e.occurred_on >= since)]
    return found[-1] if found else None


def derive_chain(state: CaseState, *, today: date, jurisdiction: str, region: str
                 ) -> CreditFileState:
    """Where the chain stands on ``today``, from the request's derived state (its effective
    events and the notice's receipt). Call only where ``applies``."""
    if state.sent_on is None or state.receipt is None:
        return CreditFileState(stage="not_sent")
    events = state.events
    received = state.receipt
    answer_due = period_end(received)
    base = {"notice_sent": state.sent_on, "notice_channel": state.channel,
            "notice_received": received, "notice_receipt_assumed": state.receipt_assumed,
            "answer_due": answer_due}

    answer = _last(events, ANSWER)
    outcome = str(answer.data.get("answer_outcome") or "") if answer else ""
    if outcome not in ANSWER_OUTCOMES:
        answer, outcome = None, ""
    if answer is not None:
        base.update(answer_outcome=outcome, answer_on=answer.occurred_on)
    if outcome == "removed":
        return CreditFileState(stage="removed", **base)

    sent = _last(events, CORRECTION_SENT)
    if answer is None and sent is None and today <= answer_due:
        return CreditFileState(stage="awaiting_answer", next_date=answer_due, **base)
    window_from = answer.occurred_on if answer is not None else answer_due
    correction_by = period_end(window_from)
    base.update(window_from=window_from, correction_by=correction_by)
    if sent is None:
        stage = "correction_open" if today <= correction_by else "correction_lapsed"
        return CreditFileState(stage=stage, next_date=correction_by if stage ==
                               "correction_open" else None, **base)

    channel = str(sent.data.get("channel") or "letter")
    correction_received = receipt_of(sent.occurred_on, channel, jurisdiction=jurisdiction,
                                     region=region)
    confirm_due = period_end(correction_received)
    base.update(correction_sent=sent.occurred_on, correction_channel=channel,
                correction_text=str(sent.data.get("text") or ""),
                correction_received=correction_received,
                correction_receipt_assumed=channel == "letter", confirm_due=confirm_due)
    complaint = _last(events, "complaint_to_regulator", since=sent.occurred_on)
    if complaint is not None:
        base["commissioner_on"] = complaint.occurred_on
    added = _last(events, CORRECTION_ADDED, since=sent.occurred_on)
    refused = _last(events, CORRECTION_REFUSED, since=sent.occurred_on)
    latest = max((e for e in (added, refused) if e is not None),
                 key=lambda e: (e.occurred_on, e.id or 0), default=None)
    if latest is not None and latest.kind == CORRECTION_ADDED:
        return CreditFileState(stage="added", outcome="added", outcome_on=latest.occurred_on,
                               **base)
    if latest is not None:
        reason = str(latest.data.get("reason") or "refused")
        base.update(outcome=reason if reason in REFUSAL_REASONS else "refused",
                    outcome_on=latest.occurred_on)
    elif today <= confirm_due:
        return CreditFileState(stage="awaiting_confirmation", next_date=confirm_due, **base)
    stage = "commissioner_done" if complaint is not None else "commissioner_open"
    return CreditFileState(stage=stage, **base)


@dataclass(frozen=True)
class ChainStep:
    """One line of the timeline the Commissioner is given: what happened (or was due) when.
    ``kind`` names the sentence (letters/credit_file/timeline.j2); ``detail`` an outcome or a
    channel."""

    kind: str
    on: date
    detail: str = ""


def chain_timeline(chain: CreditFileState, *, today: date) -> tuple[ChainStep, ...]:
    """The dated facts of the chain, in order, up to ``today``: each notice with its receipt,
    each period with its end, and what the agency did or did not do within it."""
    steps: list[ChainStep] = []
    if chain.notice_sent is None:
        return ()
    steps.append(ChainStep("notice_sent", chain.notice_sent, chain.notice_channel))
    assert chain.notice_received is not None and chain.answer_due is not None
    steps.append(ChainStep("notice_deemed" if chain.notice_receipt_assumed else
                           "notice_received", chain.notice_received))
    # A period's end is stated when it matters: nothing came within it, or came late.
    if chain.answer_on is None or chain.answer_on > chain.answer_due:
        steps.append(ChainStep("answer_due", chain.answer_due))
    if chain.answer_on is not None:
        steps.append(ChainStep("answer", chain.answer_on, chain.answer_outcome))
    elif chain.no_answer:
        steps.append(ChainStep("no_answer", chain.answer_due))
    if chain.correction_sent is not None:
        assert chain.correction_received is not None and chain.confirm_due is not None
        steps.append(ChainStep("correction_sent", chain.correction_sent,
                               chain.correction_channel))
        steps.append(ChainStep("correction_deemed" if chain.correction_receipt_assumed else
                               "correction_received", chain.correction_received))
        if chain.outcome_on is None or chain.outcome_on > chain.confirm_due:
            steps.append(ChainStep("confirm_due", chain.confirm_due))
        if chain.outcome_on is not None:
            steps.append(ChainStep("outcome", chain.outcome_on, chain.outcome))
        elif today > chain.confirm_due:
            steps.append(ChainStep("no_confirmation", today))
    if chain.commissioner_on is not None:
        steps.append(ChainStep("commissioner", chain.commissioner_on))
    return tuple(sorted(steps, key=lambda s: s.on))
