"""The caseload dashboard at 100,000 requests, over real HTTP, with a baseline in the same run.

    python bench/caseload.py [--requests 100000] [--clients 2000] [--workers 20]
                             [--threads 20] [--hits 1000] [--seed 1]
                             [--server-workers 2] [--server-threads 4]

Seeds a SQLite file in a temporary folder straight through the models (bulk inserts): one team,
``--workers`` caseworkers, ``--clients`` clients and ``--requests`` requests with a realistic
mix of event logs (drafts, waiting, overdue, extended, paused for clarification, replies,
refusals, complaints, closed). Fills the cache with the same function as
``python run.py caseload refresh`` (timed), then serves the real app twice, each in processes
of its own on 127.0.0.1:

- the baseline: werkzeug's threaded server, one process (``python run.py``);
- as deployed (README, "Deploying"): gunicorn, ``--server-workers`` processes of
  ``--server-threads`` threads each (the gthread worker, keep-alive).

Against each, ``--threads`` browsers sign in as the caseworkers and each keeps one keep-alive
connection; they fetch the dashboard in a closed loop with no think time (each asks for its
next page as soon as it has read the last): every filter, "mine", both orders, deep pages.
Before the timed loop each browser fetches its first five pages (untimed: every process warms
its templates and counts, which a server that has been up for a minute has done). Figures per
server: the timed loop's p50/p95 and pages/s; the server's CPU time per page (read from
/proc for its processes: steadier than wall time on a shared machine); one client alone
(the service time, without waiting behind the others); and the floor, the lightest page behind
the same sign-in check (a 404) under the same concurrency. The other baseline is the naive
way of building one caseworker's page (derive every request of their clients, then sort), timed
in-process on the same data. The read-only loop never changes a stamp, so counts are reused:
after each event a process counts each filter once again (not measured here).
Last line, for gunicorn: ``p50_ms=<x> p95_ms=<y> requests=<n>``. No asserts: the target
(p95 ≤ 100 ms) is read off.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import random
import re
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from argon2 import PasswordHasher  # noqa: E402
from sqlalchemy import insert, select  # noqa: E402
from sqlalchemy.orm import selectinload  # noqa: E402

from dsar.bootstrap import bootstrap  # noqa: E402
from dsar.casework.models import Client  # noqa: E402
from dsar.casework.state import refresh_states  # noqa: E402
from dsar.config import load_settings  # noqa: E402
from dsar.db import make_engine, make_session_factory  # noqa: E402
from dsar.requests.models import DataRequest, Event, Workspace, new_public_id  # noqa: E402
from dsar.requests.services import case_state  # noqa: E402
from dsar.teams.models import Account, Membership, Team  # noqa: E402

TODAY = date(2026, 11, 26)
PASSWORD = "bench password, not a secret"
ORGANISATIONS = [f"{name} {kind}" for name in ("Experian", "Equifax", "TransUnion", "Acme", "Globex",
                                               "Initech", "Umbrella", "Hooli", "Vandelay", "Stark")
                 for kind in ("Ltd", "plc", "Bank", "Insurance", "Energy", "Telecom", "Retail",
                              "Housing", "Council", "Finance")]
RIGHTS = ("access", "access", "access", "erasure", "rectification", "object_marketing", "portability")


def _events(rng: random.Random, written: date) -> list[tuple[str, date, dict]]:
    """One request's log: a scenario drawn with realistic weights, dated from ``written``."""
    events = [("created", written, {})]
    if rng.random() < 0.05 or written > TODAY - timedelta(days=2):
        return events  # a draft
    sent = written + timedelta(days=rng.randint(0, 3))
    events.append(("sent", sent, {"channel": rng.choice(("letter", "email", "email", "webform"))}))
    roll, day = rng.random(), sent + timedelta(days=rng.randint(3, 25))
    if roll < 0.35 or day > TODAY:
        return events  # waiting, or overdue if sent long ago
    if roll < 0.40:
        return events + [("extended", day, {})]
    if roll < 0.45:
        return events + [("clarification_requested", day, {})]
    if roll < 0.48:
        return events + [("id_requested", day, {})]
    if roll < 0.55:
        return events + [("reminder_sent", day, {"channel": "email"})]
    reply = ("response_received", day, {"completeness": "partial" if roll < 0.62 else "complete"})
    if roll < 0.80:
        return events + [reply]
    if roll < 0.84:
        return events + [("refused", day, {})]
    later = min(TODAY, day + timedelta(days=rng.randint(1, 30)))
    if roll < 0.90:
        return events + [reply, ("complaint_to_controller", later, {"channel": "email"})]
    if roll < 0.92:
        return events + [reply, ("complaint_to_regulator", later, {})]
    return events + [reply, ("closed", later, {"outcome": "fulfilled"})]


