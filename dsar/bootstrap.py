"""The start-up step: migrate the database, load changed directory records, compile the UI
catalogs. Run by ``python run.py`` (before serving), ``python run.py db upgrade`` (operators,
deploy scripts) and the commands that use the database — never by ``create_app()``, so any
number of web processes can start without racing to change the schema.

Several processes may still bootstrap at once (two terminals, a deploy script and a cron
job): the whole step runs under one lock per database — a file lock beside a SQLite file, an
advisory lock on PostgreSQL — and every part of it is idempotent, so the second process
waits, then finds nothing to do.
"""

from __future__ import annotations

import contextlib
import fcntl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from dsar.config import Settings
from dsar.db import make_engine, make_session_factory, upgrade
from dsar.directory.services import load_curated_records
from dsar.i18n import ensure_compiled

# Any fixed 64-bit number, the same in every process of every dsar deployment.
POSTGRES_LOCK_KEY = 0x64_73_61_72_62_6F_6F_74  # "dsarboot"


@dataclass(frozen=True)
class BootstrapReport:
    directory_records_changed: int
    catalogs_compiled: int


@contextlib.contextmanager
def bootstrap_lock(engine: Engine, lock_dir: Path) -> Iterator[None]:
    """Hold the one lock that serialises bootstraps of the same database."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": POSTGRES_LOCK_KEY})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": POSTGRES_LOCK_KEY})
        return
    database = make_url(str(engine.url)).database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        lock_path = Path(database).with_name(Path(database).name + ".bootstrap-lock")
    else:
        lock_path = lock_dir / "bootstrap.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # blocks until the other process is done
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def migrate_and_seed(engine: Engine, lock_dir: Path) -> int:
    """Bring the schema to the newest migration and the directory to the shipped records,
    under the bootstrap lock; return how many directory records changed."""
    with bootstrap_lock(engine, lock_dir):
        upgrade(engine)
        with make_session_factory(engine)() as session:
            changed = load_curated_records(session)
            session.commit()
    return changed


def prepare_database(url: str, lock_dir: Path | None = None) -> tuple[Engine, sessionmaker[Session]]:
    """Engine and sessions for a database that is migrated and holds the shipped directory
    (the commands and tests use this; safe from several processes at once)."""
    engine = make_engine(url)
    migrate_and_seed(engine, lock_dir or Path.cwd())
    return engine, make_session_factory(engine)


def bootstrap(settings: Settings) -> BootstrapReport:
    """The whole start-up step for one instance: catalogs, schema, directory."""
    compiled = ensure_compiled(settings.compiled_catalogs)
    engine = make_engine(settings.database_url)
    try:
        changed = migrate_and_seed(engine, settings.instance_path)
    finally:
        engine.dispose()
    return BootstrapReport(directory_records_changed=changed, catalogs_compiled=len(compiled))
