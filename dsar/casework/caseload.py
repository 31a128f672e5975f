"""The caseload: every request of a team (or of one caseworker), filtered, sorted, counted and
paged in SQL on the cache (dsar/casework/state.py), which is re-derived from the events each
time one is recorded or retracted and agrees with them on any day
(tests/casework/test_caseload_state.py): the page and the CSV export read where each request
stands from it, with today applied (standing_from_cache), never deriving 25 event logs per
page. A client's own page derives its requests afresh (client_requests). Counts are kept per
process under the team's stamp, so an unchanged caseload is counted once."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import Date, bindparam, func, select
from sqlalchemy.orm import Session, selectinload

from dsar.casework import state as cache
from dsar.casework.models import NO_DUE, Client, RequestState
from dsar.requests.models import DataRequest
from dsar.requests.services import case_state
from dsar.requests.status import DUE_SOON_DAYS, CaseState
from dsar.teams.models import Account, Membership

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


# The queries are built once for each shape of filters (which filters are on), with the values
# as bound parameters: building a statement costs more than running it on an index.
_TEAM, _CASEWORKER, _TODAY = bindparam("team"), bindparam("caseworker"), bindparam("today", type_=Date)
_SOON = bindparam("soon", type_=Date)
_ORGANISATION_FROM, _ORGANISATION_TO = bindparam("organisation_from"), bindparam("organisation_to")


def _conditions(mine: bool, status: str, organisation: bool) -> list:
    """The filters as SQL on the cache, with the parameters of ``_parameters``."""
    conditions = [RequestState.team_id == _TEAM]
    if mine:
        conditions.append(RequestState.caseworker_id == _CASEWORKER)
    if organisation:
        conditions += [RequestState.organisation_key >= _ORGANISATION_FROM,
                       RequestState.organisation_key < _ORGANISATION_TO]
    if status == "overdue":
        conditions.append(cache.is_overdue(_TODAY))
    elif status == "due_week":
        conditions.append(cache.is_due_soon(_TODAY, _SOON))
    elif status == "needs_review":
        conditions.append(cache.needs_review())
    elif status == "waiting":
        conditions += [RequestState.status.in_(cache.CLOCK_STATUSES), RequestState.due_on >= _TODAY]
    elif status == "escalated":
        conditions.append(RequestState.status.in_(("escalated_organisation", "escalated_regulator")))
    elif status:
        conditions.append(RequestState.status == status)
    return conditions


def _shape(filters: Filters, caseworker_id: int | None) -> tuple[bool, str, bool]:
    return caseworker_id is not None, filters.status, bool(filters.organisation)


def _parameters(team_id: int, filters: Filters, caseworker_id: int | None, today: date) -> dict:
    low, high = cache.organisation_range(filters.organisation)
    return {"team": team_id, "caseworker": caseworker_id, "today": today,
            "soon": today + timedelta(days=DUE_SOON_DAYS), "organisation_from": low, "organisation_to": high}


def _order(order: str) -> tuple:
    """By due date; ties in the order of the indexes (which end with overdue_from), so a page
    deep in the list is read off an index, never sorted."""
    columns = (RequestState.due_on, RequestState.overdue_from, RequestState.request_id)
    return tuple(c.desc() if order == "desc" else c.asc() for c in columns)


@lru_cache(maxsize=128)
def _count_statement(shape: tuple[bool, str, bool]):
    return select(func.count()).select_from(RequestState).where(*_conditions(*shape))


@lru_cache(maxsize=256)
def _page_statement(shape: tuple[bool, str, bool], order: str):
    """The page's ids first, off an index; only then its rows are joined (a join inside the
    OFFSET would be made for every row skipped)."""
    window = (select(RequestState.request_id).where(*_conditions(*shape)).order_by(*_order(order))
              .limit(bindparam("limit")).offset(bindparam("offset")).subquery())
    return (select(RequestState.status, RequestState.outcome, RequestState.due_on, RequestState.settled,
                   RequestState.complaint_ack_due, RequestState.reminded_on, RequestState.organisation,
                   RequestState.right, Client.public_id.label("client_id"), Client.name,
                   Client.caseworker_id, DataRequest.public_id.label("request_id"), DataRequest.reference)
            .join(window, window.c.request_id == RequestState.request_id)
            .join(Client, Client.id == RequestState.client_id)
            .join(DataRequest, DataRequest.id == RequestState.request_id)
            .where(RequestState.team_id == _TEAM, Client.team_id == _TEAM)
            .order_by(*_order(order)))


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


def caseworkers(session: Session, team_id: int) -> list:
    """The members who can hold cases, as services.caseworkers() chooses and orders them, as
    plain rows (id, public_id, name, email): the page needs their names, not 20 accounts."""
    return list(session.execute(
        select(Account.id, Account.public_id, Account.name, Account.email).join(Membership)
        .where(Membership.team_id == team_id, Membership.role.in_(("admin", "caseworker")))
        .order_by(Account.name, Account.email)))


def count(session: Session, team_id: int, filters: Filters, *, caseworker_id: int | None,
          today: date) -> int:
    """How many requests the filters match, counted once per stamp of the team's rows and
    day (state.memo): counting 100,000 rows on every page would cost more than the page."""
    key = ("count", team_id, cache.stamp_of(session, team_id), today, caseworker_id, filters.status,
           cache.organisation_key(filters.organisation))
    total = cache.memo(session).get(key)
    if total is None:
        total = session.scalar(_count_statement(_shape(filters, caseworker_id)),
                               _parameters(team_id, filters, caseworker_id, today)) or 0
        cache.memo(session).put(key, total)
    return total


def caseload_page(session: Session, team_id: int, filters: Filters, *, caseworker_id: int | None,
                  names: Mapping[int, str], today: date) -> CaseloadPage:
    """One page of the team's caseload (of ``caseworker_id``'s clients when given); ``names``
    gives the caseworkers' names by account id. Where each request stands is read from its
    cached row (standing_from_cache), which agrees with its events on any day."""
    total = count(session, team_id, filters, caseworker_id=caseworker_id, today=today)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(filters.page, pages)
    start, end, order = (page - 1) * PAGE_SIZE, min(total, page * PAGE_SIZE), filters.order
    # An OFFSET reads every row it skips: a page past the middle is read from the other end,
    # in the other order (the order is total: due date, overdue_from, id), and turned round.
    backwards = start > total // 2
    if backwards:
        start, end, order = total - end, total - start, "asc" if order == "desc" else "desc"
    parameters = {**_parameters(team_id, filters, caseworker_id, today), "limit": end - start,
                  "offset": start}
    rows = [CaseloadRow(client_id=r.client_id, client_name=r.name, request_id=r.request_id,
                        reference=r.reference, organisation=r.organisation, right=r.right,
                        caseworker=names.get(r.caseworker_id or 0, ""),
                        standing=standing_from_cache(r, today))
            for r in session.execute(_page_statement(_shape(filters, caseworker_id), order), parameters)]
    return CaseloadPage(rows[::-1] if backwards else rows, total, page, pages)


def export_rows(session: Session, team_id: int, filters: Filters, *, caseworker_id: int | None,
                today: date) -> Iterator[tuple[RequestState, str, str, str]]:
    """Every filtered request, from the cache, with the client's name, the request's reference
    and the caseworker's name: (row, client name, reference, caseworker name)."""
    query = (select(RequestState, Client.name, DataRequest.reference, Account.name)
             .join(Client, Client.id == RequestState.client_id)
             .join(DataRequest, DataRequest.id == RequestState.request_id)
             .outerjoin(Account, Account.id == RequestState.caseworker_id)
             .where(*_conditions(*_shape(filters, caseworker_id)), Client.team_id == team_id)
             .order_by(*_order(filters.order)).execution_options(yield_per=1000))
    for row, client_name, reference, caseworker in session.execute(
            query, _parameters(team_id, filters, caseworker_id, today)):
        yield row, client_name, reference, caseworker or ""


