"""Recording what happened to a request: validate one action, append its event.

The log is append-only. An edit is a new event of the same kind that names the one it
supersedes; a mistake is withdrawn by a "retracted" event. Nothing is updated in place, so
the history a regulator sees is the history as it was recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from dsar.casework.state import refresh_request_state
from dsar.requests import credit_file
from dsar.requests import uploads as up
from dsar.requests.credit_chain import ANSWER_OUTCOMES, REFUSAL_REASONS
from dsar.requests.models import DataRequest, Event
from dsar.requests.services import case_state, created_on, event_values
from dsar.requests.status import CHANNELS, CLOSE_OUTCOMES, COMPLETENESS, CaseState, EventValue

MAX_NOTE = 2000

# The extra fields each action asks for, besides its date.
FIELDS: dict[str, tuple[str, ...]] = {
    "sent": ("channel",),
    "delivered": (),
    "acknowledged": (),
    "id_requested": ("note",),
    "id_provided": ("channel",),
    "clarification_requested": ("note",),
    "clarification_provided": ("note",),
    "extended": ("reasons",),
    "response_received": ("completeness", "note", "files"),
    "refused": ("note",),
    "reminder_sent": ("channel",),
    "complaint_to_controller": ("channel",),
    "complaint_acknowledged": (),
    "complaint_to_regulator": ("note",),
    "withdrawn": (),
    "closed": ("outcome",),
    # The credit-file chain, Consumer Credit Act 1974 s.159 (credit_chain.py); the notice of
    # correction itself is recorded from its own page, with its text (views_credit_file).
    "cca_answer_received": ("answer_outcome", "note"),
    "cca_correction_sent": ("channel",),
    "cca_correction_added": ("note",),
    "cca_correction_refused": ("reason", "note"),
}
RECORDABLE = tuple(FIELDS)
# Actions that only make sense once the request has gone to the organisation.
_AFTER_SENDING = set(RECORDABLE) - {"sent", "withdrawn", "closed"}
# What the organisation does: it cannot happen before the request reached them.
_FROM_THEM = {"acknowledged", "id_requested", "clarification_requested", "extended",
              "response_received", "refused", "cca_answer_received", "cca_correction_added",
              "cca_correction_refused"}

# The request page asks one question, "What happened?"; these are its answers, in the order
# shown (only those that fit the request's state), followed by "nothing yet".
ANSWERS = ("sent", "id_provided", "clarification_provided", "complaint_acknowledged",
           "response_received", "id_requested", "clarification_requested", "extended", "refused")
NOTHING_YET = "nothing"
# Following up: offered only once it is due (escalation_due).
ESCALATION = ("reminder_sent", "complaint_to_controller", "complaint_to_regulator")


@dataclass
class Submission:
    """Cleaned values (to re-show) and errors (field name → message) of one action form."""

    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    # Field name → message: something unlikely that the person confirms to save it as it is.
    warnings: dict = field(default_factory=dict)
    occurred_on: date | None = None
    data: dict = field(default_factory=dict)
    checked_files: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.warnings


def available_actions(state: CaseState) -> tuple[str, ...]:
    """The actions offered for a request in this state, the most likely next one first."""
    status = state.status
    if status == "closed":
        return ()
    if status == "draft":
        return ("sent", "withdrawn")
    if status == "awaiting_identity":
        return ("id_provided", "refused", "withdrawn")
    if status == "awaiting_clarification":
        return ("clarification_provided", "refused", "withdrawn")
    if status in ("response_received", "refused") and state.outcome != "partial":
        # A complete reply or a refusal: usually the end, or a complaint.
        return ("closed", "complaint_to_controller", "complaint_to_regulator", "response_received",
                "withdrawn")
    kinds = {e.kind for e in state.events}
    actions = ["response_received"]
    if status == "escalated_organisation" and not state.complaint_acknowledged:
        actions.insert(0, "complaint_acknowledged")
    if status in ("sent", "extended", "overdue"):
        if "acknowledged" not in kinds:
            actions.append("acknowledged")
        actions += ["id_requested", "clarification_requested"]
        if "extended" not in kinds:
            actions.append("extended")
    if state.channel == "letter" and "delivered" not in kinds:
        actions.append("delivered")
    if status != "refused":
        actions.append("refused")
    actions += ["reminder_sent", "complaint_to_controller", "complaint_to_regulator", "withdrawn",
                "closed"]
    return tuple(actions)


def escalation_due(state: CaseState) -> bool:
    """A reminder or a complaint makes sense only once there is something to complain about:
    the deadline passed, they refused, or the reply was incomplete (or a complaint is already
    under way). Before that, offering them only gets in the way of the next real step."""
    return state.overdue or state.status in (
        "refused", "escalated_organisation", "escalated_regulator") or (
        state.status == "response_received" and state.outcome == "partial")


def needs_action(state: CaseState) -> bool:
    """The person has something to do: answer what they were asked, or take up an incomplete
    reply or a refusal."""
    return state.status in ("awaiting_identity", "awaiting_clarification", "refused") or (
        state.status == "response_received" and state.outcome == "partial")


def question(state: CaseState) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The answers to "What happened?" for this state, and the rarer entries offered under
    "something else" (follow-ups only when they are due)."""
    actions = available_actions(state)
    answers = tuple(kind for kind in ANSWERS if kind in actions)
    due = escalation_due(state)
    others = tuple(kind for kind in actions
                   if kind not in ANSWERS and (due or kind not in ESCALATION))
    return answers, others


