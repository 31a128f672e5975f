"""Status, due date and "days left" of a request, derived from its events (pure).

Imports neither Flask nor SQLAlchemy: the web pages, the reminders command, the JSON export
and the letters all call ``derive()`` on plain ``EventValue``s, so there is one answer to
"where does this request stand?" and it is never stored as the truth (DESIGN.md).

The clock rules (UK GDPR Arts 12(3), 12A; GDPR Art 12(3)) live in ``dsar.deadlines``; this module only
decides which events feed it: when the request was received (issue 4 item 3), when identity
information arrived, which clarification pauses ran and whether an extension was notified.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from dsar import deadlines
from dsar.deadlines import Deadline, Pause
from dsar.letters.postal import is_international
from dsar.replies.checklist import ALL_ITEMS, OUTSTANDING, completeness
from dsar.rights import CONTROLLER_COMPLAINTS_FROM

EVENT_KINDS = (
    "created", "sent", "delivered", "acknowledged", "id_requested", "id_provided",
    "clarification_requested", "clarification_provided", "extended", "response_received",
    "refused", "reminder_sent", "complaint_to_controller", "complaint_acknowledged",
    "complaint_to_regulator", "withdrawn", "closed",
    # The credit-file chain, Consumer Credit Act 1974 s.159 (credit_chain.py).
    "cca_answer_received", "cca_correction_sent", "cca_correction_added", "cca_correction_refused",
    # The person's marks on the reply checklist (dsar/replies/checklist.py), a full snapshot.
    "reply_checked",
    # What the reply said (recipients, sources, categories, scores): a full snapshot each
    # time, the latest in effect is current (dsar/replies/cascade.py). Changes no status.
    "facts_recorded",
    # Not a fact about the case: marks the event it supersedes as recorded by mistake.
    "retracted",
)  # fmt: skip
CHANNELS = ("letter", "email", "webform")
# Whether a reply answered everything. Two sources feed the same outcome, the later in date
# order wins: the answer to "did they answer everything?" recorded with ``response_received``
# (its ``completeness``), and the person's reply checklist, a ``reply_checked`` event whose
# ``marks`` snapshot every checklist item (``checklist.completeness``: complete when every item
# is answered or not applicable, partial when any is missing or partly answered; a checklist
# with unmarked items and nothing outstanding says nothing yet). A reply recorded through the
# reply intake carries no ``completeness``: it stays unjudged (outcome "") until checked.
COMPLETENESS = ("complete", "partial")
REPLY_INTAKE = "reply"  # response_received.data["source"] of a reply recorded with its files
CLOSE_OUTCOMES = ("fulfilled", "abandoned", "withdrawn")
STATUSES = (
    "draft", "sent", "awaiting_identity", "awaiting_clarification", "extended", "overdue",
    "response_received", "refused", "escalated_organisation", "escalated_regulator", "closed",
)  # fmt: skip
# Where the legal clock is running and the person is waiting for the organisation.
OPEN_STATUSES = ("sent", "extended", "overdue", "awaiting_clarification")
DUE_SOON_DAYS = 7

# DPA 2018 s.164A: a complaint is acknowledged within 30 days beginning with the day it is
# received - receipt + 29 days, the safer reading of "beginning with".
COMPLAINT_ACK_DAYS = 29
# The ICO expects a complaint within three months of the last contact with the organisation
# (ico.org.uk, "Make a complaint").
REGULATOR_MONTHS = 3

# Events that are contact between the person and the organisation (for the ICO's clock).
_CONTACT = {
    "sent", "delivered", "acknowledged", "id_requested", "id_provided",
    "clarification_requested", "clarification_provided", "extended", "response_received",
    "refused", "reminder_sent", "complaint_to_controller", "complaint_acknowledged",
    "cca_answer_received", "cca_correction_sent",
}  # fmt: skip


@dataclass(frozen=True)
class EventValue:
    """One event as plain values. ``supersedes`` names the id of an earlier event this one
    corrects (same kind, new date/data) or retracts (kind "retracted")."""

    kind: str
    occurred_on: date
    data: Mapping[str, Any] = field(default_factory=dict)
    id: int | None = None
    supersedes: int | None = None


@dataclass(frozen=True)
class DrpStatus:
    """The Data Rights Protocol's view (v0.9 §3.02): status and optional reason."""

    status: str | None  # None: a draft, which DRP has no name for (not yet submitted)
    reason: str | None = None