class Words:
    """The words a caseload page repeats on every row (a status, a due date, "12 days left",
    a kind of request, the next action), each rendered by its macro or filter once per process
    and language and then reused: 25 rows of gettext and Babel calls cost more than the rest
    of the page. ``render`` maps "tag", "days", "right", "date", "action" to the callables that
    render them; ``store`` is kept by the app (a dict shared by its threads)."""

    SIZE = 4096  # distinct words kept (due dates and day counts are the many)
    # What each callable is given, made from the key alone: the status macros read the status,
    # the outcome and whether it is late (the tag's key), or the days left (the count's).
    _ARGUMENT = {
        "tag": lambda key: Standing(key[0], key[1], None, None, key[2], "none"),
        "days": lambda key: Standing("", "", None, key, False, "none"),
        "action": lambda key: NEXT_ACTIONS[key],
    }

    def __init__(self, store: dict, language: str, render: Mapping[str, Callable]) -> None:
        self._store, self._language, self._render = store, language, render

    def _word(self, what: str, key: Hashable) -> Markup:
        found = self._store.get((self._language, what, key))
        if found is None:
            argument = self._ARGUMENT[what](key) if what in self._ARGUMENT else key
            found = Markup(self._render[what](argument))
            if len(self._store) >= self.SIZE:
                self._store.clear()  # rare: the words come back one page at a time
            self._store[(self._language, what, key)] = found
        return found

    def each(self, rows: list[CaseloadRow]) -> Iterator[tuple[CaseloadRow, RowWords]]:
        """Each row with its words (one call per row from the template, not five)."""
        word = self._word
        for row in rows:
            standing = row.standing
            yield row, RowWords(word("right", row.right), word("tag", (standing.status, standing.outcome,
                                                                       standing.overdue)),
                                word("date", standing.due), word("days", standing.days_left),
                                word("action", standing.action))


class RowWords(NamedTuple):
    right: Markup
    tag: Markup
    date: Markup
    days: Markup
    action: Markup


def client_requests(session: Session, client: Client, *, today: date) -> list[CaseloadRow]:
    requests = session.scalars(
        select(DataRequest).where(DataRequest.workspace_id == client.workspace_id)
        .options(selectinload(DataRequest.events)).order_by(DataRequest.id)
    ).all()
    return [_row(client.public_id, client.name, req, case_state(req, today)) for req in requests]
