"""The tests' databases on either backend, addressed the same way: by a file path.

On SQLite a test's database is that file (``sqlite:///PATH``). On PostgreSQL the same path
names a database of its own on the throwaway server (tests/postgres_server.py), created on
first use; so a test (or a fixture) that says "the instance's dsar.sqlite3" gets the same
database on both backends, and the CLI and the web app can share it as they do on SQLite.

Copies are how the tests stay fast: one database is bootstrapped per run (migrated, seeded)
and each test gets a copy — a file copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on
PostgreSQL. Each test's databases are dropped when it ends.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from tests.postgres_server import SUPERUSER, PostgresServer

BACKENDS = ("sqlite", "postgresql")
# One counter per process: names stay unique however many Databases a test run makes.
_numbers = itertools.count(1)


class Databases:
    def __init__(self, server: PostgresServer | None, prefix: str = "t") -> None:
        self.server = server
        self.prefix = f"{prefix}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
        self._names: dict[Path, str] = {}

    @property
    def backend(self) -> str:
        return "postgresql" if self.server else "sqlite"

    def url(self, path: Path) -> str:
        """The database that ``path`` names (empty when first asked for, like a new file)."""
        if self.server is None:
            return f"sqlite:///{path}"
        if Path(path) not in self._names:
            self.server.execute(f'CREATE DATABASE "{self._name(path)}"')
        return self.server.url(self._name(path))

    def exists(self, path: Path) -> bool:
        return Path(path).exists() if self.server is None else Path(path) in self._names

    def copy(self, source_url: str, path: Path) -> str:
        """Make ``path`` a copy of the database at ``source_url`` (replacing it); its URL."""
        source = make_url(source_url).database
        if self.server is None:
            shutil.copy(source, path)
            return f"sqlite:///{path}"
        # The same name as before, so a URL already handed out (the CLI's) still points to it.
        name = self._name(path)
        self.server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        # The source must have no open connection: fixtures dispose their engines first.
        self.server.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
        return self.server.url(name)

    def dump(self, path: Path) -> str:
        """Everything in the database as SQL text (``INSERT INTO …`` per row)."""
        if self.server is None:
            with sqlite3.connect(path) as connection:
                return "\n".join(connection.iterdump())
        return subprocess.run(
            [str(self.server.bin / "pg_dump"), "--inserts", "--host", str(self.server.folder),
             "--port", str(self.server.port), "--username", SUPERUSER, self._names[Path(path)]],
            capture_output=True, text=True, check=True, timeout=120).stdout

    def drop(self, path: Path) -> None:
        name = self._names.pop(Path(path), None)
        if name is not None:
            self.server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def drop_all(self) -> None:
        for path in list(self._names):
            self.drop(path)

    def _name(self, path: Path) -> str:
        if Path(path) not in self._names:
            self._names[Path(path)] = f"{self.prefix}_{next(_numbers)}_{Path(path).stem}"[:60].lower()
        return self._names[Path(path)]