@dataclass(frozen=True)
class CaseState:
    status: str
    outcome: str  # complete/partial (response_received), fulfilled/abandoned/withdrawn (closed)
    due: date | None
    days_left: int | None  # None where no clock is running for the person to watch
    deadline: Deadline | None
    receipt: date | None  # when the organisation received the request
    receipt_assumed: bool  # posted, no delivery date entered: deemed receipt
    sent_on: date | None
    channel: str
    overdue: bool  # the deadline passed without a complete reply or a refusal
    extension_invalid: bool
    complaint_sent_on: date | None
    complaint_receipt: date | None
    complaint_ack_due: date | None
    complaint_acknowledged: bool
    complaint_ack_late: bool
    last_contact: date | None
    regulator_by: date | None  # UK: complain to the ICO within three months of last contact
    drp: DrpStatus
    events: tuple[EventValue, ...]  # the effective events, in date order

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def group(self) -> str:
        """The "what needs doing" group: overdue, due_soon, to_send, waiting or done."""
        if self.status == "overdue" or self.complaint_ack_late_open or (
                self.overdue and self.status == "response_received"):  # incomplete and late
            return "overdue"
        if self.is_open and self.days_left is not None and self.days_left <= DUE_SOON_DAYS:
            return "due_soon"
        if self.status == "draft":
            return "to_send"
        if self.status in ("closed", "refused", "escalated_regulator") or (
            self.status == "response_received" and self.outcome == "complete"
        ):
            return "done"
        return "waiting"

    @property
    def drp_status(self) -> str | None:
        return drp_status(self)

    @property
    def complaint_ack_late_open(self) -> bool:
        return self.complaint_ack_late and self.status == "escalated_organisation"


def post_days_for(person: Mapping[str, Any] | None, recipient: Mapping[str, Any] | None) -> int:
    """Working days a posted request (its stored person and recipient) is allowed to arrive:
    the first-class figure at home, more where it crosses a border (nothing fixes a delivery
    time for post abroad; the letter says the same: compose.received_date)."""
    abroad = is_international((person or {}).get("country") or "gb",
                              (recipient or {}).get("country") or "gb")
    return deadlines.INTERNATIONAL_POST_DAYS if abroad else deadlines.FIRST_CLASS_POST_DAYS


def effective_events(events: Sequence[EventValue]) -> tuple[EventValue, ...]:
    """The log with corrections applied: a superseded event gives way to the one that
    supersedes it; a retraction removes its target and itself. Sorted by date, then id."""
    superseded = {e.supersedes for e in events if e.supersedes is not None}
    kept = [e for e in events if e.id not in superseded and e.kind != "retracted"]
    return tuple(sorted(kept, key=lambda e: (e.occurred_on, e.id or 0)))


def receipt_of(sent: date, channel: str, *, jurisdiction: str, region: str,
               post_days: int = deadlines.FIRST_CLASS_POST_DAYS) -> date:
    """Email and web forms arrive the day they are sent; a letter is deemed received on the
    second working day after first-class posting (issue 4 item 3, deadlines.deemed_receipt),
    or after ``post_days`` working days where it crosses a border (as its letter says:
    compose.received_date)."""
    if channel == "letter":
        return deadlines.deemed_receipt(sent, jurisdiction=jurisdiction, region=region,
                                        working_days=post_days)
    return sent


def complaint_ack_due(receipt: date) -> date:
    return receipt + timedelta(days=COMPLAINT_ACK_DAYS)


@dataclass
class _Walk:
    """What the events say, gathered in date order."""

    phase: str = "draft"
    before_escalation: str = "draft"
    outcome: str = ""
    sent: date | None = None
    channel: str = ""
    delivered: date | None = None
    acknowledged: bool = False
    awaiting_id: bool = False
    id_received: date | None = None
    pauses: list[Pause] = field(default_factory=list)
    pause_open: date | None = None
    extension_notified: date | None = None
    complaint: EventValue | None = None
    complaint_acknowledged: bool = False
    last_contact: date | None = None


def reply_completeness(data: Mapping[str, Any]) -> str | None:
    """complete / partial / None (not all marked yet) from a ``reply_checked`` event's data:
    its marks name every item of the checklist it snapshots."""
    marks = data.get("marks")
    if not isinstance(marks, Mapping):
        return None
    items = tuple(ALL_ITEMS[code] for code in marks if code in ALL_ITEMS)
    return completeness(dict(marks), items)


def outstanding_codes(data: Mapping[str, Any]) -> tuple[str, ...]:
    """The items a ``reply_checked`` snapshot marks as missing or partly answered."""
    marks = data.get("marks")
    return tuple(c for c, m in marks.items() if m in OUTSTANDING) if isinstance(marks, Mapping) else ()


def _replied(w: _Walk) -> bool:
    """A reply is what the checklist judges: received, possibly complained about since."""
    return w.phase == "response_received" or (
        w.phase.startswith("escalated") and w.before_escalation == "response_received")


def _clock_phase(walk: _Walk) -> str:
    return "extended" if walk.extension_notified else "sent"


