"""Another process holding SQLite's write lock beyond the busy timeout is answered with a
503 "try again in a moment" page and Retry-After, not a 500."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from dsar.web.errors import database_busy
from tests.conftest import csrf_token

BUSY_TIMEOUT_MS = 100
# PostgreSQL has no lock on the whole database for another process to hold: writers wait on
# rows, and its lock timeout is recognised by the last test below.
WHOLE_DATABASE_LOCK = pytest.mark.sqlite_only("holds SQLite's database-wide write lock (BEGIN IMMEDIATE)")


@pytest.fixture
def short_busy_timeout(app):
    """Wait 100 ms, not the production 5 s, for a lock (registered after db.py's pragmas,
    so it overrides their busy_timeout on every new connection)."""

    def shorten(dbapi_connection, _record):
        dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")

    event.listen(app.extensions["dsar_engine"], "connect", shorten)
    return app


@pytest.fixture
def other_process(app):
    """Another connection to the app's database, as another process would hold it."""
    url = make_url(app.config["DSAR_SETTINGS"].database_url)
    if url.get_backend_name() == "sqlite":
        connection = sqlite3.connect(url.database, isolation_level=None)
    else:
        import psycopg

        libpq_url = url.set(drivername="postgresql").render_as_string(hide_password=False)
        connection = psycopg.connect(libpq_url, autocommit=True)
    yield connection
    connection.close()


@WHOLE_DATABASE_LOCK
def test_a_locked_database_answers_503_with_retry_after(short_busy_timeout, client, other_process):
    token = csrf_token(client.get("/write/organisations").get_data(as_text=True))
    other_process.execute("BEGIN IMMEDIATE")
    response = client.post("/write/organisations", data={
        "orgs": ["experian-gb"], "shown": ["experian-gb"], "action": "continue", "csrf_token": token})
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    html = response.get_data(as_text=True)
    assert "The service is busy" in html and "Try again in a moment" in html
    assert "Traceback" not in html and "database is locked" not in html


@WHOLE_DATABASE_LOCK
def test_once_the_lock_is_released_the_same_form_works(short_busy_timeout, client, other_process):
    token = csrf_token(client.get("/write/organisations").get_data(as_text=True))
    other_process.execute("BEGIN IMMEDIATE")
    data = {"orgs": ["experian-gb"], "shown": ["experian-gb"], "action": "continue", "csrf_token": token}
    assert client.post("/write/organisations", data=data).status_code == 503
    other_process.execute("COMMIT")
    assert client.post("/write/organisations", data=data).status_code == 302


@WHOLE_DATABASE_LOCK
def test_the_busy_page_is_translated(short_busy_timeout, client, other_process):
    token = csrf_token(client.get("/write/organisations").get_data(as_text=True))
    client.post("/language", data={"lang": "cy", "next": "/", "csrf_token": token})
    other_process.execute("BEGIN IMMEDIATE")
    response = client.post("/write/request", data={"right": "access", "csrf_token": token})
    assert response.status_code == 503
    assert "The service is busy" not in response.get_data(as_text=True)


class _LockNotAvailable(Exception):
    """Stands in for the PostgreSQL driver's error (no server here): its SQLSTATE is what counts."""

    pgcode = "55P03"


def test_postgresql_lock_timeouts_are_busy_other_failures_are_not():
    assert database_busy(OperationalError(
        "UPDATE wizard_draft …", {}, _LockNotAvailable("canceling statement due to lock timeout")))
    assert database_busy(OperationalError("INSERT …", {}, sqlite3.OperationalError("database is locked")))
    assert not database_busy(OperationalError("SELECT …", {}, sqlite3.OperationalError("no such table: x")))


def test_any_other_database_failure_is_still_a_500(app, client, other_process):
    token = csrf_token(client.get("/write/organisations").get_data(as_text=True))
    other_process.execute("DROP TABLE wizard_draft")
    app.testing = False  # answer with the 500 page, as in production
    response = client.post("/write/organisations", data={
        "orgs": ["experian-gb"], "shown": ["experian-gb"], "action": "continue", "csrf_token": token})
    assert response.status_code == 500 and "Retry-After" not in response.headers
