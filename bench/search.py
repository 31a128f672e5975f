"""Directory search speed on the whole datenanfragen.de copy, FTS5 vs a plain scan, same run.

    python bench/search.py [--data ../shared/datenanfragen-data] [--n 400] [--seed 1]

Imports the shared copy into a temporary SQLite database (timing the import), then runs a
realistic query mix — exact names, prefixes as typed, typos, aliases and brands, domains —
through the FTS5 index (what the app uses) and through ``ScanSearchIndex`` (the portable
fallback, read every row and rank in Python) as the baseline. Prints p50/p95 per kind and
overall (the slow scan runs every fifth query), and the ratio; the last line is
``import_s=<s> fts_p50_ms=<x> fts_p95_ms=<y> scan_p50_ms=<z> scan_p95_ms=<w> speedup_p50=<r>``.
No asserts: the target (p95 ≤ 20 ms) is read off the figures.
"""

from __future__ import annotations

import argparse
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--n", type=int, default=400, help="queries in the mix (about)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not (args.data / "companies").is_dir():
        sys.exit(f"error: {args.data}: no datenanfragen.de copy there (use --data)")
    with tempfile.TemporaryDirectory() as tmp:
        engine, factory = prepare_database(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}")
        with factory() as session:
            started = time.perf_counter()
            report = import_datenanfragen(session, args.data)
            session.commit()
            import_s = time.perf_counter() - started
        print(f"import: {report.summary()} in {import_s:.2f} s (one transaction, index rebuilt)")
        with factory() as session:
            mix = query_mix(list_organisations(session), args.n, random.Random(args.seed))
            fts = search_index(session)
            timed(fts.search, session, mix[:20])  # warm the page cache for both
            # The scan takes about a second a query: every fifth query of the mix is enough.
            results = {"fts": timed(fts.search, session, mix),
                       "scan": timed(ScanSearchIndex().search, session, mix[::5])}
        engine.dispose()
    print(f"{len(mix)} queries; milliseconds per query (p50 / p95)")
    print(f"{'kind':8} {'n':>4}  {'fts p50':>8} {'fts p95':>8}  {'n':>4} {'scan p50':>8} {'scan p95':>8}")
    for kind in dict.fromkeys(k for k, _q in mix):
        f, s = results["fts"][kind], results["scan"].get(kind, [float("nan")])
        print(f"{kind:8} {len(f):>4}  {pct(f, .5):8.2f} {pct(f, .95):8.2f}  {len(s):>4} "
              f"{pct(s, .5):8.2f} {pct(s, .95):8.2f}")
    every = {name: [v for values in per_kind.values() for v in values] for name, per_kind in results.items()}
    f50, f95 = pct(every["fts"], .5), pct(every["fts"], .95)
    s50, s95 = pct(every["scan"], .5), pct(every["scan"], .95)
    print(f"{'all':8} {len(every['fts']):>4}  {f50:8.2f} {f95:8.2f}  {len(every['scan']):>4} "
          f"{s50:8.2f} {s95:8.2f}")
    print(f"mean fts {statistics.mean(every['fts']):.2f} ms; target p95 <= 20 ms")
    print(f"import_s={import_s:.2f} fts_p50_ms={f50:.2f} fts_p95_ms={f95:.2f} scan_p50_ms={s50:.2f} "
          f"scan_p95_ms={s95:.2f} speedup_p50={s50 / f50:.1f}")


if __name__ == "__main__":
    main()