def _walk(events: Sequence[EventValue], calendar: dict[str, str]) -> _Walk:
    w = _Walk()
    for e in events:
        if w.phase == "closed":
            break  # closing is final; later entries stay in the log but change nothing
        if e.kind in _CONTACT:
            w.last_contact = e.occurred_on
        kind, day = e.kind, e.occurred_on
        if kind == "sent" and w.sent is None:
            w.sent, w.channel = day, str(e.data.get("channel") or "letter")
            w.phase = "sent"
        elif kind == "delivered":
            w.delivered = day
        elif kind == "acknowledged":
            w.acknowledged = True
        elif kind == "id_requested":
            w.awaiting_id, w.phase = True, "awaiting_identity"
        elif kind == "id_provided":
            channel = str(e.data.get("channel") or "email")
            w.id_received = receipt_of(day, channel, **calendar)
            if w.awaiting_id:
                w.awaiting_id, w.phase = False, _clock_phase(w)
        elif kind == "clarification_requested":
            w.pause_open, w.phase = day, "awaiting_clarification"
        elif kind == "clarification_provided" and w.pause_open is not None:
            w.pauses.append(Pause(w.pause_open, max(day, w.pause_open)))
            w.pause_open, w.phase = None, _clock_phase(w)
        elif kind == "extended":
            w.extension_notified = day
            if w.phase == "sent":
                w.phase = "extended"
        elif kind == "response_received":
            w.phase = "response_received"
            judged = e.data.get("completeness")
            unjudged = judged is None and e.data.get("source") == REPLY_INTAKE
            w.outcome = "partial" if judged == "partial" else ("" if unjudged else "complete")
        elif kind == "reply_checked" and _replied(w):
            w.outcome = reply_completeness(e.data) or w.outcome
        elif kind == "refused":
            w.phase, w.outcome = "refused", ""
        elif kind == "cca_answer_received":
            # A credit reference agency's answer under CCA 1974 s.159(2) also answers the
            # rectification request: taking no action refuses it, removing or amending acts on it.
            if e.data.get("answer_outcome") == "no_action":
                w.phase, w.outcome = "refused", ""
            else:
                w.phase, w.outcome = "response_received", "complete"
        elif kind in ("complaint_to_controller", "complaint_to_regulator"):
            if not w.phase.startswith("escalated"):
                w.before_escalation = w.phase
            w.phase = "escalated_organisation" if kind == "complaint_to_controller" else (
                "escalated_regulator")
            if kind == "complaint_to_controller":
                w.complaint, w.complaint_acknowledged = e, False
        elif kind == "complaint_acknowledged":
            w.complaint_acknowledged = True
        elif kind in ("withdrawn", "closed"):
            w.phase = "closed"
            outcome = "withdrawn" if kind == "withdrawn" else str(e.data.get("outcome") or "")
            w.outcome = outcome if outcome in CLOSE_OUTCOMES else "fulfilled"
    return w


def _deadline(w: _Walk, receipt: date, today: date, calendar: dict[str, str]) -> Deadline:
    # Dates entered by a person are checked when recorded; here they are clamped anyway so
    # an odd log can never make the clock raise.
    pauses = [Pause(max(p.start, receipt), max(p.end, receipt)) for p in w.pauses]
    if w.pause_open is not None:
        start = max(w.pause_open, receipt)
        pauses.append(Pause(start, max(today, start)))  # still waiting: paused up to today
    return deadlines.compute_deadline(
        receipt,
        **calendar,
        id_received=max(w.id_received, receipt) if w.id_received else None,
        pauses=tuple(pauses),
        extension_notified=(
            max(w.extension_notified, receipt) if w.extension_notified else None
        ),
    )


