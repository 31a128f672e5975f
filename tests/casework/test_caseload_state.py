"""The caseload's cache never disagrees with derive(): for random event logs (recorded,
corrected and retracted through the real tracking functions), on any later day, what the
cache and the SQL filters say equals what the events say."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from dsar.casework import state
from dsar.casework.caseload import standing_from_cache, standing_of
from dsar.casework.models import RequestState
from dsar.requests.services import case_state
from dsar.requests.tracking import FIELDS, RECORDABLE
from tests.casework.caseload_helpers import add_client, add_request, record, retract

# After 19 June 2026 (UK complaints to the controller, s.164A) and before it; a clarification
# pause applies to UK requests received from 19 June 2026.
STARTS = (date(2026, 2, 2), date(2026, 6, 15), date(2026, 7, 1), date(2026, 12, 18))
QUERY_OFFSETS = (0, 25, 38, 62, 130)
DATA = {"channel": ("letter", "email", "webform"), "completeness": ("complete", "partial"),
        "outcome": ("fulfilled", "abandoned", "withdrawn")}

# The kinds that change the clock come up more often than the rest.
KINDS = st.one_of(st.sampled_from(("sent", "clarification_requested", "clarification_provided",
                                   "response_received", "complaint_to_controller", "closed")),
                  st.sampled_from(RECORDABLE))
CHOICE = st.sampled_from((0, 1, 2))  # which channel, completeness or outcome
step = st.one_of(
    st.tuples(st.just("add"), KINDS, st.integers(0, 20), CHOICE),
    st.tuples(st.just("edit"), st.integers(0, 30), st.integers(-3, 10), CHOICE),
    st.tuples(st.just("retract"), st.integers(0, 30), st.just(0), st.just(0)),
)
# Most logs start by sending the request (otherwise nothing runs the clock).
log = st.tuples(st.booleans(), CHOICE, st.lists(step, max_size=12)).map(
    lambda t: ([("add", "sent", 0, t[1])] if t[0] else []) + t[2])


def _data(kind: str, choice: int) -> dict:
    return {name: DATA[name][choice % len(DATA[name])] for name in FIELDS[kind] if name in DATA}


@pytest.fixture
def team(make_team):
    return make_team()[0]


def _matches(session, request_id: int, condition) -> bool:
    return session.scalar(select(RequestState.request_id).where(
        RequestState.request_id == request_id, condition)) is not None


@example(start=STARTS[2], country="gb", steps=[  # a pause still open when the case closed
    ("add", "sent", 0, 1), ("add", "clarification_requested", 5, 0), ("add", "closed", 3, 0),
    ("add", "clarification_provided", 4, 0)])
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.sampled_from(STARTS), country=st.sampled_from(("gb", "gb", "de")),
       steps=log)
def test_the_cache_agrees_with_the_events_on_every_day(db_session, team, tmp_path, start, country, steps):
    client = add_client(db_session, team.id, "Jo Bloggs", None)
    request = add_request(db_session, client, start, country=country)
    day, recorded = start, []
    for action, what, shift, choice in steps:
        if action == "add":
            day += timedelta(days=shift)
            recorded.append(record(db_session, request, what, day, tmp_path, **_data(what, choice)).id)
        elif recorded and action == "edit":  # a correction: same kind, another date or choice
            target = next(e for e in request.events if e.id == recorded[what % len(recorded)])
            moved = max(start, target.occurred_on + timedelta(days=shift))
            recorded.append(record(db_session, request, target.kind, moved, tmp_path, supersedes=target.id,
                                   **_data(target.kind, choice)).id)
        elif recorded:
            retract(db_session, request, recorded[what % len(recorded)], day)
    db_session.commit()

    # Fixed days, and the days around each date that matters (due, complaint acknowledgement).
    days = {start + timedelta(days=offset) for offset in QUERY_OFFSETS}
    for offset in QUERY_OFFSETS:
        truth = case_state(request, start + timedelta(days=offset))
        for anchor in (truth.due, truth.complaint_ack_due):
            if anchor is not None:
                days |= {anchor + timedelta(days=n) for n in (-8, -7, -1, 0, 1)}
    for today in sorted(days):
        state.refresh_stale(db_session, team.id, today)
        db_session.expire_all()
        row = db_session.get(RequestState, request.id)
        truth = case_state(request, today)
        expected = standing_of(truth)
        assert standing_from_cache(row, today) == expected, (today, [
            (e.kind, e.occurred_on, e.data) for e in truth.events])
        assert _matches(db_session, request.id, state.is_overdue(today)) == (truth.group == "overdue")
        assert _matches(db_session, request.id, state.is_due_soon(today)) == (truth.group == "due_soon")
        assert _matches(db_session, request.id, state.needs_review()) == (
            truth.status in ("response_received", "refused"))


def test_the_time_dependent_states(db_session, team, tmp_path):
    """The random logs above reach the states that matter; this one log walks through the
    time-dependent ones on purpose: a running pause, a lapsed clock, a late complaint."""
    client = add_client(db_session, team.id, "Jo Bloggs", None)
    request = add_request(db_session, client, date(2026, 7, 1))
    record(db_session, request, "sent", date(2026, 7, 1), tmp_path, channel="email")
    record(db_session, request, "clarification_requested", date(2026, 7, 10), tmp_path)
    db_session.commit()
    row = db_session.get(RequestState, request.id)
    assert row.pause_running and row.status == "awaiting_clarification"
    dues = []
    for day in (date(2026, 7, 20), date(2026, 7, 20), date(2026, 9, 1)):
        refreshed = state.refresh_stale(db_session, team.id, day)
        row = db_session.get(RequestState, request.id)
        dues.append((refreshed, row.computed_on, row.due_on))
    # Re-derived only when asked about another day; the stopped clock moved the date on.
    assert [(r, c) for r, c, _due in dues] == [(1, date(2026, 7, 20)), (0, date(2026, 7, 20)),
                                               (1, date(2026, 9, 1))]
    assert dues[2][2] - dues[0][2] >= timedelta(days=42)
    record(db_session, request, "clarification_provided", date(2026, 9, 1), tmp_path)
    record(db_session, request, "complaint_to_controller", date(2026, 11, 2), tmp_path, channel="email")
    db_session.commit()
    db_session.refresh(row)
    assert not row.pause_running and row.complaint_ack_due == date(2026, 12, 1)
    late = standing_from_cache(row, date(2026, 12, 2))
    assert late.overdue and late.action == "complain_regulator"
    assert late == standing_of(case_state(request, date(2026, 12, 2)))
