"""The database: migrations build the same schema as the models (on the backend the tests run
on), SQLite runs with the pragmas we rely on, and a fresh database is migrated and loaded on
first use."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import create_engine, inspect, select, text

from dsar.bootstrap import prepare_database
from dsar.db import make_engine, make_session_factory, upgrade
from dsar.directory.models import Organisation
from dsar.directory.services import curated_records
from dsar.models import Base


def _schema(engine) -> dict[str, dict[str, object]]:
    """Everything the inspector reports that a migration can get wrong, table by table:
    column types with their lengths, nullability and server defaults, the primary key, every
    index (unique or not), unique constraints, foreign keys with their targets and ON DELETE,
    and check constraints, names included (later migrations drop constraints by name)."""
    inspector = inspect(engine)
    schema = {}
    for table in inspector.get_table_names():
        if table == "alembic_version":
            continue
        schema[table] = {
            "columns": {c["name"]: (str(c["type"]), c["nullable"], c["default"])
                        for c in inspector.get_columns(table)},
            "primary key": tuple(inspector.get_pk_constraint(table)["constrained_columns"]),
            "indexes": {(i["name"], tuple(i["column_names"]), bool(i["unique"]))
                        for i in inspector.get_indexes(table)},
            "unique constraints": {(u["name"], tuple(u["column_names"]))
                                   for u in inspector.get_unique_constraints(table)},
            "foreign keys": {(f["name"], tuple(f["constrained_columns"]), f["referred_table"],
                              tuple(f["referred_columns"]), f["options"].get("ondelete"))
                             for f in inspector.get_foreign_keys(table)},
            "check constraints": {(c["name"], c["sqltext"]) for c in inspector.get_check_constraints(table)},
        }
    return schema


def test_migrations_match_models(tmp_path, databases):
    migrated_engine = make_engine(databases.url(tmp_path / "migrated.sqlite3"))
    upgrade(migrated_engine)
    created_engine = create_engine(databases.url(tmp_path / "created.sqlite3"))
    Base.metadata.create_all(created_engine)
    migrated, created = _schema(migrated_engine), _schema(created_engine)
    assert sorted(migrated) == sorted(created)
    differences = [
        f"{table} {part}:\n  migrations: {migrated[table][part]}\n  models:     {created[table][part]}"
        for table in sorted(migrated) for part in migrated[table]
        if migrated[table][part] != created[table][part]
    ]
    assert not differences, "\n".join(differences)
    # The comparison sees what it claims to: lengths and plain indexes are in it.
    assert migrated["workspace"]["columns"]["reminder_email"][0] == "VARCHAR(320)"
    assert any(not unique for _name, _columns, unique in migrated["event"]["indexes"])
    migrated_engine.dispose()
    created_engine.dispose()


@pytest.mark.sqlite_only("the pragmas are SQLite's own settings")
def test_sqlite_pragmas(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'p.sqlite3'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000


def test_fresh_database_is_migrated_and_loaded_idempotently(tmp_path, databases):
    url = databases.url(tmp_path / "fresh.sqlite3")
    _engine, factory = prepare_database(url)
    with factory() as session:
        count = len(session.scalars(select(Organisation)).all())
    assert count == len(curated_records()) >= 8
    _engine2, factory2 = prepare_database(url)  # second start: nothing new, nothing doubled
    with factory2() as session:
        assert len(session.scalars(select(Organisation)).all()) == count


def test_session_factory_on_migrated_db_rejects_orphans(tmp_path, databases):
    from sqlalchemy.exc import IntegrityError

    from dsar.requests.models import Event

    engine = make_engine(databases.url(tmp_path / "fk.sqlite3"))
    upgrade(engine)
    with make_session_factory(engine)() as session:
        session.add(Event(request_id=999, kind="created", occurred_on=date(2026, 1, 1), data={}))
        with pytest.raises(IntegrityError):
            session.commit()


def test_a_migration_that_rebuilds_a_table_keeps_the_rows_that_reference_it(tmp_path, databases):
    """SQLite alters a table by rebuilding it; with foreign keys on, dropping the old copy
    would cascade to every event of every request (0012_cascade rebuilds ``request``).
    PostgreSQL alters in place: the rows must survive there too."""
    from alembic import command

    from dsar.db import alembic_config

    engine = make_engine(databases.url(tmp_path / "old.sqlite3"))
    command.upgrade(alembic_config(engine), "0011_caseload_state")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO workspace (public_id, kind, token_hash) VALUES ('w', 'private', 'h')"))
        conn.execute(text(
            'INSERT INTO request (public_id, workspace_id, reference, "right", jurisdiction, language,'
            " recipient, person, details) VALUES ('r', 1, 'DSAR-TEST', 'access', 'uk', 'en', '{}',"
            " '{}', '{}')"))
        conn.execute(text("INSERT INTO event (request_id, kind, occurred_on, data)"
                          " VALUES (1, 'created', '2026-09-01', '{}'), (1, 'sent', '2026-09-01', '{}')"))
    upgrade(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM event WHERE request_id = 1")).scalar_one() == 2
        if engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1  # back on afterwards
    engine.dispose()


def test_a_nul_in_a_parameter_matches_nothing_and_fails_nothing(app):
    """PostgreSQL refuses text holding NUL; a lookup with one (from a URL or a form) finds
    nothing, on either database, instead of raising."""
    with app.extensions["dsar_sessions"]() as session:
        found = session.scalars(select(Organisation.slug).where(
            Organisation.slug.in_(["experian-gb\x00", "\x00", "experian-gb"]))).all()
    assert found == ["experian-gb"]
