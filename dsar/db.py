"""Engine and sessions. Each database's own settings (SQLite's pragmas, PostgreSQL's text
rule) live here and nowhere else."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class Base(DeclarativeBase):
    pass


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets the web app read while a CLI import writes; foreign keys are off by default in
    # SQLite; the busy timeout turns "database is locked" into a short wait.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# PostgreSQL's text cannot hold NUL (U+0000): the driver refuses the whole statement, so a NUL
# in a URL or a form field would be a 500 where SQLite just finds nothing. It becomes U+FFFD
# instead: a lookup matches nothing stored (never more than it would with the NUL), and free
# text keeps its length.
_NUL, _REPLACEMENT = "\x00", "\ufffd"


def _without_nul(value):
    if isinstance(value, str):
        return value.replace(_NUL, _REPLACEMENT) if _NUL in value else value
    if isinstance(value, list | tuple):
        return type(value)(_without_nul(v) for v in value)
    if isinstance(value, dict):
        return {key: _without_nul(v) for key, v in value.items()}
    return value


def _postgresql_parameters(_conn, _cursor, statement, parameters, _context, _executemany):
    # One mapping, or a list of them (executemany; "insertmanyvalues" batches pass one mapping).
    return statement, _without_nul(parameters)


def make_engine(url: str) -> Engine:
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "before_cursor_execute", _postgresql_parameters, retval=True)
    return engine


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine) -> None:
    """Apply pending migrations (the bootstrap step calls this, under its lock)."""
    command.upgrade(alembic_config(engine), "head")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, future=True)
