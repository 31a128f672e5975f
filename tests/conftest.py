"""Shared fixtures: a real app on a temporary database (a SQLite file, or a database on a
throwaway PostgreSQL server with ``--database postgresql`` / ``DSAR_TEST_DATABASE=postgresql``),
its client and CLI runner, and factories that build exactly the people and requests a test
needs."""

from __future__ import annotations

import os
import re
from datetime import date

import pytest
from click.testing import CliRunner

from dsar import create_app
from dsar.bootstrap import bootstrap
from dsar.cli import cli
from dsar.config import load_settings
from dsar.letters.model import LetterRequest, Person, Recipient
from tests.databases import BACKENDS, Databases
from tests.postgres_server import PostgresServer

TODAY = date(2026, 11, 26)


def once_per_run(tmp_path_factory, name: str, build):
    """``build(folder)``'s result, built once per test run even under pytest-xdist: the first
    worker that needs it builds it in the run's shared temporary folder, under a file lock,
    and the others wait for it and read the result from there (it must pickle)."""
    import fcntl
    import pickle

    shared = tmp_path_factory.getbasetemp().parent / name
    shared.mkdir(exist_ok=True)
    with open(shared / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        results = shared / "result.pickle"
        if results.exists():
            return pickle.loads(results.read_bytes())
        result = build(shared)
        results.write_bytes(pickle.dumps(result))
        return result


def pytest_addoption(parser):
    parser.addoption("--database", choices=BACKENDS, default=os.environ.get("DSAR_TEST_DATABASE", "sqlite"),
                     help="the database the tests run on (default: $DSAR_TEST_DATABASE or sqlite)")


def pytest_collection_modifyitems(config, items):
    backend = config.getoption("--database")
    for item in items:
        only = item.get_closest_marker("sqlite_only")
        if only and backend != "sqlite":
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {only.args[0]}"))


@pytest.fixture(scope="session")
def database_backend(pytestconfig) -> str:
    return pytestconfig.getoption("--database")


@pytest.fixture(scope="session")
def postgres_server(database_backend):
    """The run's own PostgreSQL server (one per xdist worker), or None on SQLite."""
    if database_backend != "postgresql":
        yield None
        return
    server = PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def session_databases(postgres_server) -> Databases:
    """Databases that live for the whole run (the bootstrapped and imported templates)."""
    return Databases(postgres_server, prefix="template")


@pytest.fixture
def databases(postgres_server):
    """This test's databases, by path (see tests/databases.py); dropped when it ends."""
    made = Databases(postgres_server)
    yield made
    made.drop_all()


@pytest.fixture(scope="session")
def bootstrapped_instance(tmp_path_factory, session_databases):
    """One instance folder bootstrapped once per test run (migrated, seeded database and
    compiled catalogs); each test gets a copy of its database (see ``app``)."""
    path = tmp_path_factory.mktemp("bootstrapped")
    settings = load_settings({"DSAR_INSTANCE_PATH": str(path), "DSAR_SECRET_KEY": "test-secret",
                              "DSAR_DATABASE_URL": session_databases.url(path / "dsar.sqlite3")})
    bootstrap(settings)
    return settings


@pytest.fixture
def instance_path(tmp_path):
    path = tmp_path / "instance"
    path.mkdir()
    return path


@pytest.fixture
def app(instance_path, bootstrapped_instance, databases):
    # The bootstrapped database's WAL was folded into its file when its engine closed.
    url = databases.copy(bootstrapped_instance.database_url, instance_path / "test.sqlite3")
    app = create_app({
        "DSAR_INSTANCE_PATH": str(instance_path),
        "DSAR_DATABASE_URL": url,
        "DSAR_SECRET_KEY": "test-secret",
        "TESTING": True,
        "DSAR_TODAY": TODAY,
        "BABEL_TRANSLATION_DIRECTORIES": str(bootstrapped_instance.compiled_catalogs),
    })
    yield app
    app.extensions["dsar_engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def cli_runner(instance_path, bootstrapped_instance, databases, monkeypatch):
    """Invoke the real CLI against a temporary instance folder holding a copy of the
    bootstrapped database (the commands' own bootstrap then finds nothing to do). On
    PostgreSQL, DSAR_DATABASE_URL names the database that stands for the instance's file
    (``databases.url(instance_path / "dsar.sqlite3")``)."""
    database = instance_path / "dsar.sqlite3"
    if not databases.exists(database):
        databases.copy(bootstrapped_instance.database_url, database)
    monkeypatch.setenv("DSAR_INSTANCE_PATH", str(instance_path))
    if databases.server:
        monkeypatch.setenv("DSAR_DATABASE_URL", databases.url(database))
    else:
        monkeypatch.delenv("DSAR_DATABASE_URL", raising=False)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, list(args), prog_name="run.py", catch_exceptions=False)

    return invoke


@pytest.fixture
def make_person():
    def make(**overrides) -> Person:
        values = dict(
            name="Siân Llŵyd",
            address=("12 Heol y Frenhines", "Cardiff", "CF10 1AA"),
            email="sian@example.org",
            date_of_birth=date(1984, 3, 27),
            previous_addresses=(("3 Mill Road", "Swansea", "SA1 1AA"),),
            customer_numbers=(("Customer number", "12345678"),),
        )
        values.update(overrides)
        return Person(**values)

    return make


EXPERIAN = Recipient(
    name="Experian Ltd",
    address=("PO Box 9000", "Nottingham", "NG80 7WP"),
    email="",
    categories=("credit_reference_agency",),
    country="gb",
    holiday_region="england",
)
SCHUFA = Recipient(
    name="SCHUFA Holding AG",
    address=("Postfach 10 34 41", "50474 Köln", "Deutschland"),
    email="datenschutz@schufa.de",
    categories=("credit_reference_agency",),
    country="de",
    holiday_region="de",
)


@pytest.fixture
def make_request(make_person):
    def make(right="access", jurisdiction="uk", **overrides) -> LetterRequest:
        values = dict(
            right=right,
            jurisdiction=jurisdiction,
            locale="en",
            reference="DSAR-TEST-0001",
            person=make_person(),
            recipient=EXPERIAN if jurisdiction == "uk" else SCHUFA,
            today=TODAY,
            reasons="They use my data to profile me for lenders; it has cost me a mortgage.",
            corrections=("My address is shown as 12 Hill Road; it should be 21 Hill Road.",),
            erasure_ground="unlawful",
            restriction_ground="accuracy_contested",
            decision="A score of 412 given to my bank in March 2026.",
        )
        values.update(overrides)
        return LetterRequest(**values)

    return make


@pytest.fixture(scope="session")
def letter_matrix(tmp_path_factory):
    """Every kind × letter language × jurisdiction as a PDF, rendered once per test run."""
    from tests.letters.matrix import render_matrix

    return once_per_run(tmp_path_factory, "letter-matrix", render_matrix)


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)
