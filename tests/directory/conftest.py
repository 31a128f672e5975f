"""Directory fixtures: the shared datenanfragen.de copy (skipped with a reason when absent),
a database that already holds it (built once, copied per test), and an admin-enabled app."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tests.conftest import once_per_run

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "datenanfragen-data"
SHARED_COMPANIES, SHARED_AUTHORITIES = 3069, 57
# Upstream records refused by the shared email rule (dsar/validation.py): this one has soft
# hyphens (U+00AD) inside the address, which no mail server accepts.
SHARED_BAD_EMAILS = ("companies/vrbank-muenchen-land.json",)
ADMIN_TOKEN = "correct horse battery staple, and then some more"  # at least 32 characters


def _shared_dir() -> Path:
    if not (SHARED / "companies").is_dir():
        pytest.skip(f"needs the datenanfragen data beside the checkout (../shared/datenanfragen-data): "
                    f"not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return _shared_dir()


@pytest.fixture(scope="session")
def imported_db(tmp_path_factory, session_databases) -> str:
    """The URL of a database holding the curated records and the whole shared import: on
    SQLite a file built once per run (tests/conftest.py ``once_per_run``); on PostgreSQL one
    per xdist worker, since each worker has a server of its own (tests/postgres_server.py)."""
    from dsar.bootstrap import prepare_database
    from dsar.directory.importer import import_datenanfragen

    source = _shared_dir()

    def build(folder: Path) -> tuple[str, tuple[str, ...]]:
        engine, factory = prepare_database(session_databases.url(folder / "dsar.sqlite3"))
        with factory() as session:
            report = import_datenanfragen(session, source)
            session.commit()
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:  # fold the WAL into the file before it is copied
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        return engine.url.render_as_string(hide_password=False), tuple(name for name, _r in report.invalid)

    if session_databases.server is None:
        url, invalid = once_per_run(tmp_path_factory, "imported-directory", build)
    else:
        url, invalid = build(tmp_path_factory.mktemp("imported"))
    assert invalid == SHARED_BAD_EMAILS
    return url


@pytest.fixture
def with_import(imported_db, instance_path, databases) -> str:
    """Give the CLI's instance folder a copy of the imported database; its URL."""
    return databases.copy(imported_db, instance_path / "dsar.sqlite3")


@pytest.fixture
def admin_app(app):
    settings = app.config["DSAR_SETTINGS"]
    app.config["DSAR_SETTINGS"] = dataclasses.replace(settings, admin_token=ADMIN_TOKEN)
    return app


@pytest.fixture
def session(app):
    factory = app.extensions["dsar_sessions"]
    with factory() as session:
        yield session
