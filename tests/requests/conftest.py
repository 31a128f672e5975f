"""Fixtures for tracking: a clock the test moves, requests made through the services, a page
helper that posts forms with real CSRF tokens, and a real SMTP server (aiosmtpd) on
127.0.0.1 that collects every message it is sent."""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from datetime import date

import pytest

from dsar.letters.inputs import recipient_to_dict
from dsar.requests.services import create_request, create_workspace, find_workspace
from tests.conftest import EXPERIAN, csrf_token

START = date(2026, 9, 1)
PERSON = {
    "name": "Siân Llŵyd",
    "address": ["12 Heol y Frenhines", "Cardiff", "CF10 1AA"],
    "email": "sian@example.org",
}


@dataclass
class Clock:
    """The app's "today" (app.config["DSAR_TODAY"]), moved by the test."""

    app: object
    day: date = START

    def set(self, day: date | str) -> date:
        self.day = date.fromisoformat(day) if isinstance(day, str) else day
        self.app.config["DSAR_TODAY"] = self.day
        return self.day


@pytest.fixture
def clock(app):
    c = Clock(app)
    c.set(START)
    return c


@dataclass
class Tracked:
    token: str
    public_id: str
    reference: str

    @property
    def url(self) -> str:
        return f"/w/{self.token}/r/{self.public_id}"

    @property
    def workspace_url(self) -> str:
        return f"/w/{self.token}"


@pytest.fixture
def make_tracked(app):
    """A request written on ``today`` to ``recipient`` (Experian by default, no email address:
    the letter goes by post), in a new workspace or the one whose ``token`` is given."""

    def make(*, today: date = START, recipient=EXPERIAN, jurisdiction="uk", right="access",
             token: str | None = None) -> Tracked:
        with app.app_context():
            session = app.extensions["dsar_sessions"]()
            if token is None:
                workspace, token = create_workspace(session)
            else:
                workspace = find_workspace(session, token)
            req = create_request(
                session, workspace, right=right, jurisdiction=jurisdiction, language="en",
                org_slug=None, recipient=recipient_to_dict(recipient), person=dict(PERSON),
                details={"channel": "letter"}, today=today,
            )
            session.commit()
            tracked = Tracked(token, req.public_id, req.reference)
            session.close()
        return tracked

    return make


def submit(client, url: str, data: dict, *, form_url: str | None = None, **kwargs):
    """GET the form (for its CSRF token), then POST ``data`` to ``url``."""
    page = client.get(form_url or url)
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    return client.post(url, data={**data, "csrf_token": csrf_token(page.get_data(as_text=True))},
                       **kwargs)


def record(client, tracked: Tracked, kind: str, day: str, **fields):
    y, m, d = day.split("-")
    return submit(client, f"{tracked.url}/record/{kind}",
                  {"date-day": str(int(d)), "date-month": str(int(m)), "date-year": y, **fields},
                  content_type="multipart/form-data")


@dataclass
class Collector:
    """An aiosmtpd handler that keeps every message it receives."""

    messages: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope)
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1; yields (url, collector)."""
    from aiosmtpd.controller import Controller

    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{controller.port}?from=reminders@dsar.example", collector
    finally:
        controller.stop()



@pytest.fixture
def cli(cli_runner, app, instance_path, monkeypatch):
    """The real CLI on the same database as ``app`` (the web pages the test drives)."""
    monkeypatch.setenv("DSAR_DATABASE_URL", app.config["DSAR_SETTINGS"].database_url)
    monkeypatch.setenv("DSAR_SECRET_KEY", "test-secret")
    return cli_runner
