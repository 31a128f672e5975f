"""Keeping the caseload's cache (``RequestState``) in step with the events, and the SQL that
reads "today" into it.

The truth is the event log: ``refresh_request_state`` re-derives a request's row whenever an
event is added or retracted (the hooks in dsar/requests/services.py and tracking.py), and
``refresh_states`` rebuilds any set of rows (the ``caseload refresh`` command, the rows whose
clarification pause keeps moving the due date). What depends on today is not stored: the
expressions below compare the stored dates with today as a bound parameter, so the answer
for any day matches ``derive()`` on that day (tests/casework/test_caseload_state.py proves it
on random event logs).

Every change to a team's rows also replaces the team's random stamp (``CaseloadStamp``): what
is worked out from the rows and kept between requests (the caseload's counts, "nothing is
stale today") is kept in ``memo()`` under the stamp it was worked out at, so it is used again
only while nothing has changed. Bulk deletes that reach the rows by cascade (a client's whole
file deleted) replace every team's stamp (``_deleted``)."""

from __future__ import annotations

import secrets
import threading
import weakref
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Sequence
from datetime import date, timedelta

from sqlalchemy import and_, bindparam, delete, event, insert, inspect, not_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import ORMExecuteState, Session, selectinload
from sqlalchemy.sql.elements import ColumnElement

from dsar.casework.models import NO_DUE, CaseloadStamp, Client, RequestState
from dsar.letters.compose import calendar_for
from dsar.letters.inputs import recipient_from_dict
from dsar.requests.models import DataRequest, Event
from dsar.requests.status import DUE_SOON_DAYS, CaseState, EventValue, derive, post_days_for

CLOCK_STATUSES = ("sent", "extended")
REVIEW_STATUSES = ("response_received", "refused")  # the organisation answered: read it, decide
ORGANISATION_LENGTH = 200
_BATCH = 500


def pause_running(events: Sequence[EventValue]) -> bool:
    """Whether a clarification pause is still open (the same reading as status._walk): then
    the clock is stopped up to today, so the due date moves on every day."""
    running = False
    for e in events:
        if e.kind in ("withdrawn", "closed"):
            break
        if e.kind == "clarification_requested":
            running = True
        elif e.kind == "clarification_provided":
            running = False
    return running


def last_reminder(state: CaseState) -> date | None:
    return max((e.occurred_on for e in state.events if e.kind == "reminder_sent"), default=None)


def overdue_from(status: str, due: date | None, settled: bool, ack_due: date | None) -> date:
    """The day after the date whose passing makes a request overdue (CaseState.group): the
    due date of a running clock or of an incomplete reply, the date a complaint to the
    organisation should have been acknowledged by."""
    if status in (*CLOCK_STATUSES, "response_received") and due is not None and not settled:
        return due + timedelta(days=1)
    if status == "escalated_organisation" and ack_due is not None:
        return ack_due + timedelta(days=1)
    return NO_DUE


def state_values(state: CaseState) -> dict:
    """The columns that describe ``state`` without reference to the day it was derived on."""
    status = state.status
    if status == "overdue":  # the clock's own status; the query decides whether it has passed
        status = "extended" if state.deadline is not None and state.deadline.extended else "sent"
    settled = state.due is not None and state.days_left is None
    ack_due = None if state.complaint_acknowledged else state.complaint_ack_due
    return {
        "status": status, "outcome": state.outcome, "due_on": state.due or NO_DUE, "settled": settled,
        "overdue_from": overdue_from(status, state.due, settled, ack_due),
        "pause_running": state.deadline is not None and pause_running(state.events),
        "complaint_ack_due": ack_due,
        "reminded_on": last_reminder(state),
    }


def organisation_key(name: str) -> str:
    """How organisation names are compared: case and spacing do not matter."""
    return " ".join(name.casefold().split())[:ORGANISATION_LENGTH]


def _derived(request: DataRequest, day: date) -> CaseState:
    """What requests.services.case_state() says (that module calls the hook below, so it is
    not imported here; the property test compares the two)."""
    events = [EventValue(e.kind, e.occurred_on, dict(e.data or {}), e.id, e.supersedes_id)
              for e in request.events]
    return derive(events, today=day, post_days=post_days_for(request.person, request.recipient),
                  **calendar_for(recipient_from_dict(request.recipient)))


def _row(request: DataRequest, owner, day: date) -> dict:
    client_id, team_id, caseworker_id = owner
    organisation = str((request.recipient or {}).get("name", ""))[:ORGANISATION_LENGTH]
    return {
        "request_id": request.id, "team_id": team_id, "client_id": client_id,
        "caseworker_id": caseworker_id, "right": request.right, "organisation": organisation,
        "organisation_key": organisation_key(organisation), "computed_on": day,
        **state_values(_derived(request, day)),
    }


