"""The database: migrations build the same schema as the models, SQLite runs with the
pragmas we rely on, and a fresh database is migrated and loaded on first use."""

from __future__ import annotations

from datetime import date

from sqlalchemy import create_engine, inspect, select, text

from dsar.bootstrap import prepare_database
from dsar.db import make_engine, make_session_factory, upgrade
from dsar.directory.models import Organisation
from dsar.directory.services import curated_records
from dsar.models import Base


def _schema(engine):
    inspector = inspect(engine)
    schema = {}
    for table in inspector.get_table_names():
        if table == "alembic_version":
            continue
        columns = {
            c["name"]: (str(c["type"]).split("(")[0], c["nullable"])
            for c in inspector.get_columns(table)
        }
        indexes = {(tuple(i["column_names"]), bool(i["unique"]))
                   for i in inspector.get_indexes(table)}
        uniques = {tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)}
        foreign = {(tuple(f["constrained_columns"]), f["referred_table"])
                   for f in inspector.get_foreign_keys(table)}
        schema[table] = (columns, indexes | {(u, True) for u in uniques}, foreign)
    return schema


def test_migrations_match_models(tmp_path):
    migrated = make_engine(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")
    upgrade(migrated)
    created = create_engine(f"sqlite:///{tmp_path / 'created.sqlite3'}")
    Base.metadata.create_all(created)
    m, c = _schema(migrated), _schema(created)
    assert set(m) == set(c)
    for table in m:
        assert m[table][0] == c[table][0], f"columns of {table} differ"
        assert m[table][2] == c[table][2], f"foreign keys of {table} differ"
        # Unique constraints may be spelled as constraints or unique indexes: compare the set
        # of unique column groups.
        assert {k for k, u in m[table][1] if u} == {k for k, u in c[table][1] if u}, table


def test_sqlite_pragmas(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_fresh_database_is_migrated_and_loaded_idempotently(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    _engine, factory = prepare_database(url)
    with factory() as session:
        count = len(session.scalars(select(Organisation)).all())
    assert count == len(curated_records()) >= 8
    _engine2, factory2 = prepare_database(url)  # second start: nothing new, nothing doubled
    with factory2() as session:
        assert len(session.scalars(select(Organisation)).all()) == count


def test_session_factory_on_migrated_db_rejects_orphans(tmp_path):
    import pytest
    from sqlalchemy.exc import IntegrityError

    from dsar.requests.models import Event

    engine = make_engine(f"sqlite:///{tmp_path / 'fk.sqlite3'}")
    upgrade(engine)
    with make_session_factory(engine)() as session:
        session.add(Event(request_id=999, kind="created", occurred_on=date(2026, 1, 1), data={}))
        with pytest.raises(IntegrityError):
            session.commit()
