"""Directory search speed on the whole datenanfragen.de copy, FTS5 vs a plain scan, same run.

    python bench/search.py [--data ../shared/datenanfragen-data] [--n 400] [--seed 1]
                           [--database postgresql [--postgres-url URL]]

Imports the shared copy into a temporary SQLite database (timing the import), then runs a
realistic query mix — exact names, prefixes as typed, typos, aliases and brands, domains —
through the FTS5 index (what the app uses) and through ``ScanSearchIndex`` (the portable
fallback, read every row and rank in Python) as the baseline. Prints p50/p95 per kind and
overall (the slow scan runs every fifth query), and the ratio; the last line is
``import_s=<s> fts_p50_ms=<x> fts_p95_ms=<y> scan_p50_ms=<z> scan_p95_ms=<w> speedup_p50=<r>``.

``--database postgresql`` also imports the copy into PostgreSQL — a throwaway server started
like the tests' (Debian's ``postgresql`` package), or the empty database at ``--postgres-url``
— and runs the same mix through its index (tsvector + pg_trgm), printed beside SQLite's; the
last line then adds ``pg_import_s=<s> pg_p50_ms=<x> pg_p95_ms=<y>``.
No asserts: the target (p95 ≤ 20 ms) is read off the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dsar.bootstrap import prepare_database  # noqa: E402
from dsar.directory import ranking  # noqa: E402
from dsar.directory.importer import import_datenanfragen  # noqa: E402
from dsar.directory.search import ScanSearchIndex, search_index  # noqa: E402
from dsar.directory.services import list_organisations  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "datenanfragen-data"
FIXED = ["schufa", "Experain", "callcredit", "acxiom", "equifax", "transunion", "experian.co.uk", "equi"]


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]  # swap two neighbours


def query_mix(records, n: int, rng: random.Random) -> list[tuple[str, str]]:
    companies = [r for r in records if not r.is_authority]
    named = [r for r in companies if r.aliases or r.brands]
    with_web = [r for r in companies if r.web]
    mix = [("fixed", q) for q in FIXED]
    per = max(1, n // 5)
    for r in rng.sample(companies, per):
        mix.append(("exact", r.name))
    for r in rng.sample(companies, per):
        words = ranking.tokens(r.name)
        mix.append(("prefix", words[0][: rng.randint(2, 5)] if words else r.name[:3]))
    for r in rng.sample(companies, per):
        long_words = [w for w in ranking.tokens(r.name) if len(w) >= 5]
        if long_words:
            mix.append(("typo", _typo(rng.choice(long_words), rng)))
    for r in rng.sample(named, min(per, len(named))):
        mix.append(("alias", rng.choice(r.aliases + r.brands)))
    for r in rng.sample(with_web, min(per, len(with_web))):
        mix.append(("domain", ranking.domains(r.web)[0]))
    return mix


def timed(search, session, mix) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    for kind, query in mix:
        started = time.perf_counter()
        search(session, query, limit=20)
        out.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
    return out


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]


def imported(url: str, data: Path, label: str):
    """A database at ``url`` holding the import; (engine, sessions, seconds the import took)."""
    engine, factory = prepare_database(url)
    with factory() as session:
        started = time.perf_counter()
        report = import_datenanfragen(session, data)
        session.commit()
        import_s = time.perf_counter() - started
    print(f"{label} import: {report.summary()} in {import_s:.2f} s (one transaction, index rebuilt)")
    return engine, factory, import_s


@contextlib.contextmanager
def postgres_database(url: str | None):
    """The given empty database, or one on a throwaway server started for this run."""
    if url:
        yield url
        return
    from tests.postgres_server import PostgresServer

    server = PostgresServer().start()
    try:
        server.execute("CREATE DATABASE bench")
        yield server.url("bench")
    finally:
        server.stop()


def columns(values: list[float]) -> str:
    return f"{len(values):>4} {pct(values, .5):8.2f} {pct(values, .95):8.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--n", type=int, default=400, help="queries in the mix (about)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite",
                        help="postgresql: also time PostgreSQL's index, beside SQLite's")
    parser.add_argument("--postgres-url",
                        help="an empty PostgreSQL database to use (default: a throwaway server)")
    args = parser.parse_args()
    if not (args.data / "companies").is_dir():
        sys.exit(f"error: {args.data}: no datenanfragen.de copy there (use --data)")
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        engine, factory, import_s = imported(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args.data, "sqlite")
        with factory() as session:
            mix = query_mix(list_organisations(session), args.n, random.Random(args.seed))
            fts = search_index(session)
            timed(fts.search, session, mix[:20])  # warm the page cache for both
            # The scan takes about a second a query: every fifth query of the mix is enough.
            results = {"fts": timed(fts.search, session, mix),
                       "scan": timed(ScanSearchIndex().search, session, mix[::5])}
        engine.dispose()
        if args.database == "postgresql":
            url = stack.enter_context(postgres_database(args.postgres_url))
            pg_engine, pg_factory, pg_import_s = imported(url, args.data, "postgresql")
            with pg_factory() as session:
                index = search_index(session)
                timed(index.search, session, mix[:20])
                results["pg"] = timed(index.search, session, mix)
            pg_engine.dispose()
    names = {"fts": "sqlite", "pg": "postgresql", "scan": "scan"}
    shown = [name for name in ("fts", "pg", "scan") if name in results]
    print(f"{len(mix)} queries; milliseconds per query (n, p50, p95)")
    print(f"{'kind':8} " + "  ".join(f"{'n':>4} {names[n] + ' p50':>8} {'p95':>8}" for n in shown))
    for kind in dict.fromkeys(k for k, _q in mix):
        print(f"{kind:8} " + "  ".join(columns(results[n].get(kind, [float("nan")])) for n in shown))
    every = {name: [v for values in per_kind.values() for v in values] for name, per_kind in results.items()}
    print(f"{'all':8} " + "  ".join(columns(every[n]) for n in shown))
    f50, f95 = pct(every["fts"], .5), pct(every["fts"], .95)
    s50, s95 = pct(every["scan"], .5), pct(every["scan"], .95)
    print(f"mean fts {statistics.mean(every['fts']):.2f} ms; target p95 <= 20 ms")
    last = (f"import_s={import_s:.2f} fts_p50_ms={f50:.2f} fts_p95_ms={f95:.2f} scan_p50_ms={s50:.2f} "
            f"scan_p95_ms={s95:.2f} speedup_p50={s50 / f50:.1f}")
    if "pg" in results:
        last += (f" pg_import_s={pg_import_s:.2f} pg_p50_ms={pct(every['pg'], .5):.2f} "
                 f"pg_p95_ms={pct(every['pg'], .95):.2f}")
    print(last)


if __name__ == "__main__":
    main()