def earliest_date(kind: str, request: DataRequest, state: CaseState) -> date:
    """The earliest date an entry of this kind may have (what the date hint states)."""
    if kind in _AFTER_SENDING and state.sent_on is not None:
        return state.sent_on
    return created_on(request)


def default_values(today: date, event: EventValue | None = None) -> dict:
    """The form's starting values: today's date, or the edited event's values."""
    day = event.occurred_on if event else today
    values = {"date-day": str(day.day), "date-month": str(day.month), "date-year": str(day.year)}
    if event is not None:
        values.update({k: str(v) for k, v in event.data.items() if isinstance(v, str)})
    return values


def _parse_date(form, result: Submission) -> None:
    parts = {p: (form.get(f"date-{p}") or "").strip()[:8] for p in ("day", "month", "year")}
    result.values.update({f"date-{p}": v for p, v in parts.items()})
    try:
        result.occurred_on = date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        if result.occurred_on.year < 1900:
            raise ValueError
    except ValueError:
        result.errors["date-day"] = _l("Enter a real date, like 1 9 2026")


def _choice(form, result: Submission, name: str, choices, message) -> None:
    value = (form.get(name) or "").strip()
    result.values[name] = value
    if value not in choices:
        result.errors[name] = message
    else:
        result.data[name] = value


def _text(form, result: Submission, name: str) -> None:
    value = (form.get(name) or "").replace("\r\n", "\n").strip()
    result.values[name] = value[: MAX_NOTE + 1]
    if len(value) > MAX_NOTE:
        result.errors[name] = _l("Must be %(n)s characters or fewer", n=MAX_NOTE)
    elif value:
        result.data[name] = value


def _check_order(kind: str, day: date, request: DataRequest, state: CaseState, today: date,
                 result: Submission, form) -> None:
    """Dates: not before the request was written, not in the future, and in a possible order."""
    if day < created_on(request):
        result.errors["date-day"] = _l("The date cannot be before the request was written (%(date)s)",
                                       date=format_date(created_on(request), format="long"))
    elif day > today:
        result.errors["date-day"] = _l("The date cannot be in the future")
    elif kind in _AFTER_SENDING and state.sent_on is None:
        result.errors["date-day"] = _l("Record when you sent the request first")
    elif kind in _AFTER_SENDING and day < state.sent_on:
        result.errors["date-day"] = _l("The date cannot be before you sent the request (%(date)s)",
                                       date=format_date(state.sent_on, format="long"))
    elif kind == "sent" and state.sent_on is not None:
        result.errors["kind"] = _l("You have already recorded sending it: change that entry instead")
    elif kind == "sent" and any(e.kind in _AFTER_SENDING and e.occurred_on < day for e in state.events):
        first = min(e.occurred_on for e in state.events if e.kind in _AFTER_SENDING)
        result.errors["date-day"] = _l("The date cannot be after later entries (%(date)s)",
                                       date=format_date(first, format="long"))
    elif kind in _FROM_THEM and state.receipt is not None and day < state.receipt and (
            form.get("date_confirmed") != "yes"):
        # Possible (a letter can arrive early, a reply can be misdated) but worth a second look.
        result.warnings["date-day"] = _l(
            "This is before %(date)s, the day your request most likely reached them. Check the "
            "date on their reply. If it is right, confirm it below and save again.",
            date=format_date(state.receipt, format="long"))
    elif kind == "clarification_provided" and state.status != "awaiting_clarification":
        result.errors["kind"] = _l("Record the organisation's question first")
    else:
        asked = {"id_provided": "id_requested", "clarification_provided": "clarification_requested",
                 "complaint_acknowledged": "complaint_to_controller"}.get(kind)
        earlier = [e.occurred_on for e in state.events if e.kind == asked]
        if earlier and day < max(earlier):
            result.errors["date-day"] = _l("The date cannot be before the date they asked (%(date)s)",
                                           date=format_date(max(earlier), format="long"))


