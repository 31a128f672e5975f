"""Isolation: every URL rule of the app, walked as an anonymous visitor, as each role of team
A and as the admin of team B, against team A's objects. Nobody outside team A ever sees A's
data (only a redirect to sign in, 400, 403 or 404), read-only members change and export
nothing, and no answer is a server error."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from dsar.casework.models import Client
from dsar.requests import uploads as up
from dsar.requests.models import Event
from dsar.teams.models import Account
from tests.casework.conftest import CLIENT_FORM, add_request
from tests.casework.test_clients import _add
from tests.conftest import csrf_token
from tests.replies import samples

SECRET_NAME = "Zebedee Quarrington"  # team A's client: must never reach an outsider
OUTSIDER_ANSWERS = {302, 400, 403, 404, 405}


@pytest.fixture
def team_a(app, world, db_session, make_team, join):
    _add(world, {**CLIENT_FORM, "name": SECRET_NAME})
    client = db_session.scalar(select(Client).where(Client.name == SECRET_NAME))
    request = add_request(db_session, client, today=date(2026, 1, 5))
    # What a client's request page acts on: an entry of its timeline and a file of the reply
    # (which names the client), so that those rules are walked with real ids.
    sent = Event(request_id=request.id, kind="sent", occurred_on=date(2026, 1, 5), data={"channel": "letter"})
    db_session.add(sent)
    [reply] = up.store(db_session, request, up.check([up.IncomingFile("reply.pdf", samples.pdf(
        f"Dear {SECRET_NAME}, here is your data."))]), Path(app.instance_path) / "uploads")
    db_session.commit()
    member = db_session.scalar(select(Account).where(Account.email == "reader@leeds.example"))
    _team_b, token_b = make_team("Team B", "b-admin@b.example", slug="team-b")
    ids = {"team": world.team.slug, "client_id": client.public_id, "member_id": member.public_id,
           "request_id": request.public_id, "public_id": request.public_id,
           "event_id": str(sent.id), "file_id": reply.public_id, "kind": "sent", "fmt": "pdf",
           "which": "correction"}
    return ids, join(token_b)


def _team_area_urls(app, ids):
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/t/"):
            continue
        url = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(ids.get(m.group(1), ids["client_id"])),
                     rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def _call(client, method, url, token=None):
    if method == "GET":
        return client.get(url)
    return client.open(url, method=method, data={"csrf_token": token or "", "confirm": SECRET_NAME,
                                                 "note": "x", "caseworker": "x", "role": "readonly"})


def test_every_team_area_rule_is_walked(app, team_a):
    ids, _b_admin = team_a
    endpoints = {endpoint for endpoint, _m, _u in _team_area_urls(app, ids)}
    # A new view under /t/ is covered automatically; this guards against the walk finding none.
    assert {"casework.caseload", "casework.client", "casework.delete_client", "team.staff",
            "team.audit_export", "casework_requests.detail", "casework_requests.take_in",
            "casework_requests.file", "casework_requests.retract"} <= endpoints


def test_outsiders_never_see_team_a(app, team_a):
    ids, b_admin = team_a
    b_token = csrf_token(b_admin.get("/t/team-b/").get_data(as_text=True))
    problems = []
    for endpoint, method, url in _team_area_urls(app, ids):
        for who, client, token in (("anonymous", app.test_client(), None),
                                   ("team B admin", b_admin, b_token)):
            response = _call(client, method, url, token)
            body = response.get_data(as_text=True)
            if response.status_code not in OUTSIDER_ANSWERS or SECRET_NAME in body or "Leeds Debt" in body:
                problems.append((who, method, url, endpoint, response.status_code))
            if response.status_code == 302 and "/team/login" not in response.headers["Location"]:
                problems.append((who, method, url, endpoint, "redirect elsewhere"))
    assert problems == []


def test_read_only_members_change_and_export_nothing(app, world, team_a):
    ids, _b_admin = team_a
    token = csrf_token(world.reader.get(f"/t/{ids['team']}/").get_data(as_text=True))
    problems = []
    for endpoint, method, url in _team_area_urls(app, ids):
        if endpoint in ("team.two_factor_setup", "team.sign_out"):
            continue  # every member manages their own sign-in
        response = _call(world.reader, method, url, token)
        changing = method != "GET" or endpoint.endswith(("delete_client", "edit_client", "new_client"))
        exporting = url.endswith((".csv", ".zip")) or "export" in endpoint
        if response.status_code >= 500 or ((changing or exporting) and response.status_code != 403):
            problems.append((method, url, response.status_code))
    assert problems == []


def test_members_of_team_a_never_get_a_server_error(app, world, team_a):
    ids, _b_admin = team_a
    for client in (world.admin, world.worker):
        token = csrf_token(client.get(f"/t/{ids['team']}/").get_data(as_text=True))
        found = {}
        for endpoint, method, url in _team_area_urls(app, ids):
            if url.endswith(("/delete", "/sign-out", "/remove")) and method == "POST":
                continue  # would end the walk (the delete itself is tested on its own)
            found[endpoint, method] = _call(client, method, url, token).status_code
            assert found[endpoint, method] < 500, (method, url)
        # The client's request page and its file were reached with real ids, not only 404s.
        assert [found["casework_requests." + e, "GET"] for e in ("detail", "file", "download")] == [200] * 3
