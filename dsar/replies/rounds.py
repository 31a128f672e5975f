"""Periodic re-requests (issue 13 item 6): a request repeated as a new round whose letter
names the previous one; the interval the person chooses, the next round's due date and its
reminder; and the comparison of two rounds' recorded facts and checklists.

Services: a session and plain values in, rows out; no Flask request object.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar import deadlines
from dsar.replies import diff
from dsar.replies.cascade import current_facts
from dsar.requests.models import DataRequest
from dsar.requests.services import case_state, create_request, created_on, event_values
from dsar.requests.status import effective_events
from dsar.rights import UnknownRight, get_right

MAX_INTERVAL_MONTHS = 60
# Keys of a request's details that belong to that one letter, not to its next round.
_NOT_REPEATED = ("letter_date", "previous_request", "original_reference")
MAX_ROUNDS = 100  # a series longer than this is not followed further (a cycle, or a mistake)


def can_repeat(request: DataRequest) -> bool:
    """Requests that ask for data (access and the packs that include it): the ones that may be
    repeated "at reasonable intervals" (GDPR Recital 63)."""
    try:
        return get_right(request.right).finds_data
    except UnknownRight:
        return False


def _sent_or_written(request: DataRequest, today: date) -> date:
    return case_state(request, today).sent_on or created_on(request)


def repeat(session: Session, previous: DataRequest, today: date) -> DataRequest:
    """The next round: the same organisation, kind, law, language and person, a new letter
    and clock; the letter says when the previous request was made and under what reference."""
    details = {k: v for k, v in (previous.details or {}).items() if k not in _NOT_REPEATED}
    details["previous_request"] = {
        "on": _sent_or_written(previous, today).isoformat(),
        "reference": (previous.details or {}).get("original_reference") or previous.reference,
    }
    new_round = create_request(
        session, previous.workspace, right=previous.right, jurisdiction=previous.jurisdiction,
        language=previous.language, org_slug=previous.org_slug, recipient=dict(previous.recipient),
        person=dict(previous.person), details=details, today=today)
    new_round.previous_round_id = previous.id
    new_round.parent_id = previous.parent_id
    new_round.repeat_months = previous.repeat_months
    session.flush()
    return new_round


def set_interval(request: DataRequest, months: int | None) -> None:
    if months is not None and not 1 <= months <= MAX_INTERVAL_MONTHS:
        raise ValueError(f"interval must be 1 to {MAX_INTERVAL_MONTHS} months")
    request.repeat_months = months


def next_round(session: Session, request: DataRequest) -> DataRequest | None:
    return session.scalar(select(DataRequest).where(
        DataRequest.workspace_id == request.workspace_id,
        DataRequest.previous_round_id == request.id).order_by(DataRequest.id))


def previous_round(session: Session, request: DataRequest) -> DataRequest | None:
    if request.previous_round_id is None:
        return None
    found = session.get(DataRequest, request.previous_round_id)
    return found if found is not None and found.workspace_id == request.workspace_id else None


def next_round_due(request: DataRequest, today: date) -> date | None:
    """When the person meant to make the next round: the interval after this one was sent
    (or written, while it is not sent). None without an interval."""
    if not request.repeat_months:
        return None
    return deadlines.add_months(_sent_or_written(request, today), request.repeat_months)


def rounds(session: Session, request: DataRequest) -> list[DataRequest]:
    """Every round of this request's series, the first first."""
    series, seen = [request], {request.id}
    current = request
    while (earlier := previous_round(session, current)) is not None and earlier.id not in seen:
        series.insert(0, earlier)
        seen.add(earlier.id)
        current = earlier
        if len(series) > MAX_ROUNDS:
            break
    current = request
    while (later := next_round(session, current)) is not None and later.id not in seen:
        series.append(later)
        seen.add(later.id)
        current = later
        if len(series) > MAX_ROUNDS:
            break
    return series


def latest_marks(request: DataRequest) -> dict[str, str]:
    """The checklist marks of the reply, as the reply checklist records them (the latest
    ``reply_checked`` event in effect: ``{"marks": {item code: mark or None}}``); an item
    not marked yet is left out."""
    checked = [e for e in effective_events(event_values(request)) if e.kind == "reply_checked"]
    marks = checked[-1].data.get("marks") if checked else None
    return {str(k): str(v) for k, v in marks.items() if v} if isinstance(marks, dict) else {}


@dataclass(frozen=True)
class Comparison:
    before: DataRequest
    after: DataRequest
    changes: list[diff.Change]
    recorded: bool  # both rounds have recorded facts or checklist marks to compare

    @property
    def new_recipients(self) -> list[str]:
        return diff.new_recipients(self.changes)


def compare_rounds(before: DataRequest, after: DataRequest) -> Comparison:
    facts_before, facts_after = current_facts(before), current_facts(after)
    marks_before, marks_after = latest_marks(before), latest_marks(after)
    changes = diff.compare(facts_before, facts_after, before_marks=marks_before,
                           after_marks=marks_after)
    recorded = (not facts_before.empty or bool(marks_before)) and (
        not facts_after.empty or bool(marks_after))
    return Comparison(before, after, changes, recorded)


def repeated_ids(session: Session, workspace_ids) -> set[int]:
    """The requests of these workspaces that a later round already repeats."""
    return set(session.scalars(select(DataRequest.previous_round_id).where(
        DataRequest.workspace_id.in_(list(workspace_ids)),
        DataRequest.previous_round_id.is_not(None))))


def round_reminders(request: DataRequest, repeated: set[int], today: date) -> list[tuple[str, date]]:
    """("next_round_due", date) once the next round is due and not made yet."""
    due = next_round_due(request, today)
    if due is None or request.id in repeated or due > today:
        return []
    return [("next_round_due", due)]