def validate(form, files: list[up.IncomingFile], *, kind: str, request: DataRequest,
             today: date, superseding: EventValue | None = None) -> Submission:
    """Check one action form. When editing, the state is judged without the edited event."""
    result = Submission()
    if kind not in FIELDS:
        result.errors["kind"] = _l("Choose what happened")
        return result
    events = event_values(request)
    if superseding is not None:
        events = [e for e in events if e.id != superseding.id]
    state = case_state(request, today, events)
    _parse_date(form, result)
    for name in FIELDS[kind]:
        if name == "channel":
            _choice(form, result, name, CHANNELS, _l("Choose how it was sent"))
        elif name == "completeness":
            _choice(form, result, name, COMPLETENESS, _l("Say whether the reply was complete"))
        elif name == "outcome":
            _choice(form, result, name, CLOSE_OUTCOMES, _l("Choose why you are closing the request"))
        elif name == "answer_outcome":
            _choice(form, result, name, ANSWER_OUTCOMES, _l("Choose what they told you"))
        elif name == "reason":
            _choice(form, result, name, REFUSAL_REASONS, _l("Choose what happened"))
        elif name in ("note", "reasons"):
            _text(form, result, name)
    if result.occurred_on is not None and "date-day" not in result.errors:
        _check_order(kind, result.occurred_on, request, state, today, result, form)
    if result.occurred_on is not None and not result.errors:
        problem = credit_file.entry_error(request, kind, result.occurred_on, result.data, state,
                                          today)
        if problem is not None:
            result.errors[problem[0]] = problem[1]
    if "files" in FIELDS[kind] and files:
        try:
            result.checked_files = up.check(files)
        except up.UploadError as exc:
            result.errors["files"] = exc.args[0]
    if superseding is not None and "files" in superseding.data:
        result.data["files"] = list(superseding.data["files"])  # an edit keeps its files
    if superseding is not None and "text" in superseding.data:
        result.data["text"] = superseding.data["text"]  # and a notice of correction its text
    return result


def record(session: Session, request: DataRequest, kind: str, submission: Submission,
           uploads_dir: Path, supersedes: int | None = None) -> Event:
    """Append the event (and store its files). The caller commits."""
    data = dict(submission.data)
    if submission.checked_files:
        stored = up.store(session, request, submission.checked_files, uploads_dir)
        data["files"] = list(data.get("files", [])) + [u.public_id for u in stored]
    assert submission.occurred_on is not None
    event = Event(request_id=request.id, kind=kind, occurred_on=submission.occurred_on,
                  data=data, supersedes_id=supersedes)
    session.add(event)
    session.flush()
    session.expire(request, ["events"])
    refresh_request_state(session, request)
    return event


def editable_event(request: DataRequest, event_id: int) -> EventValue | None:
    """An event of this request that is still in effect and may be corrected."""
    events = event_values(request)
    superseded = {e.supersedes for e in events if e.supersedes is not None}
    for e in events:
        if e.id == event_id and e.id not in superseded and e.kind in FIELDS:
            return e
    return None


def can_retract(request: DataRequest, event: EventValue) -> bool:
    """Anything but the creation, and "sent" only while nothing else depends on it."""
    if event.kind == "created":
        return False
    if event.kind == "sent":
        others = [e for e in event_values(request) if e.kind in _AFTER_SENDING]
        return editable_event(request, event.id or 0) is not None and not any(
            editable_event(request, e.id or 0) for e in others)
    return True


def retract(session: Session, request: DataRequest, event: EventValue, today: date) -> Event:
    """Mark an entry as recorded by mistake: a new event, the old row stays."""
    retraction = Event(request_id=request.id, kind="retracted", occurred_on=today,
                       data={"kind": event.kind}, supersedes_id=event.id)
    session.add(retraction)
    session.flush()
    session.expire(request, ["events"])
    refresh_request_state(session, request, today)
    return retraction
