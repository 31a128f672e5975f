"""The caseload: every request of a team (or of one caseworker), filtered, sorted, counted and
paged in SQL on the cache (dsar/casework/state.py). The rows on the page are then derived
afresh from their events, so what a person reads is always the truth; the CSV export reads
the cache, which agrees with the events on any day (tests/casework/test_caseload_state.py)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, load_only, selectinload

from dsar.casework import state as cache
from dsar.casework.models import NO_DUE, Client, RequestState
from dsar.requests.models import DataRequest, Event
from dsar.requests.services import case_state
from dsar.requests.status import CaseState, EventValue
from dsar.teams.models import Account

PAGE_SIZE = 25
MAX_PAGE = 100_000
STATUS_FILTERS = {
    "overdue": _l("Overdue"),
    "due_week": _l("Due within a week"),
    "needs_review": _l("Needs review: a reply or a refusal arrived"),
    "draft": _l("Not sent yet"),
    "waiting": _l("Sent: waiting for a reply"),
    "awaiting_identity": _l("They asked for proof of identity"),
    "awaiting_clarification": _l("They asked you to clarify"),
    "escalated": _l("Complaint made"),
    "closed": _l("Closed"),
}
NEXT_ACTIONS = {
    "send": _l("Send the request"),
    "identity": _l("Send proof of identity"),
    "clarify": _l("Answer their question"),
    "wait": _l("Wait for the reply"),
    "remind": _l("Send a reminder"),
    "complain_organisation": _l("Complain to the organisation"),
    "review": _l("Review the reply"),
    "missing": _l("Ask for what is missing"),
    "review_refusal": _l("Review the refusal"),
    "wait_complaint": _l("Wait for the answer to the complaint"),
    "complain_regulator": _l("Complain to the regulator"),
    "wait_regulator": _l("Wait for the regulator"),
    "none": _l("Nothing to do"),
}


def next_action(status: str, outcome: str, due: date | None, reminded_on: date | None,
                complaint_ack_late: bool) -> str:
    """The key of NEXT_ACTIONS for a request in this (derived) status."""
    if status == "overdue":
        # Chased once the date had passed and still nothing: the complaint comes next.
        chased = reminded_on is not None and due is not None and reminded_on > due
        return "complain_organisation" if chased else "remind"
    if status == "response_received":
        return "missing" if outcome == "partial" else "review"
    if status == "escalated_organisation":
        return "complain_regulator" if complaint_ack_late else "wait_complaint"
    return {"draft": "send", "awaiting_identity": "identity", "awaiting_clarification": "clarify",
            "sent": "wait", "extended": "wait", "refused": "review_refusal",
            "escalated_regulator": "wait_regulator"}.get(status, "none")


@dataclass(frozen=True)
class Standing:
    """Where a request stands on one day, as the caseload shows it (the attribute names are
    those the status macros in templates/requests/_tracking.html read)."""

    status: str
    outcome: str
    due: date | None
    days_left: int | None
    # In the "overdue" group: the clock ran out, an incomplete reply came late, or a complaint
    # went unacknowledged past its date.
    overdue: bool
    action: str  # a key of NEXT_ACTIONS

    @property
    def next_action(self):
        return NEXT_ACTIONS[self.action]


def standing_of(state: CaseState) -> Standing:
    """From the events (derive)."""
    return Standing(state.status, state.outcome, state.due, state.days_left, state.group == "overdue",
                    next_action(state.status, state.outcome, state.due, cache.last_reminder(state),
                                state.complaint_ack_late_open))


def standing_from_cache(row: RequestState, today: date) -> Standing:
    """From a cached row on ``today``: the same reading of the dates as state.is_overdue."""
    due = None if row.due_on == NO_DUE else row.due_on
    passed = due is not None and due < today
    clock_late = row.status in cache.CLOCK_STATUSES and passed
    status = "overdue" if clock_late else row.status
    ack_late = row.status == "escalated_organisation" and row.complaint_ack_due is not None and (
        row.complaint_ack_due < today)
    late_reply = row.status == "response_received" and not row.settled and passed
    return Standing(status, row.outcome, due, (due - today).days if due and not row.settled else None,
                    clock_late or ack_late or late_reply,
                    next_action(status, row.outcome, due, row.reminded_on, ack_late))


@dataclass(frozen=True)
class Filters:
    mine: bool = False
    caseworker: str = ""  # an account's public id
    status: str = ""  # a key of STATUS_FILTERS
    organisation: str = ""  # the start of the organisation's name
    order: str = "asc"  # by due date
    page: int = 1

    def args(self, **changes) -> dict:
        """The query string for a link to these filters (with ``changes``), defaults left out."""
        values = replace(self, **changes)
        args = {"mine": "1" if values.mine else "", "caseworker": values.caseworker,
                "status": values.status, "organisation": values.organisation,
                "order": "desc" if values.order == "desc" else "",
                "page": str(values.page) if values.page > 1 else ""}
        return {k: v for k, v in args.items() if v}


def parse_filters(args: Mapping[str, str]) -> Filters:
    """Whatever the query string says, a valid set of filters (unknown values are ignored)."""
    page = (args.get("page") or "").strip()
    status = args.get("status") or ""
    return Filters(
        mine=args.get("mine") == "1", caseworker=(args.get("caseworker") or "").strip()[:40],
        status=status if status in STATUS_FILTERS else "",
        organisation=" ".join((args.get("organisation") or "").split())[:cache.ORGANISATION_LENGTH],
        order="desc" if args.get("order") == "desc" else "asc",
        page=min(int(page), MAX_PAGE) if page.isdigit() and int(page) >= 1 else 1,
    )


def _conditions(team_id: int, filters: Filters, caseworker_id: int | None, today: date) -> list:
    conditions = [RequestState.team_id == team_id]
    if caseworker_id is not None:
        conditions.append(RequestState.caseworker_id == caseworker_id)
    if filters.organisation:
        conditions.append(cache.organisation_starts_with(filters.organisation))
    status = filters.status
    if status == "overdue":
        conditions.append(cache.is_overdue(today))
    elif status == "due_week":
        conditions.append(cache.is_due_soon(today))
    elif status == "needs_review":
        conditions.append(cache.needs_review())
    elif status == "waiting":
        conditions += [RequestState.status.in_(cache.CLOCK_STATUSES), RequestState.due_on >= today]
    elif status == "escalated":
        conditions.append(RequestState.status.in_(("escalated_organisation", "escalated_regulator")))
    elif status:
        conditions.append(RequestState.status == status)
    return conditions


def _order(filters: Filters) -> tuple:
    """By due date; ties in the order of the indexes (which end with overdue_from), so a page
    deep in the list is read off an index, never sorted."""
    columns = (RequestState.due_on, RequestState.overdue_from, RequestState.request_id)
    return tuple(c.desc() if filters.order == "desc" else c.asc() for c in columns)


@dataclass(frozen=True)
class CaseloadRow:
    client_id: str
    client_name: str
    request_id: str
    reference: str
    organisation: str
    right: str
    caseworker: str
    standing: Standing

    @property
    def status(self) -> str:
        return self.standing.status

    @property
    def due(self) -> date | None:
        return self.standing.due


@dataclass(frozen=True)
class CaseloadPage:
    rows: list[CaseloadRow]
    total: int
    page: int
    pages: int

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1 if self.rows else 0


def _row(client_id: str, client_name: str, req: DataRequest, state: CaseState,
         caseworker: str = "") -> CaseloadRow:
    return CaseloadRow(
        client_id=client_id, client_name=client_name, request_id=req.public_id, reference=req.reference,
        organisation=(req.recipient or {}).get("name", ""), right=req.right, caseworker=caseworker,
        standing=standing_of(state),
    )


def caseload_page(session: Session, team_id: int, filters: Filters, *, caseworker_id: int | None,
                  names: Mapping[int, str], today: date) -> CaseloadPage:
    """One page of the team's caseload (of ``caseworker_id``'s clients when given); ``names``
    gives the caseworkers' names by account id."""
    conditions = _conditions(team_id, filters, caseworker_id, today)
    total = session.scalar(select(func.count()).select_from(RequestState).where(*conditions)) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(filters.page, pages)
    ids = list(session.scalars(select(RequestState.request_id).where(*conditions).order_by(*_order(filters))
                               .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    # Only what the page shows and derive() reads, events as plain values (no ORM objects).
    found = {req.id: (req, client) for req, *client in session.execute(
        select(DataRequest, Client.public_id, Client.name, Client.caseworker_id)
        .join(Client, Client.workspace_id == DataRequest.workspace_id)
        .where(Client.team_id == team_id, DataRequest.id.in_(ids))
        .options(load_only(DataRequest.public_id, DataRequest.reference, DataRequest.right,
                           DataRequest.recipient)))}
    events: dict[int, list[EventValue]] = {i: [] for i in found}
    for request_id, *values in session.execute(
            select(Event.request_id, Event.kind, Event.occurred_on, Event.data, Event.id, Event.supersedes_id)
            .where(Event.request_id.in_(list(found))).order_by(Event.occurred_on, Event.id)):
        kind, day, data, event_id, supersedes = values
        events[request_id].append(EventValue(kind, day, dict(data or {}), event_id, supersedes))
    rows = [_row(client_id, name, req, case_state(req, today, events[req.id]), names.get(caseworker or 0, ""))
            for req, (client_id, name, caseworker) in (found[i] for i in ids if i in found)]
    return CaseloadPage(rows, total, page, pages)


def export_rows(session: Session, team_id: int, filters: Filters, *, caseworker_id: int | None,
                today: date) -> Iterator[tuple[RequestState, str, str, str]]:
    """Every filtered request, from the cache, with the client's name, the request's reference
    and the caseworker's name: (row, client name, reference, caseworker name)."""
    query = (select(RequestState, Client.name, DataRequest.reference, Account.name)
             .join(Client, Client.id == RequestState.client_id)
             .join(DataRequest, DataRequest.id == RequestState.request_id)
             .outerjoin(Account, Account.id == RequestState.caseworker_id)
             .where(*_conditions(team_id, filters, caseworker_id, today), Client.team_id == team_id)
             .order_by(*_order(filters)).execution_options(yield_per=1000))
    for row, client_name, reference, caseworker in session.execute(query):
        yield row, client_name, reference, caseworker or ""


def client_requests(session: Session, client: Client, *, today: date) -> list[CaseloadRow]:
    requests = session.scalars(
        select(DataRequest).where(DataRequest.workspace_id == client.workspace_id)
        .options(selectinload(DataRequest.events)).order_by(DataRequest.id)
    ).all()
    return [_row(client.public_id, client.name, req, case_state(req, today)) for req in requests]
