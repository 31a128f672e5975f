"""A throwaway PostgreSQL server for the tests, started as a child process.

Nothing preinstalled is assumed beyond Debian's ``postgresql`` package (its ``initdb`` and
``pg_ctl`` under /usr/lib/postgresql/VERSION/bin): no system service, no running cluster, no
configuration. The cluster lives in a new folder under the system's temp folder and listens
only on a Unix socket in that folder (``listen_addresses=''``), so two test processes never
compete for a port and nothing outside this machine's users can reach it. Authentication is
``trust`` for the same reason: the socket's folder is the only way in.

PostgreSQL refuses to run as root. CI and these machines run as root, so there the server runs
as the ``postgres`` user that Debian's package creates (or ``nobody`` where it does not exist),
through ``runuser``; a developer's ordinary account runs it directly.

Durability is switched off (fsync, synchronous_commit, full_page_writes): a crash loses a
throwaway cluster, and the tests run several times faster.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "dsar"
_SPEED_OVER_SAFETY = ("-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                      "-c max_connections=300 -c shared_buffers=64MB")


def server_binaries() -> Path:
    """The folder holding initdb and pg_ctl: the newest Debian PostgreSQL, else the PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise RuntimeError("PostgreSQL's server is not installed: apt-get install -y postgresql "
                       "(the tests start their own throwaway server from it)")


def _server_account() -> str | None:
    """The unprivileged account the server runs as when we are root (None: run as ourselves)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root and neither a postgres nor a nobody account exists")


def stop_abandoned_servers() -> None:
    """Stop the servers of test runs that were killed before they could stop their own (a
    server outlives a SIGKILLed pytest): any of our folders whose owner process is gone."""
    for folder in Path(tempfile.gettempdir()).glob("dsar-pg-*"):
        try:
            owner = int((folder / "owner.pid").read_text())
            os.kill(owner, 0)
            continue  # still running: someone else's live server
        except ProcessLookupError:
            pass
        except (OSError, ValueError):
            continue  # being created right now, or not ours to judge
        pid_file = folder / "data" / "postmaster.pid"
        if pid_file.exists():
            subprocess.run([str(server_binaries() / "pg_ctl"), "-D", str(folder / "data"), "-m", "immediate",
                            "stop"], capture_output=True, timeout=60,
                           **({"user": _server_account()} if _server_account() else {}))
        shutil.rmtree(folder, ignore_errors=True)


class PostgresServer:
    """One cluster: ``start()``, ``url(database)``, ``execute(sql)``, ``stop()``."""

    def __init__(self) -> None:
        self.bin = server_binaries()
        self.account = _server_account()
        # Under /tmp (not pytest's basetemp, which is private to root): the server's account
        # must be able to reach its own folder. Short, too: a socket path has ~100 characters.
        self.folder = Path(tempfile.mkdtemp(prefix="dsar-pg-"))
        self.data = self.folder / "data"
        self.port = 5432  # names the socket file only: no TCP listener is opened
        self._admin = None

    def _run(self, *command: str) -> None:
        if self.account:
            command = ("runuser", "-u", self.account, "--", *command)
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n"
                               f"{result.stdout}{result.stderr}{tail}")

    def start(self) -> PostgresServer:
        stop_abandoned_servers()
        (self.folder / "owner.pid").write_text(str(os.getpid()))
        if self.account:
            account = pwd.getpwnam(self.account)
            os.chown(self.folder, account.pw_uid, account.pw_gid)
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", SUPERUSER, "-A", "trust",
                  "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        options = f"-p {self.port} -k {self.folder} -c listen_addresses='' {_SPEED_OVER_SAFETY}"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "server.log"),
                  "-o", options, "-w", "-t", "60", "start")
        return self

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@/{database}?host={self.folder}&port={self.port}"

    def execute(self, sql: str) -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE need that)."""
        import psycopg

        if self._admin is None or self._admin.closed:
            self._admin = psycopg.connect(host=str(self.folder), port=self.port, user=SUPERUSER,
                                          dbname="postgres", autocommit=True)
        self._admin.execute(sql)
