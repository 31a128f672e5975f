"""The caseload's counts are kept in each process under the team's stamp (dsar/casework/state.py):
after every kind of change — each kind of event recorded, corrected or retracted, a new request,
a hand-over, a client deleted, the cache rebuilt, a change made by another process — the page
counts what the events say, and an unchanged caseload is not counted again. The rows' words are
the status macros' own, in the reader's language."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import event, select

from dsar import create_app
from dsar.casework import retention, services, state
from dsar.casework.models import Client, RequestState
from dsar.requests.models import DataRequest, Event
from dsar.requests.services import case_state
from dsar.teams.models import Account
from tests.casework.caseload_helpers import add_client, add_request, record, retract
from tests.conftest import TODAY

FILTERS = ("", "status=overdue", "status=due_week", "status=needs_review", "status=draft",
           "status=waiting", "status=escalated", "status=closed", "mine=1")


def _total(member, team, query: str = "", **headers) -> int:
    response = member.get(f"/t/{team.slug}/?{query}", headers=headers)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    found = re.search(r"Showing [\d,]+–[\d,]+ of ([\d,]+) requests", html)
    if found is None:
        assert "No requests" in html
        return 0
    return int(found.group(1).replace(",", ""))


def _totals(world) -> dict[str, int]:
    return {query or "all": _total(world.worker, world.team, query) for query in FILTERS}


def _truth(session, team_id: int, worker_id: int) -> dict[str, int]:
    """The same counts from the events alone (derive), never from the cache."""
    session.expire_all()
    rows = session.execute(select(DataRequest, Client.caseworker_id)
                           .join(Client, Client.workspace_id == DataRequest.workspace_id)
                           .where(Client.team_id == team_id)).all()
    states = [(case_state(request, TODAY), caseworker) for request, caseworker in rows]
    tests = {
        "all": lambda s: True,
        "status=overdue": lambda s: s.group == "overdue",
        "status=due_week": lambda s: s.group == "due_soon",
        "status=needs_review": lambda s: s.status in ("response_received", "refused"),
        "status=draft": lambda s: s.status == "draft",
        "status=waiting": lambda s: s.status in ("sent", "extended"),
        "status=escalated": lambda s: s.status in ("escalated_organisation", "escalated_regulator"),
        "status=closed": lambda s: s.status == "closed",
    }
    counts = {name: sum(1 for s, _ in states if test(s)) for name, test in tests.items()}
    counts["mine=1"] = sum(1 for _s, caseworker in states if caseworker == worker_id)
    return counts


@pytest.fixture
def people(world, db_session):
    accounts = {a.email.split("@")[0]: a for a in db_session.scalars(select(Account))}
    return accounts["worker"], accounts["admin"]


@pytest.fixture
def counted_statements(app):
    """The COUNT statements the app's engine runs."""
    seen: list[str] = []

    def listen(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith("SELECT COUNT("):
            seen.append(statement)

    engine = app.extensions["dsar_engine"]
    event.listen(engine, "before_cursor_execute", listen)
    yield seen
    event.remove(engine, "before_cursor_execute", listen)


def test_counts_follow_every_kind_of_event(world, db_session, people, tmp_path):
    worker, admin = people
    ann = add_client(db_session, world.team.id, "Ann", worker.id)
    walked = add_request(db_session, ann, date(2026, 9, 1))
    add_request(db_session, add_client(db_session, world.team.id, "Dan", admin.id), date(2026, 11, 20))
    db_session.commit()
    assert _totals(world) == {"all": 2, "status=overdue": 0, "status=due_week": 0, "status=needs_review": 0,
                              "status=draft": 2, "status=waiting": 0, "status=escalated": 0,
                              "status=closed": 0, "mine=1": 1}
    steps = [
        ("sent", date(2026, 9, 1), {"channel": "email"}), ("delivered", date(2026, 9, 2), {}),
        ("acknowledged", date(2026, 9, 3), {}), ("id_requested", date(2026, 9, 4), {}),
        ("id_provided", date(2026, 9, 5), {"channel": "email"}),
        ("clarification_requested", date(2026, 9, 8), {}), ("clarification_provided", date(2026, 9, 9), {}),
        ("extended", date(2026, 9, 20), {}), ("reminder_sent", date(2026, 11, 2), {"channel": "email"}),
        ("response_received", date(2026, 11, 3), {"completeness": "partial"}),
        ("refused", date(2026, 11, 4), {}),
        ("complaint_to_controller", date(2026, 11, 5), {"channel": "email"}),
        ("complaint_acknowledged", date(2026, 11, 6), {}), ("complaint_to_regulator", date(2026, 11, 7), {}),
        ("closed", date(2026, 11, 8), {"outcome": "fulfilled"}), ("withdrawn", date(2026, 11, 9), {}),
    ]
    seen = []
    for kind, day, data in steps:
        event_row = record(db_session, walked, kind, day, tmp_path, **data)
        db_session.commit()
        seen.append(event_row.id)
        assert _totals(world) == _truth(db_session, world.team.id, worker.id), kind
    # Retracting the last entries reopens the request step by step: back to the complaint.
    for event_id in reversed(seen[-4:]):
        retract(db_session, walked, event_id, TODAY)
        db_session.commit()
        assert _totals(world) == _truth(db_session, world.team.id, worker.id), event_id
    # A correction: the reply was complete after all (the refusal and complaint are gone).
    for event_id in (seen[-5], seen[-6], seen[-7]):
        retract(db_session, walked, event_id, TODAY)
    db_session.commit()
    reply = next(e for e in walked.events if e.id == seen[-7])
    record(db_session, walked, "response_received", reply.occurred_on, tmp_path, supersedes=reply.id,
           completeness="complete")
    db_session.commit()
    totals = _totals(world)
    assert totals == _truth(db_session, world.team.id, worker.id)
    assert (totals["status=needs_review"], totals["status=overdue"], totals["status=escalated"]) == (1, 0, 0)


def test_an_unchanged_caseload_is_counted_once_and_again_after_a_change(
        world, db_session, people, tmp_path, counted_statements):
    worker, _admin = people
    ann = add_client(db_session, world.team.id, "Ann", worker.id)
    request = add_request(db_session, ann, date(2026, 9, 1))
    db_session.commit()
    assert [_total(world.worker, world.team, "status=overdue") for _ in range(3)] == [0, 0, 0]
    assert len(counted_statements) == 1
    record(db_session, request, "sent", date(2026, 9, 1), tmp_path, channel="email")
    db_session.commit()
    assert [_total(world.worker, world.team, "status=overdue") for _ in range(2)] == [1, 1]
    assert len(counted_statements) == 2
    # Another day is another count: what is overdue depends on it.
    world.worker.application.config["DSAR_TODAY"] = date(2026, 9, 15)
    assert _total(world.worker, world.team, "status=overdue") == 0
    assert len(counted_statements) == 3


def test_new_requests_hand_overs_and_deleted_clients_are_counted(world, db_session, people, tmp_path):
    worker, admin = people
    ann = add_client(db_session, world.team.id, "Ann", worker.id)
    add_request(db_session, ann, date(2026, 11, 1))
    db_session.commit()
    assert (_total(world.worker, world.team), _total(world.worker, world.team, "mine=1")) == (1, 1)
    ben = add_client(db_session, world.team.id, "Ben", worker.id)
    add_request(db_session, ben, date(2026, 11, 2))
    add_request(db_session, ben, date(2026, 11, 3))
    db_session.commit()
    assert (_total(world.worker, world.team), _total(world.worker, world.team, "mine=1")) == (3, 3)
    services.reassign(db_session, world.team.id, to=admin, client=db_session.get(Client, ben.id))
    db_session.commit()
    assert (_total(world.worker, world.team), _total(world.worker, world.team, "mine=1")) == (3, 1)
    retention.delete_client(db_session, db_session.get(Client, ann.id), tmp_path)
    db_session.commit()
    assert (_total(world.worker, world.team), _total(world.worker, world.team, "mine=1")) == (2, 0)


def _overdue(world, db_session, worker, tmp_path) -> DataRequest:
    """Ann's request, sent on 1 September: overdue since 1 October."""
    request = add_request(db_session, add_client(db_session, world.team.id, "Ann", worker.id),
                          date(2026, 9, 1))
    record(db_session, request, "sent", date(2026, 9, 1), tmp_path, channel="email")
    db_session.commit()
    return request


def test_a_rebuilt_cache_is_counted_again(world, db_session, people, tmp_path):
    _overdue(world, db_session, people[0], tmp_path)
    assert _total(world.worker, world.team, "status=overdue") == 1
    db_session.query(RequestState).delete()  # as if made before the cache existed
    db_session.commit()
    assert _total(world.worker, world.team, "status=overdue") == 0
    assert state.refresh_states(db_session, TODAY) == 1
    db_session.commit()
    assert _total(world.worker, world.team, "status=overdue") == 1


def test_a_change_made_by_another_process_is_counted(app, world, db_session, people, tmp_path):
    """Another process: its own app, engine and memo on the same database file."""
    worker, _admin = people
    request = add_request(db_session, add_client(db_session, world.team.id, "Ann", worker.id),
                          date(2026, 9, 1))
    db_session.commit()
    assert _total(world.worker, world.team, "status=overdue") == 0
    settings = app.config["DSAR_SETTINGS"]
    other = create_app({
        "DSAR_INSTANCE_PATH": str(settings.instance_path), "DSAR_DATABASE_URL": settings.database_url,
        "DSAR_SECRET_KEY": settings.secret_key, "TESTING": True, "DSAR_TODAY": TODAY,
        "BABEL_TRANSLATION_DIRECTORIES": app.config["BABEL_TRANSLATION_DIRECTORIES"]})
    try:
        with other.extensions["dsar_sessions"]() as session:
            record(session, session.get(DataRequest, request.id), "sent", date(2026, 9, 1), tmp_path,
                   channel="email")
            session.commit()
    finally:
        other.extensions["dsar_engine"].dispose()
    assert _total(world.worker, world.team, "status=overdue") == 1


def test_events_written_without_the_tracking_functions_are_cached_at_commit(world, db_session, people):
    """As a letter posted the day it is written, or a shared case's copied log, are stored:
    the events added directly, and a request copied with no row of its own yet."""
    worker, _admin = people
    ann = add_client(db_session, world.team.id, "Ann", worker.id)
    posted = add_request(db_session, ann, date(2026, 9, 1))
    db_session.add(Event(request_id=posted.id, kind="sent", occurred_on=date(2026, 9, 1),
                         data={"channel": "letter"}))
    copy = DataRequest(workspace_id=ann.workspace_id, reference="COPY-1", right="erasure", jurisdiction="uk",
                       language="en", org_slug=None, person={"name": "Ann", "address": ["1 Road"]},
                       recipient={"name": "Equifax Ltd", "address": ["1 Road"], "country": "gb"},
                       details={})
    db_session.add(copy)
    db_session.flush()
    db_session.add_all([Event(request_id=copy.id, kind="created", occurred_on=date(2026, 10, 1), data={}),
                        Event(request_id=copy.id, kind="sent", occurred_on=date(2026, 11, 20),
                              data={"channel": "email"})])
    db_session.commit()
    assert _totals(world) == _truth(db_session, world.team.id, worker.id)
    assert (_total(world.worker, world.team, "status=overdue"),
            _total(world.worker, world.team, "status=waiting")) == (1, 1)
    # Written and then abandoned: nothing is left to re-derive at the next commit.
    db_session.add(Event(request_id=copy.id, kind="closed", occurred_on=TODAY, data={"outcome": "fulfilled"}))
    db_session.flush()
    db_session.rollback()
    db_session.commit()
    assert _total(world.worker, world.team, "status=closed") == 0


def test_pages_past_the_middle_read_from_the_other_end_are_the_same_pages(world, db_session, people,
                                                                          tmp_path):
    worker, _admin = people
    ann = add_client(db_session, world.team.id, "Ann", worker.id)
    # 53 requests (three pages, the last of three rows), two sent on each day: ties too.
    written = []
    for n in range(53):
        written.append(add_request(db_session, ann, date(2026, 10, 1 + n // 2), organisation=f"Shop {n:02d}"))
        record(db_session, written[-1], "sent", date(2026, 10, 1 + n // 2), tmp_path, channel="email")
    db_session.commit()
    for query, expected in (("", [r.reference for r in written]),
                            ("order=desc", [r.reference for r in reversed(written)])):
        assert all(_page_references(world, f"{query}&page={page}") == expected[(page - 1) * 25:page * 25]
                   for page in (1, 2, 3)), query


def _page_references(world, query: str) -> list[str]:
    html = world.worker.get(f"/t/{world.team.slug}/?{query}").get_data(as_text=True)
    return re.findall(r'<a class="hint" href="[^"]+/requests/[^"]+">([^<]+)<span', html)


def test_the_rows_words_are_in_the_readers_language(world, db_session, people, tmp_path):
    _overdue(world, db_session, people[0], tmp_path)
    english = world.worker.get(f"/t/{world.team.slug}/").get_data(as_text=True)
    german = world.worker.get(f"/t/{world.team.slug}/", headers={"Accept-Language": "de"}).get_data(
        as_text=True)
    assert '<strong class="tag tag-overdue">Overdue</strong>' in english
    assert "1 October 2026" in english and "56 days overdue" in english and "Send a reminder" in english
    assert '<strong class="tag tag-overdue">Überfällig</strong>' in german
    assert "1. Oktober 2026" in german and "56 Tage überfällig" in german
    assert "Eine Erinnerung schicken" in german
