"""Shared fixtures: a real app on a temporary SQLite file, its client and CLI runner, and
factories that build exactly the people and requests a test needs."""

from __future__ import annotations

import re
import shutil
from datetime import date

import pytest
from click.testing import CliRunner

from dsar import create_app
from dsar.bootstrap import bootstrap
from dsar.cli import cli
from dsar.config import load_settings
from dsar.letters.model import LetterRequest, Person, Recipient

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


@pytest.fixture(scope="session")
def bootstrapped_instance(tmp_path_factory):
    """One instance folder bootstrapped once per test run (migrated, seeded database and
    compiled catalogs); each test gets a copy of its database file (see ``app``)."""
    path = tmp_path_factory.mktemp("bootstrapped")
    settings = load_settings({"DSAR_INSTANCE_PATH": str(path), "DSAR_SECRET_KEY": "test-secret"})
    bootstrap(settings)
    return settings


@pytest.fixture
def instance_path(tmp_path):
    path = tmp_path / "instance"
    path.mkdir()
    return path


@pytest.fixture
def app(instance_path, bootstrapped_instance):
    database = instance_path / "test.sqlite3"
    # The bootstrapped database's WAL was folded into its file when its engine closed.
    shutil.copy(bootstrapped_instance.database_url.removeprefix("sqlite:///"), database)
    app = create_app({
        "DSAR_INSTANCE_PATH": str(instance_path),
        "DSAR_DATABASE_URL": f"sqlite:///{database}",
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
def cli_runner(instance_path, bootstrapped_instance, monkeypatch):
    """Invoke the real CLI against a temporary instance folder holding a copy of the
    bootstrapped database (the commands' own bootstrap then finds nothing to do)."""
    database = instance_path / "dsar.sqlite3"
    if not database.exists():
        shutil.copy(bootstrapped_instance.database_url.removeprefix("sqlite:///"), database)
    monkeypatch.setenv("DSAR_INSTANCE_PATH", str(instance_path))
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
