"""The caseload dashboard: every request of the team with what to do next, filtered, sorted
and paged; the CSV export with the same filters (not for read-only members, audited); the
cache follows new events and hand-overs; another team's requests never appear."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from sqlalchemy import select

from dsar.casework.models import Client, RequestState
from dsar.teams.models import Account, AuditEvent
from tests.casework.caseload_helpers import add_client, add_request, record
from tests.conftest import csrf_token


@pytest.fixture
def caseload(world, db_session, make_team, tmp_path):
    """On 26 November 2026: the worker's clients have an overdue request (due 1 October), one
    due within a week (28 November, a Saturday, so Monday 30th) and one with a complete reply;
    the admin's client has a draft. Another team has an overdue request too."""
    accounts = {a.email.split("@")[0]: a for a in db_session.scalars(select(Account))}
    worker, admin = accounts["worker"], accounts["admin"]
    ann = add_client(db_session, world.team.id, "Ann Overdue", worker.id)
    overdue = add_request(db_session, ann, date(2026, 9, 1), organisation="Experian Ltd")
    record(db_session, overdue, "sent", date(2026, 9, 1), tmp_path, channel="email")
    ben = add_client(db_session, world.team.id, "Ben Soon", worker.id)
    soon = add_request(db_session, ben, date(2026, 10, 28), organisation="Equifax Ltd", right="erasure")
    record(db_session, soon, "sent", date(2026, 10, 28), tmp_path, channel="email")
    cat = add_client(db_session, world.team.id, "Cat Reply", worker.id)
    replied = add_request(db_session, cat, date(2026, 10, 1), organisation="TransUnion")
    record(db_session, replied, "sent", date(2026, 10, 1), tmp_path, channel="email")
    record(db_session, replied, "response_received", date(2026, 10, 20), tmp_path, completeness="complete")
    dan = add_client(db_session, world.team.id, "Dan Draft", admin.id)
    add_request(db_session, dan, date(2026, 11, 20), organisation="experian ltd")
    other, _token = make_team("York Advice", "admin@york.example")
    zed = add_client(db_session, other.id, "Zed Elsewhere", None)
    elsewhere = add_request(db_session, zed, date(2026, 9, 1), organisation="Experian Ltd")
    record(db_session, elsewhere, "sent", date(2026, 9, 1), tmp_path, channel="email")
    db_session.commit()
    return {"worker": worker, "admin": admin, "ann": ann, "overdue": overdue, "uploads": tmp_path}


def _names(html: str) -> list[str]:
    return re.findall(r"(Ann Overdue|Ben Soon|Cat Reply|Dan Draft|Zed Elsewhere)</a>", html)