def refresh_request_state(session: Session, request: DataRequest, today: date | None = None) -> None:
    """Re-derive one request's row after its events changed. A citizen's own request (not a
    team's client's) belongs to no caseload and has no row."""
    owner = session.execute(select(Client.id, Client.team_id, Client.caseworker_id)
                            .where(Client.workspace_id == request.workspace_id)).first()
    if owner is None:
        return
    values = _row(request, owner, today or date.today())
    row = session.get(RequestState, request.id)
    if row is None:
        session.add(RequestState(**values))
    else:
        for name, value in values.items():
            setattr(row, name, value)
    restamp(session, [values["team_id"]])


def refresh_states(session: Session, today: date, *, team_id: int | None = None,
                   request_ids: Iterable[int] | None = None) -> int:
    """Rebuild the rows of every client request (of one team, or only the given requests),
    adding any that are missing, in batches. Returns how many rows were written."""
    query = (select(DataRequest, Client.id, Client.team_id, Client.caseworker_id)
             .join(Client, Client.workspace_id == DataRequest.workspace_id)
             .options(selectinload(DataRequest.events)).order_by(DataRequest.id))
    if team_id is not None:
        query = query.where(Client.team_id == team_id)
    written, teams = 0, set()
    known = set(session.identity_map.keys())  # the caller's objects stay in its session
    for batch in _batches(session, query, None if request_ids is None else sorted(set(request_ids))):
        rows = [_row(request, owner, today) for request, *owner in batch]
        teams |= {row["team_id"] for row in rows}
        ids = [row["request_id"] for row in rows]
        session.execute(delete(RequestState).where(RequestState.request_id.in_(ids)))
        session.execute(insert(RequestState), rows)
        for request, *_owner in batch:  # keep memory flat over 100,000 requests
            for loaded in (*request.events, request):
                if inspect(loaded).key not in known:
                    session.expunge(loaded)
        written += len(rows)
    restamp(session, teams)
    return written


def _batches(session: Session, query, wanted: list[int] | None):
    if wanted is not None:
        for start in range(0, len(wanted), _BATCH):
            yield session.execute(query.where(DataRequest.id.in_(wanted[start:start + _BATCH]))).all()
        return
    after = 0
    while batch := session.execute(query.where(DataRequest.id > after).limit(_BATCH)).all():
        after = batch[-1][0].id
        yield batch


def refresh_stale(session: Session, team_id: int, today: date) -> int:
    """Re-derive the rows whose due date moves with the day (a running clarification pause)
    and were last derived on another day. Usually none: the cron command does it nightly,
    and once a process has found none for this stamp and day it does not look again."""
    clean = ("clean", team_id, stamp_of(session, team_id), today)
    if memo(session).get(clean):
        return 0
    stale = list(session.scalars(select(RequestState.request_id).where(
        RequestState.team_id == team_id, RequestState.pause_running.is_(True),
        RequestState.computed_on != today)))
    if not stale:
        memo(session).put(clean, True)
        return 0
    return refresh_states(session, today, team_id=team_id, request_ids=stale)


def move_clients(session: Session, client_ids: Sequence[int], caseworker_id: int) -> None:
    """Hand-over: the copied caseworker follows the client."""
    session.execute(update(RequestState).where(RequestState.client_id.in_(client_ids))
                    .values(caseworker_id=caseworker_id))
    restamp(session, session.scalars(select(Client.team_id).where(Client.id.in_(client_ids)).distinct()))


# --- every event, whoever wrote it ------------------------------------------------------------
# The functions that write events re-derive the row at once (recording and retracting in
# dsar/requests/tracking.py, a letter posted the day it is written, a shared case's copy); a
# writer that forgets is caught here: the requests whose events were flushed are re-derived
# before the commit, so the counts kept under the stamp never outlive an event.


@event.listens_for(Session, "after_flush")
def _events_flushed(session: Session, _context) -> None:
    requests = {o.request_id for o in session.new if isinstance(o, Event)}
    if requests:
        session.info.setdefault("caseload_events", set()).update(requests)


@event.listens_for(Session, "before_commit")
def _refresh_before_commit(session: Session) -> None:
    while requests := session.info.pop("caseload_events", None):  # refreshing may flush more
        for request_id in sorted(requests):
            request = session.get(DataRequest, request_id)
            if request is not None:
                session.expire(request, ["events"])  # added by id, not through the relationship
                refresh_request_state(session, request)


@event.listens_for(Session, "after_rollback")
def _forget_events(session: Session) -> None:
    session.info.pop("caseload_events", None)


# --- the stamp, and what is kept under it ----------------------------------------------------


