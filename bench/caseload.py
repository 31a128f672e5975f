"""The caseload dashboard at 100,000 requests, over real HTTP, with a baseline in the same run.

    python bench/caseload.py [--requests 100000] [--clients 2000] [--workers 20]
                             [--threads 20] [--hits 1000] [--seed 1]

Seeds a SQLite file in a temporary folder straight through the models (bulk inserts): one team,
``--workers`` caseworkers, ``--clients`` clients and ``--requests`` requests with a realistic
mix of event logs (drafts, waiting, overdue, extended, paused for clarification, replies,
refusals, complaints, closed). Fills the cache with the same function as
``python run.py caseload refresh`` (timed), starts the real app under werkzeug's threaded
server on 127.0.0.1 in its own process, signs each thread in as one caseworker, and drives
``--hits`` dashboard pages (every filter, "mine", both orders, deep pages) from ``--threads``
concurrent threads. The baseline is the naive way (derive every request of one caseworker's
clients, then sort), timed in-process on the same data; the floor is the lightest page behind
the same sign-in check, under the same concurrency. Last line:
``p50_ms=<x> p95_ms=<y> requests=<n>``. No asserts: the target (p95 ≤ 100 ms) is read off.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import random
import re
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
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


def serve(instance: str, database_url: str, port_queue) -> None:
    """The real app under werkzeug's threaded server (a process of its own, like production)."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    from dsar import create_app

    settings = load_settings({"DSAR_INSTANCE_PATH": instance, "DSAR_SECRET_KEY": "bench"})
    app = create_app({"DSAR_INSTANCE_PATH": instance, "DSAR_DATABASE_URL": database_url,
                      "DSAR_SECRET_KEY": "bench", "DSAR_TODAY": TODAY, "RATELIMIT_ENABLED": False,
                      "BABEL_TRANSLATION_DIRECTORIES": str(settings.compiled_catalogs)})
    class Quiet(WSGIRequestHandler):
        def log_request(self, *args) -> None:  # one line per hit would cost more than the page
            pass

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Quiet)
    port_queue.put(server.port)
    server.serve_forever()


class Browser:
    """One signed-in member: a cookie, fresh connections to 127.0.0.1."""

    def __init__(self, port: int) -> None:
        self.port, self.cookie = port, ""

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": self.cookie, "User-Agent": "bench"}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        connection.close()
        return response.status, text

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
    """Each browser fetches its mix in turn, all at once; returns every page's time (ms)."""
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=20, help="caseworker accounts")
    parser.add_argument("--threads", type=int, default=20, help="concurrent HTTP clients")
    parser.add_argument("--hits", type=int, default=1_000, help="dashboard pages to fetch in all")
    parser.add_argument("--seed", type=int, default=1)
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

        context = multiprocessing.get_context("spawn")
        port_queue = context.Queue()
        server = context.Process(target=serve, args=(instance, settings.database_url, port_queue),
                                 daemon=True)
        server.start()
        try:
            port = port_queue.get(timeout=120)
            browsers = [Browser(port) for _ in range(args.threads)]
            for i, browser in enumerate(browsers):
                browser.sign_in(emails[i % len(emails)])
            # The floor: the lightest page behind the same sign-in check (a client's page that
            # is not there), under the same load; the dashboard's own cost is what is above it.
            floor = sorted(drive(browsers, [[f"/t/{team}/clients/none"]] * args.threads,
                                 max(args.threads, args.hits // 5), expect=404))
            mixes = [paths(team, random.Random(args.seed * 1000 + i), args.requests)
                     for i in range(args.threads)]
            # One client alone: what a page costs without waiting behind the others.
            alone = sorted(drive(browsers[:1], mixes[:1], max(1, args.hits // 10)))
            started = time.perf_counter()
            timings = drive(browsers, mixes, args.hits)
            wall = time.perf_counter() - started
        finally:
            server.terminate()
            server.join()
        timings.sort()
        p50 = statistics.median(timings)
        p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
        print(f"dashboard over HTTP, {args.threads} concurrent clients: {len(timings)} pages in {wall:.1f} s "
              f"({len(timings) / wall:.0f} pages/s), max {timings[-1]:.0f} ms")
        print(f"one client alone: p50 {statistics.median(alone):.1f} ms, "
              f"p95 {alone[max(0, int(len(alone) * 0.95) - 1)]:.1f} ms ({len(alone)} pages)")
        print(f"floor (same sign-in check, a 404 page): p50 {statistics.median(floor):.1f} ms, "
              f"p95 {floor[max(0, int(len(floor) * 0.95) - 1)]:.1f} ms")
        print(f"baseline (one page, alone) / cached p50 (under {args.threads} concurrent): "
              f"{naive_ms / p50:.1f}x")
        print(f"p50_ms={p50:.1f} p95_ms={p95:.1f} requests={len(timings)}")


if __name__ == "__main__":
    main()
