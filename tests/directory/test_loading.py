"""Loading the curated records on every start: cheap when nothing changed, and never over an
accepted correction or an import the operator preferred."""

from __future__ import annotations

from sqlalchemy import select

from dsar.bootstrap import prepare_database
from dsar.db import make_engine, make_session_factory
from dsar.directory import services
from dsar.directory.models import DirectoryMeta, Organisation
from dsar.directory.services import curated_records, load_curated_records, save_record, search_organisations


def test_second_start_does_not_parse_yaml(tmp_path, monkeypatch, databases):
    url = databases.url(tmp_path / "x.sqlite3")
    engine, _factory = prepare_database(url)
    engine.dispose()

    def boom():
        raise AssertionError("curated records parsed again although nothing changed")

    monkeypatch.setattr(services, "curated_records", boom)
    engine, factory = prepare_database(url)
    with factory() as session:
        assert session.get(DirectoryMeta, services.CURATED_DIGEST_KEY).value == services.curated_digest()
    engine.dispose()


def test_changed_records_are_reloaded_but_corrections_kept(tmp_path, databases):
    url = databases.url(tmp_path / "y.sqlite3")
    engine, factory = prepare_database(url)
    with factory() as session:
        acxiom = next(r for r in curated_records() if r.slug == "acxiom-gb")
        save_record(session, type(acxiom)(**{**vars(acxiom), "email": "fixed@acxiom.com"}), "corrected")
        experian = session.scalar(select(Organisation).where(Organisation.slug == "experian-gb"))
        experian.record = {**experian.record, "email": "stale@example.com"}
        session.get(DirectoryMeta, services.CURATED_DIGEST_KEY).value = "older release"
        session.commit()
        assert load_curated_records(session) == 1  # experian-gb back to the shipped version
        session.commit()
        by_slug = {o.slug: o for o in session.scalars(select(Organisation))}
        assert by_slug["acxiom-gb"].record["email"] == "fixed@acxiom.com"
        assert by_slug["acxiom-gb"].origin == "corrected"
        assert by_slug["experian-gb"].record["email"] != "stale@example.com"
        assert search_organisations(session, "experian")[0].slug == "experian-gb"
    engine.dispose()


def test_migrating_an_existing_database_indexes_what_it_holds(tmp_path, databases):
    """A database created before the search index: its organisations become searchable."""
    from alembic import command

    from dsar.db import alembic_config

    url = databases.url(tmp_path / "old.sqlite3")
    engine = make_engine(url)
    command.upgrade(alembic_config(engine), "0001")
    with make_session_factory(engine)() as session:
        session.add(Organisation(slug="old-co-gb", name="Oldfield Data Ltd", kind="company", country="gb",
                                 quality="verified", origin="imported",
                                 record={"slug": "old-co-gb", "name": "Oldfield Data Ltd", "country": "gb",
                                         "quality": "imported", "categories": ["data_broker"],
                                         "address": ["1 Old Road", "York", "YO1 1AA"], "sources": []}))
        session.commit()
    engine.dispose()
    engine, factory = prepare_database(url)
    with factory() as session:
        assert search_organisations(session, "oldfield")[0].slug == "old-co-gb"
    engine.dispose()