_STAMP = select(CaseloadStamp.__table__.c.stamp).where(CaseloadStamp.__table__.c.team_id == bindparam("team"))


def stamp_of(session: Session, team_id: int) -> int | None:
    """The team's stamp now (None before its rows first changed): read once in a transaction,
    which sees one snapshot of the database, and kept in it until it ends."""
    stamps = session.info.setdefault("caseload_stamps", {})
    if team_id not in stamps:
        stamps[team_id] = session.scalar(_STAMP, {"team": team_id})
    return stamps[team_id]


@event.listens_for(Session, "after_transaction_end")
def _forget_stamps(session: Session, _transaction) -> None:
    session.info.pop("caseload_stamps", None)


def restamp(session: Session, team_ids: Iterable[int] | None) -> None:
    """A new random stamp for these teams (every team: None), in the caller's transaction, so
    the stamp changes exactly when the rows do. Random rather than counted: no two databases
    (or a database restored from a copy) hand out the same stamp for different rows."""
    table = CaseloadStamp.__table__
    session.info.pop("caseload_stamps", None)
    if team_ids is None:
        session.execute(table.update().values(stamp=secrets.randbits(62)))
        return
    rows = [{"team_id": team_id, "stamp": secrets.randbits(62)} for team_id in sorted(set(team_ids))]
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):  # one statement, safe against a concurrent first stamp
        upsert = (sqlite.insert if dialect == "sqlite" else postgresql.insert)(table)
        session.execute(upsert.on_conflict_do_update(index_elements=[table.c.team_id],
                                                     set_={"stamp": upsert.excluded.stamp}), rows)
        return
    for row in rows:
        if not session.execute(table.update().where(table.c.team_id == row["team_id"])
                               .values(stamp=row["stamp"])).rowcount:
            session.execute(table.insert().values(row))


# A client's, a request's or a workspace's rows deleted take their cached states with them by
# cascade (the database does it, no code here runs): every team gets a new stamp.
_CASCADING = frozenset({"client", "workspace", "request", "request_state"})


@event.listens_for(Session, "do_orm_execute")
def _deleted(execute: ORMExecuteState) -> None:
    if execute.is_delete and getattr(execute.statement, "table", None) is not None and (
            execute.statement.table.name in _CASCADING):
        restamp(execute.session, None)


@event.listens_for(Session, "before_flush")
def _deleted_objects(session: Session, _context, _instances) -> None:
    if any(getattr(getattr(o, "__table__", None), "name", None) in _CASCADING for o in session.deleted):
        restamp(session, None)


class Memo:
    """What one process keeps about one database, keys including the stamp they were worked
    out at (least recently used first out); shared by the threads of the process."""

    SIZE = 4096

    def __init__(self) -> None:
        self._values: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable):
        with self._lock:
            if key not in self._values:
                return None
            self._values.move_to_end(key)
            return self._values[key]

    def put(self, key: Hashable, value: object) -> None:
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.SIZE:
                self._values.popitem(last=False)


_MEMOS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_MEMOS_LOCK = threading.Lock()


def memo(session: Session) -> Memo:
    """The memo of the session's database (its engine: each test's database has its own)."""
    engine = session.get_bind()
    engine = getattr(engine, "engine", engine)
    with _MEMOS_LOCK:
        found = _MEMOS.get(engine)
        if found is None:
            found = _MEMOS[engine] = Memo()
        return found


# --- today, in SQL ------------------------------------------------------------------------


def clock_late(today: date) -> ColumnElement[bool]:
    """Sent (or extended) and the due date has passed: derive() calls this "overdue"."""
    return and_(RequestState.status.in_(CLOCK_STATUSES), RequestState.due_on < today)


def is_overdue(today: date) -> ColumnElement[bool]:
    """CaseState.group == "overdue": the clock ran out, an incomplete reply came late, or a
    complaint to the organisation went unacknowledged past its date."""
    return RequestState.overdue_from <= today


def is_due_soon(today, soon=None) -> ColumnElement[bool]:
    """CaseState.group == "due_soon": the clock runs and ends within the week (a clock paused
    for clarification counts even when its date has passed). ``soon``: the week's end, given
    with ``today`` when both are bound parameters."""
    soon = today + timedelta(days=DUE_SOON_DAYS) if soon is None else soon
    return and_(RequestState.status.in_((*CLOCK_STATUSES, "awaiting_clarification")),
                RequestState.due_on <= soon, not_(clock_late(today)))


def needs_review() -> ColumnElement[bool]:
    return RequestState.status.in_(REVIEW_STATUSES)


def organisation_range(text: str) -> tuple[str, str]:
    """Every folded name that starts with the folded ``text`` sorts between it and it followed
    by the highest code point."""
    key = organisation_key(text)
    return key, key + "\U0010ffff"

