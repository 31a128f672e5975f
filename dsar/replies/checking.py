"""The person's marks on the reply checklist, kept as ``reply_checked`` events.

Each save appends one event holding a full snapshot, ``{"marks": {code: mark or None}}``,
with every item of the request's checklist (None: not marked yet). The latest one in effect
is the current checklist; the older ones stay in the history. ``status.derive`` reads the
same events for the reply's completeness (complete / partial).
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from dsar.casework.state import refresh_request_state
from dsar.replies.checklist import MARKS, OUTSTANDING, Item, items_for
from dsar.requests.models import DataRequest, Event
from dsar.requests.status import CaseState, reply_completeness
from dsar.rights import UnknownRight, get_right

KIND = "reply_checked"


def request_items(request: DataRequest) -> tuple[Item, ...]:
    """What the request's letter asked for (a pack: every part's items)."""
    try:
        parts = get_right(request.right).parts
    except UnknownRight:
        return ()
    return items_for(parts)


def current_marks(state: CaseState) -> dict[str, str | None]:
    """The latest checklist in effect ({} when none was saved)."""
    latest = next((e for e in reversed(state.events) if e.kind == KIND), None)
    marks = latest.data.get("marks") if latest is not None else None
    return dict(marks) if isinstance(marks, dict) else {}


def summary(marks: dict) -> dict:
    """complete / partial / None, and the codes still outstanding, for the page."""
    return {"completeness": reply_completeness({"marks": marks}) if marks else None,
            "outstanding": [code for code, mark in marks.items() if mark in OUTSTANDING]}


def validate(form, items: tuple[Item, ...]) -> tuple[dict[str, str | None], dict]:
    """The snapshot the form describes, and errors (an unknown mark, or nothing marked)."""
    marks: dict[str, str | None] = {}
    errors = {}
    for item in items:
        value = (form.get(f"mark-{item.code}") or "").strip()
        if value and value not in MARKS:
            errors[f"mark-{item.code}"] = _l("Choose one of the answers")
        marks[item.code] = value or None
    if not errors and not any(marks.values()):
        first = items[0].code if items else "checklist"
        errors[f"mark-{first}"] = _l("Mark at least one item before saving")
    return marks, errors


def save(session: Session, request: DataRequest, marks: dict[str, str | None], today: date) -> Event:
    """Append the snapshot (the caller commits)."""
    event = Event(request_id=request.id, kind=KIND, occurred_on=today, data={"marks": marks})
    session.add(event)
    session.flush()
    session.expire(request, ["events"])
    refresh_request_state(session, request, today)
    return event