def seed(factory, *, requests: int, clients: int, workers: int,
         rng: random.Random) -> tuple[str, list[str], int]:
    """The team's slug, its caseworkers' emails and the number of events."""
    password_hash = PasswordHasher().hash(PASSWORD)  # one hash for every account: argon2 is slow
    with factory() as session:
        team = Team(slug="bench", name="Bench Advice", address=[], email="")
        session.add(team)
        session.flush()
        emails = [f"worker{i}@bench.example" for i in range(workers)]
        staff = [Account(email=e, name=f"Worker {i}", password_hash=password_hash)
                 for i, e in enumerate(emails)]
        session.add_all(staff)
        session.flush()
        session.add_all(Membership(team_id=team.id, account_id=a.id, role="caseworker") for a in staff)
        session.execute(insert(Workspace), [
            {"id": i + 1, "public_id": new_public_id(), "kind": "client", "token_hash": f"{i:064x}"}
            for i in range(clients)])
        session.execute(insert(Client), [
            {"id": i + 1, "public_id": new_public_id(), "team_id": team.id, "workspace_id": i + 1,
             "caseworker_id": staff[i % workers].id, "name": f"Client {i:05d}", "address": ["1 Road"],
             "previous_addresses": [], "email": "", "phone": "", "preferred_language": "en",
             "identifiers": {}, "safe_contact": False, "acting_mode": "authority"}
            for i in range(clients)])
        request_rows, event_rows = [], []
        for n in range(1, requests + 1):
            written = TODAY - timedelta(days=rng.randint(0, 300))
            request_rows.append({
                "id": n, "public_id": new_public_id(), "workspace_id": (n % clients) + 1,
                "reference": f"DSAR-{n // 10000:04d}-{n % 10000:04d}", "right": rng.choice(RIGHTS),
                "jurisdiction": "uk", "language": "en", "org_slug": None,
                "recipient": {"name": rng.choice(ORGANISATIONS), "address": ["1 Street", "London"],
                              "country": "gb"},
                "person": {"name": "Client", "address": ["1 Road"]},
                "details": {"letter_date": written.isoformat()}})
            event_rows += [{"request_id": n, "kind": kind, "occurred_on": day, "data": data}
                           for kind, day, data in _events(rng, written)]
        session.execute(insert(DataRequest), request_rows)
        session.execute(insert(Event), event_rows)
        session.commit()
    return "bench", emails, len(event_rows)


def naive_page(factory, team_slug: str, email: str) -> int:
    """The baseline: one caseworker's "mine" page the naive way (derive every request of
    their clients, then sort by due date and keep 25). Returns how many it derived."""
    with factory() as session:
        team = session.scalar(select(Team).where(Team.slug == team_slug))
        worker = session.scalar(select(Account).where(Account.email == email))
        rows = session.execute(select(DataRequest, Client.name)
                               .join(Client, Client.workspace_id == DataRequest.workspace_id)
                               .where(Client.team_id == team.id, Client.caseworker_id == worker.id)
                               .options(selectinload(DataRequest.events))).all()
        states = sorted(((case_state(r, TODAY), name) for r, name in rows),
                        key=lambda s: (s[0].due is None, s[0].due or date.max))
        del states[25:]
        return len(rows)


def make_app(instance: str, database_url: str):
    from dsar import create_app

    settings = load_settings({"DSAR_INSTANCE_PATH": instance, "DSAR_SECRET_KEY": "bench"})
    return create_app({"DSAR_INSTANCE_PATH": instance, "DSAR_DATABASE_URL": database_url,
                       "DSAR_SECRET_KEY": "bench", "DSAR_TODAY": TODAY, "RATELIMIT_ENABLED": False,
                       "BABEL_TRANSLATION_DIRECTORIES": str(settings.compiled_catalogs)})


def serve_werkzeug(instance: str, database_url: str, port: int) -> None:
    """The baseline: werkzeug's threaded server in one process (keep-alive: HTTP/1.1)."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args) -> None:  # one line per hit would cost more than the page
            pass

    make_server("127.0.0.1", port, make_app(instance, database_url), threaded=True,
                request_handler=Quiet).serve_forever()


def serve_gunicorn(instance: str, database_url: str, port: int, workers: int, threads: int) -> None:
    """As deployed: gunicorn's master and ``workers`` processes of ``threads`` threads (each
    worker makes its own app, so no database connection crosses a fork)."""
    from gunicorn.app.base import BaseApplication

    class Bench(BaseApplication):
        def load_config(self) -> None:
            for name, value in {"bind": f"127.0.0.1:{port}", "workers": workers, "threads": threads,
                                "worker_class": "gthread", "keepalive": 60, "loglevel": "warning",
                                "accesslog": None, "control_socket_disable": True}.items():
                if name in self.cfg.settings:  # the control socket: gunicorn 24 and later
                    self.cfg.set(name, value)

        def load(self):
            return make_app(instance, database_url)

    Bench().run()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, server) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if not server.is_alive():
            raise SystemExit(f"the server on port {port} stopped")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"no server on port {port} after 120 s")


def cpu_seconds(pid: int) -> float:
    """CPU time of a process and its children (gunicorn's workers), from /proc; 0 elsewhere."""
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, IndexError, ValueError):
            continue
    return total


