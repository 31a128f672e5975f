"""Factories for the team area: a team made by the operator command's service, members who
joined through their invitation links, and a signed-in test client for each."""

from __future__ import annotations

import pytest

from dsar.teams import accounts, audit
from tests.conftest import csrf_token

PASSWORD = "correct horse battery staple"


@pytest.fixture
def db_session(app):
    with app.extensions["dsar_sessions"]() as session:
        yield session


@pytest.fixture
def make_team(db_session):
    def make(name="Leeds Debt Advice", admin_email="admin@leeds.example", slug=None):
        team, token = accounts.create_team(db_session, name, admin_email, slug=slug)
        audit.record(db_session, team.id, "team_created", object_type="team", object_id=team.public_id)
        db_session.commit()
        return team, token

    return make


@pytest.fixture
def join(app):
    """Accept an invitation in a fresh client; return the signed-in client."""

    def accept(token: str, password: str = PASSWORD, name: str = "Test Member"):
        client = app.test_client()
        page = client.get(f"/team/invitation/{token}")
        assert page.status_code == 200, page.status_code
        response = client.post(f"/team/invitation/{token}", data={
            "csrf_token": csrf_token(page.get_data(as_text=True)), "name": name,
            "password": password, "password_again": password,
        })
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return accept


@pytest.fixture
def invite(db_session):
    def make(team, email: str, role: str) -> str:
        token = accounts.invite(db_session, team, email, role)
        db_session.commit()
        return token

    return make


def sign_in(client, email: str, password: str = PASSWORD):
    page = client.get("/team/login")
    return client.post("/team/login", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "email": email, "password": password,
    })