def _page(world, query: str = "", member=None) -> str:
    response = (member or world.worker).get(f"/t/{world.team.slug}/?{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_every_request_with_its_status_due_date_and_next_action(world, caseload):
    html = _page(world)
    assert _names(html) == ["Ann Overdue", "Cat Reply", "Ben Soon", "Dan Draft"]  # by due date
    assert "Showing 1–4 of 4 requests" in html
    row = html[html.index("Ann Overdue"):html.index("Cat Reply")]
    assert "Experian Ltd" in row and "1 October 2026" in row and "Send a reminder" in row
    assert '<span class="days-late">56 days overdue</span>' in row
    assert "4 days left" in html and "Wait for the reply" in html  # 28 November is a Saturday
    assert "Review the reply" in html and "Send the request" in html and "Delete my data" in html
    assert _names(_page(world, "order=desc")) == ["Dan Draft", "Ben Soon", "Cat Reply", "Ann Overdue"]
    assert "Zed Elsewhere" not in html + _page(world, "status=overdue&organisation=experian")


@pytest.mark.parametrize(("query", "expected"), [
    ("status=overdue", ["Ann Overdue"]),
    ("status=due_week", ["Ben Soon"]),
    ("status=needs_review", ["Cat Reply"]),
    ("status=draft", ["Dan Draft"]),
    ("status=waiting", ["Ben Soon"]),
    ("mine=1", ["Ann Overdue", "Cat Reply", "Ben Soon"]),
    ("organisation=EXPERIAN", ["Ann Overdue", "Dan Draft"]),
    ("organisation=experian&mine=1", ["Ann Overdue"]),
    ("organisation=%25", []),  # typed text, not a wildcard
])
def test_filters(world, caseload, query, expected):
    html = _page(world, query)
    assert _names(html) == expected
    if not expected:
        assert "No requests match these filters." in html


def test_filter_by_caseworker_and_follow_a_hand_over(world, caseload, db_session):
    admin, ann = caseload["admin"], caseload["ann"]
    assert _names(_page(world, f"caseworker={admin.public_id}")) == ["Dan Draft"]
    base = f"/t/{world.team.slug}/clients/{ann.public_id}"
    token = csrf_token(world.worker.get(base).get_data(as_text=True))
    world.worker.post(f"{base}/caseworker", data={"csrf_token": token, "caseworker": admin.public_id})
    assert _names(_page(world, f"caseworker={admin.public_id}")) == ["Ann Overdue", "Dan Draft"]
    assert _names(_page(world, "mine=1")) == ["Cat Reply", "Ben Soon"]


def test_a_new_event_moves_the_request_between_filters(world, caseload, db_session):
    overdue = caseload["overdue"]
    db_session.add(overdue)
    record(db_session, overdue, "response_received", date(2026, 11, 25), caseload["uploads"],
           completeness="partial")
    db_session.commit()
    assert _names(_page(world, "status=needs_review")) == ["Ann Overdue", "Cat Reply"]
    row = _page(world)
    assert "Ask for what is missing" in row and "Incomplete reply received" in row
    assert _names(_page(world, "status=overdue")) == ["Ann Overdue"]  # the reply was late and partial


def test_pages_of_25(world, caseload, db_session):
    client = db_session.get(Client, caseload["ann"].id)
    for day in range(1, 27):
        add_request(db_session, client, date(2026, 11, day), organisation=f"Shop {day}")
    db_session.commit()
    first = _page(world)
    assert "Showing 1–25 of 30 requests" in first and "Page 1 of 2" in first
    assert f'href="/t/{world.team.slug}/?page=2"' in first
    second = _page(world, "page=2")
    assert "Showing 26–30 of 30 requests" in second and 'rel="prev"' in second
    assert "Showing 26–30 of 30 requests" in _page(world, "page=999")  # past the end: the last page


def test_odd_query_strings_are_ignored(world, caseload):
    html = _page(world, "status=nonsense&page=-3&order=sideways&caseworker=nobody&mine=yes")
    assert _names(html) == ["Ann Overdue", "Cat Reply", "Ben Soon", "Dan Draft"]
    assert _page(world, "page=99999999999999999999&organisation=" + "x" * 5000)


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_csv_export_with_the_same_filters(world, caseload, db_session):
    db_session.get(Client, caseload["ann"].id).name = "=HYPERLINK(\"http://x\")"
    db_session.commit()
    response = world.worker.get(f"/t/{world.team.slug}/caseload.csv?organisation=experian")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = _csv(response)
    assert rows[0] == ["Client", "Reference", "Organisation", "Request", "Status", "Due date",
                       "Days left", "Next action", "Caseworker"]
    overdue = caseload["overdue"]
    assert rows[1] == ["'=HYPERLINK(\"http://x\")", overdue.reference, "Experian Ltd",
                       "Get a copy of all the data they hold about me", "Overdue", "2026-10-01", "-56",
                       "Send a reminder", "Wes Worker"]
    assert [r[0] for r in rows[1:]] == ["'=HYPERLINK(\"http://x\")", "Dan Draft"]
    assert rows[2][4:8] == ["Not sent yet", "", "", "Send the request"]
    everything = _csv(world.admin.get(f"/t/{world.team.slug}/caseload.csv"))
    assert len(everything) == 5 and "Zed Elsewhere" not in str(everything)
    exported = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "caseload_exported")).all()
    assert [e.detail for e in exported] == [{"organisation": "experian"}, {}]


def test_read_only_members_see_the_caseload_but_cannot_export(world, caseload):
    html = _page(world, member=world.reader)
    assert _names(html) == ["Ann Overdue", "Cat Reply", "Ben Soon", "Dan Draft"]
    assert "caseload.csv" not in html
    assert world.reader.get(f"/t/{world.team.slug}/caseload.csv").status_code == 403


def test_outsiders_see_nothing(app, caseload, world):
    assert app.test_client().get(f"/t/{world.team.slug}/caseload.csv").status_code == 302  # sign in first


def test_refresh_command_rebuilds_the_cache(cli_runner, instance_path):
    from dsar.casework import services
    from dsar.config import load_settings
    from dsar.db import make_engine, make_session_factory
    from dsar.requests.services import case_state
    from dsar.teams import accounts
    from tests.casework.caseload_helpers import add_client as new_client

    engine = make_engine(load_settings().database_url)  # the CLI's database
    with make_session_factory(engine)() as session:
        team, _token = accounts.create_team(session, "Leeds Debt Advice", "admin@leeds.example")
        client = new_client(session, team.id, "Jo Bloggs", None)
        request = add_request(session, client, date(2026, 9, 1))
        record(session, request, "sent", date(2026, 9, 1), instance_path, channel="email")
        session.query(RequestState).delete()  # as if made before the cache existed
        session.commit()
        result = cli_runner("caseload", "refresh", "--today", "2026-11-26")
        assert result.exit_code == 0 and result.output == "1 request(s) re-derived as of 2026-11-26\n"
        row = session.get(RequestState, request.id)
        truth = case_state(request, date(2026, 11, 26))
        assert (row.status, row.due_on, row.team_id, truth.status) == ("sent", truth.due, team.id, "overdue")
        assert services.get_client(session, team.id, client.public_id) is not None
    engine.dispose()
    bad = cli_runner("caseload", "refresh", "--today", "26/11/2026")
    assert bad.exit_code == 2 and bad.output.startswith("error: --today")