class Browser:
    """One signed-in member: a cookie and one keep-alive connection to 127.0.0.1."""

    def __init__(self, port: int) -> None:
        self.port, self.cookie, self.connection = port, "", None

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie, "User-Agent": "bench"}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):  # a kept-alive connection the server has closed: open another
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode()
                break
            except (http.client.RemoteDisconnected, ConnectionError):
                self.close()
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        if response.will_close:
            self.close()
        return response.status, text

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def sign_in(self, email: str) -> None:
        _status, page = self.request("GET", "/team/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        status, _ = self.request("POST", "/team/login", {"csrf_token": token, "email": email,
                                                          "password": PASSWORD})
        if status != 302:
            raise SystemExit(f"sign-in failed for {email}: {status}")


def paths(team: str, rng: random.Random, total: int) -> list[str]:
    """The dashboard as caseworkers use it: the first page, "mine", each filter, both orders,
    an organisation, and pages deep into the list."""
    base = f"/t/{team}/"
    pages = max(41, total // 25)
    choices = [
        lambda: "", lambda: "mine=1", lambda: "status=overdue", lambda: "status=due_week",
        lambda: "status=needs_review", lambda: "mine=1&status=overdue", lambda: "order=desc",
        lambda: f"organisation={rng.choice(ORGANISATIONS).split()[0]}",
        lambda: f"page={rng.randint(2, 40)}", lambda: f"order=desc&page={rng.randint(2, 40)}",
        lambda: f"status=waiting&page={rng.randint(1, 40)}", lambda: "status=draft&mine=1",
        lambda: f"page={rng.randint(41, pages)}",  # deep into the list (OFFSET is the cost)
    ]
    return [base + "?" + rng.choice(choices)() for _ in range(400)]


def drive(browsers: list[Browser], mixes: list[list[str]], hits: int, expect: int = 200) -> list[float]:
    """Each browser fetches its mix in turn, all at once, each page as soon as the last one is
    read (a closed loop, no think time); returns every page's time (ms)."""
    threads = len(browsers)
    timings: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    per_thread = [hits // threads + (1 if i < hits % threads else 0) for i in range(threads)]

    def run(i: int) -> None:
        mix = mixes[i]
        for n in range(per_thread[i]):
            start = time.perf_counter()
            status, page = browsers[i].request("GET", mix[n % len(mix)])
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                timings.append(elapsed)
                if status != expect or "</html>" not in page:
                    errors.append(f"{status} {mix[n % len(mix)]}")

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if errors:
        raise SystemExit(f"{len(errors)} bad responses, first: {errors[0]}")
    return timings


@dataclass
class Figures:
    """One server's figures."""

    name: str
    loop: list[float]  # ms, sorted
    wall: float  # s, the timed loop
    cpu_ms: float  # the server's CPU per page in the timed loop
    client_cpu_ms: float  # this process's (the browsers') CPU per page, on the same cores
    alone: list[float]
    floor: list[float]
    load: str  # /proc/loadavg's 1-minute figure before and after: how busy the machine was

    @property
    def p50(self) -> float:
        return statistics.median(self.loop)

    @property
    def p95(self) -> float:
        return percentile(self.loop, 0.95)

    def report(self, threads: int) -> None:
        print(f"{self.name}: {threads} concurrent clients: p50 {self.p50:.1f} ms, p95 {self.p95:.1f} ms, "
              f"max {self.loop[-1]:.0f} ms; {len(self.loop)} pages in {self.wall:.1f} s "
              f"({len(self.loop) / self.wall:.0f} pages/s); CPU per page: server {self.cpu_ms:.1f} ms, "
              f"browsers {self.client_cpu_ms:.1f} ms; load average {self.load}")
        print(f"  one client alone: p50 {statistics.median(self.alone):.1f} ms, "
              f"p95 {percentile(self.alone, 0.95):.1f} ms ({len(self.alone)} pages); floor (same sign-in "
              f"check, a 404 page, {threads} concurrent): p50 {statistics.median(self.floor):.1f} ms, "
              f"p95 {percentile(self.floor, 0.95):.1f} ms")


def percentile(sorted_values: list[float], share: float) -> float:
    return sorted_values[max(0, int(len(sorted_values) * share) - 1)]


def measure(name: str, target, target_args: tuple, port: int, team: str, emails: list[str],
            args) -> Figures:
    """Start the server, sign the browsers in, then the floor, one client alone and the loop."""
    server = multiprocessing.get_context("spawn").Process(target=target, args=target_args, daemon=True)
    server.start()
    browsers = [Browser(port) for _ in range(args.threads)]
    try:
        wait_for(port, server)
        for i, browser in enumerate(browsers):
            browser.sign_in(emails[i % len(emails)])
        mixes = [paths(team, random.Random(args.seed * 1000 + i), args.requests)
                 for i in range(args.threads)]
        drive(browsers, [mix[:5] for mix in mixes], 5 * args.threads)  # warm-up, untimed
        # The floor: the lightest page behind the same sign-in check (a client's page that
        # is not there), under the same load; the dashboard's own cost is what is above it.
        floor = sorted(drive(browsers, [[f"/t/{team}/clients/none"]] * args.threads,
                             max(args.threads, args.hits // 5), expect=404))
        # One client alone: what a page costs without waiting behind the others.
        alone = sorted(drive(browsers[:1], [mixes[0][5:]], max(1, args.hits // 10)))
        load, cpu, started = load_average(), cpu_seconds(server.pid), time.perf_counter()
        own = time.process_time()
        loop = sorted(drive(browsers, [mix[5:] for mix in mixes], args.hits))
        wall, cpu = time.perf_counter() - started, cpu_seconds(server.pid) - cpu
        own = time.process_time() - own
        load += f" -> {load_average()}"
    finally:
        for browser in browsers:
            browser.close()
        server.terminate()
        server.join(30)
    return Figures(name, loop, wall, cpu * 1000 / len(loop), own * 1000 / len(loop), alone, floor, load)


def load_average() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=20, help="caseworker accounts")
    parser.add_argument("--threads", type=int, default=20, help="concurrent HTTP clients")
    parser.add_argument("--hits", type=int, default=1_000, help="dashboard pages to fetch in all")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--server-workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--server-threads", type=int, default=4, help="threads in each gunicorn worker")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="dsar-caseload-bench-") as folder:
        instance = str(Path(folder) / "instance")
        settings = load_settings({"DSAR_INSTANCE_PATH": instance, "DSAR_SECRET_KEY": "bench"})
        bootstrap(settings)
        engine = make_engine(settings.database_url)
        factory = make_session_factory(engine)
        started = time.perf_counter()
        team, emails, events = seed(factory, requests=args.requests, clients=args.clients,
                                    workers=args.workers, rng=random.Random(args.seed))
        seeded = time.perf_counter() - started
        print(f"seeded {args.requests} requests, {events} events, {args.clients} clients, "
              f"{args.workers} caseworkers in {seeded:.1f} s")
        started = time.perf_counter()
        with factory() as session:
            refresh_states(session, TODAY)
            session.commit()
        refreshed = time.perf_counter() - started
        print(f"cache filled (= caseload refresh) in {refreshed:.1f} s "
              f"({refreshed / args.requests * 1e6:.0f} µs per request)")
        started = time.perf_counter()
        derived = naive_page(factory, team, emails[0])
        naive_ms = (time.perf_counter() - started) * 1000
        print(f"baseline: one caseworker's page the naive way (derive all {derived} of their requests, "
              f"sort): {naive_ms:.0f} ms in-process, no HTTP")
        engine.dispose()

        port = free_port()
        baseline = measure("werkzeug, one process (baseline)", serve_werkzeug,
                           (instance, settings.database_url, port), port, team, emails, args)
        baseline.report(args.threads)
        port = free_port()
        deployed = measure(f"gunicorn, {args.server_workers} workers x {args.server_threads} threads",
                           serve_gunicorn, (instance, settings.database_url, port, args.server_workers,
                                            args.server_threads), port, team, emails, args)
        deployed.report(args.threads)
    rate = (len(deployed.loop) / deployed.wall) / (len(baseline.loop) / baseline.wall)
    print(f"gunicorn vs the baseline, {args.threads} concurrent: p50 {baseline.p50 / deployed.p50:.1f}x, "
          f"p95 {baseline.p95 / deployed.p95:.1f}x, pages/s {rate:.1f}x; one client alone p50 "
          f"{statistics.median(baseline.alone) / statistics.median(deployed.alone):.1f}x")
    print(f"naive page (one, alone, in-process) / gunicorn p50 (under {args.threads} concurrent): "
          f"{naive_ms / deployed.p50:.1f}x")
    print(f"p50_ms={deployed.p50:.1f} p95_ms={deployed.p95:.1f} requests={len(deployed.loop)}")

if __name__ == "__main__":
    main()