def derive(
    events: Sequence[EventValue], *, today: date, jurisdiction: str, region: str,
    post_days: int = deadlines.FIRST_CLASS_POST_DAYS,
) -> CaseState:
    """Where a request stands on ``today``. ``jurisdiction``/``region`` select the holiday
    calendar of the organisation's location (compose.calendar_for); ``post_days`` is how long
    the request letter is taken to travel (more where it goes abroad: post_days_for)."""
    calendar = {"jurisdiction": jurisdiction, "region": region}
    effective = effective_events(events)
    w = _walk(effective, calendar)

    receipt = deadline = None
    assumed = False
    if w.sent is not None:
        if w.channel == "letter" and w.delivered is not None and w.delivered >= w.sent:
            receipt = w.delivered
        else:
            receipt = receipt_of(w.sent, w.channel, post_days=post_days, **calendar)
            assumed = w.channel == "letter"
        if not w.awaiting_id:  # the month restarts when the identity information arrives
            deadline = _deadline(w, receipt, today, calendar)

    due = deadline.due if deadline else None
    # Settled: the organisation gave its answer (a complete reply or a refusal), or the case
    # is closed. A complaint about such an answer does not make the request overdue.
    phase = w.before_escalation if w.phase.startswith("escalated") else w.phase
    settled = phase in ("refused", "closed") or (
        phase == "response_received" and w.outcome == "complete")
    overdue = due is not None and today > due and not settled
    status = w.phase
    if status in ("sent", "extended"):
        status = "overdue" if overdue else ("extended" if deadline and deadline.extended else "sent")
    days_left = (due - today).days if due is not None and not settled else None

    complaint_sent = complaint_receipt = ack_due = None
    if w.complaint is not None:
        complaint_sent = w.complaint.occurred_on
        complaint_receipt = receipt_of(
            complaint_sent, str(w.complaint.data.get("channel") or "letter"), **calendar)
        # s.164A is UK law, in force from 19 June 2026 (DUAA 2025; rights.py).
        if jurisdiction == "uk" and complaint_sent >= CONTROLLER_COMPLAINTS_FROM:
            ack_due = complaint_ack_due(complaint_receipt)
    ack_late = ack_due is not None and not w.complaint_acknowledged and today > ack_due and (
        w.phase != "closed")
    regulator_by = None
    if jurisdiction == "uk" and w.last_contact is not None:
        regulator_by = deadlines.add_months(w.last_contact, REGULATOR_MONTHS)

    return CaseState(
        status=status, outcome=w.outcome, due=due, days_left=days_left, deadline=deadline,
        receipt=receipt, receipt_assumed=assumed, sent_on=w.sent, channel=w.channel,
        overdue=overdue, extension_invalid=bool(deadline and deadline.extension_invalid),
        complaint_sent_on=complaint_sent, complaint_receipt=complaint_receipt,
        complaint_ack_due=ack_due, complaint_acknowledged=w.complaint_acknowledged,
        complaint_ack_late=ack_late, last_contact=w.last_contact, regulator_by=regulator_by,
        drp=_drp(w), events=effective,
    )


def _drp(w: _Walk) -> DrpStatus:
    """Our status in the Data Rights Protocol's terms (v0.9 §3.02).

    DRP's "in_progress" means the organisation acknowledged the request (or the user solved
    a verification); an overdue request is still open or in progress there, with its
    ``expected_by`` in the past. DRP "expired" is a final state, so we use it only for a
    request the person closed as abandoned. An escalation maps to the state it arose from.
    """
    phase = w.before_escalation if w.phase.startswith("escalated") else w.phase
    if phase == "draft":
        return DrpStatus(None)
    if phase == "closed":
        return DrpStatus({"fulfilled": "fulfilled", "withdrawn": "revoked",
                          "abandoned": "expired"}[w.outcome])
    if phase == "refused":
        return DrpStatus("denied", "other")
    if phase == "response_received":
        return DrpStatus("fulfilled") if w.outcome == "complete" else DrpStatus("in_progress")
    if phase == "awaiting_identity":
        return DrpStatus("in_progress", "need_user_verification")
    if phase in ("awaiting_clarification", "extended") or w.acknowledged or w.id_received:
        # The organisation has engaged with the request (acknowledged, asked something).
        return DrpStatus("in_progress")
    return DrpStatus("open")


# The Data Rights Protocol's request states (v0.9-1.0 §3.02, "status"), and the GDPR states
# we add where one DRP name would hide what the person needs to know. A DRP tool that does
# not know an extension reads ``drp.status`` (strict DRP) instead.
DRP_STATUSES = ("open", "in_progress", "fulfilled", "revoked", "denied", "expired")
DRP_EXTENSIONS = ("partial", "extended", "overdue", "escalated", "closed")


def drp_status(state: CaseState) -> str | None:
    """Our status as one word of DRP's vocabulary plus the GDPR extensions:

    - ``partial``: a reply came that the person judged incomplete (DRP: in_progress);
    - ``extended``: the organisation extended the time to reply, Art 12(3) (DRP: in_progress);
    - ``overdue``: the deadline passed with no complete reply (DRP: open or in_progress);
    - ``escalated``: a complaint to the organisation or the regulator is under way;
    - ``closed``: the person stopped pursuing it without getting what they asked for
      (DRP's nearest word, ``expired``, is a state the organisation's side declares).

    A draft has not been submitted, which DRP has no name for: None.
    """
    status = state.status
    if status == "draft":
        return None
    if status in ("extended", "overdue"):
        return status
    if status.startswith("escalated"):
        return "escalated"
    if status == "response_received" and state.outcome == "partial":
        return "partial"
    if status == "closed" and state.outcome == "abandoned":
        return "closed"
    return state.drp.status
