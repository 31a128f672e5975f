"""Importing a campaign's members from a CSV, at 5,000 and at ``--rows`` rows, with a baseline.

    python bench/campaign_import.py [--rows 50000] [--small 5000] [--baseline 300]

Each size runs in its own fresh process on its own freshly bootstrapped SQLite database (a
team and a campaign to two UK credit reference agencies, so every row makes two requests):
it writes the CSV into a temporary folder, then times ``importing.import_members`` (both
passes: the check and the batched writes) and reads the process's peak RSS. The baseline is
the per-person join service (``joining.join_campaign``, what the join page calls) on
``--baseline`` people in the same way, extrapolated to rows per second. Memory is flat when
the two sizes' peak RSS differ by little (the rows are never held; only ~150 bytes a row of
merge keys); the CPU seconds say what the wall time would be on a quiet machine. Last line:
``rows=<n> seconds=<s> rows_per_s=<r> peak_rss_mb=<m>`` for ``--rows``.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TODAY = date(2026, 11, 26)
TARGETS = ("experian-gb", "equifax-gb")
TOWNS = ("Leeds", "Cardiff", "York", "Bristol", "Norwich", "Swansea")
OUTWARD = ("LS1", "CF10", "YO1", "BS1", "NR2", "SA1", "M1", "EH1", "G2", "B33")


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["name", "address_1", "address_2", "town", "postcode", "email", "date_of_birth",
                         "mandate_reference"])
        for i in range(rows):
            writer.writerow([f"Member {i} Llŵyd", f"{i % 997 + 1} High Street", "Flat 2" if i % 3 else "",
                             TOWNS[i % len(TOWNS)], f"{OUTWARD[i % len(OUTWARD)]} {i % 10}AB",
                             f"member{i}@example.org" if i % 2 else "",
                             f"19{50 + i % 50}-0{i % 9 + 1}-1{i % 9}" if i % 4 == 0 else "",
                             f"MND-{i:07d}"])


def _world(folder: Path):
    """A bootstrapped database in ``folder`` with one team and its campaign."""
    from dsar.bootstrap import bootstrap
    from dsar.campaigns import services
    from dsar.config import load_settings
    from dsar.db import make_engine, make_session_factory
    from dsar.teams.models import Team

    settings = load_settings({"DSAR_INSTANCE_PATH": str(folder), "DSAR_SECRET_KEY": "bench"})
    bootstrap(settings)
    session = make_session_factory(make_engine(settings.database_url))()
    team = Team(slug="bench", name="Bench Campaigners", address=[], email="")
    session.add(team)
    session.flush()
    campaign = services.create_campaign(session, team.id, services.CampaignSettings(
        title="Fair credit scores", right="access", org_slugs=TARGETS))
    session.commit()
    return session, campaign


def child(rows: int, mode: str) -> dict:
    """Run in a fresh process: one import (or the baseline's joins) of ``rows`` rows."""
    from dsar.campaigns import importing, joining

    folder = Path(tempfile.mkdtemp(prefix="dsar-import-bench-"))
    session, campaign = _world(folder)
    path = folder / "members.csv"
    write_csv(path, rows)
    now = datetime(2026, 11, 26, 12, 0)
    started, cpu_started = time.perf_counter(), time.process_time()
    if mode == "import":
        report = importing.import_members(session, campaign, lambda: path.open("rb"), valid_only=False,
                                          today=TODAY, now=now)
        assert (report.imported, report.requests, report.bad_rows) == (rows, rows * len(TARGETS), 0), report
    else:
        with path.open(newline="", encoding="utf-8") as handle:
            for record in csv.DictReader(handle):
                person = {"name": record["name"], "email": record["email"],
                          "address": [record[c] for c in ("address_1", "address_2", "town", "postcode")
                                      if record[c]]}
                joining.join_campaign(session, campaign, person, share_named=False, today=TODAY, now=now,
                                      source="import")
                session.commit()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rows": rows, "seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": peak_mb}


def run(rows: int, mode: str) -> dict:
    output = subprocess.run([sys.executable, __file__, "--child", str(rows), "--mode", mode],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output.splitlines()[-1])


def line(result: dict) -> str:
    return (f"rows={result['rows']} seconds={result['seconds']:.2f} "
            f"rows_per_s={result['rows'] / result['seconds']:.0f} peak_rss_mb={result['peak_rss_mb']:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50000)
    parser.add_argument("--small", type=int, default=5000)
    parser.add_argument("--baseline", type=int, default=300)
    parser.add_argument("--child", type=int)
    parser.add_argument("--mode", default="import")
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(child(args.child, args.mode)))
        return
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    print(f"load average: {' '.join(load)}; {len(TARGETS)} organisations per member")
    baseline = run(args.baseline, "join")
    print(f"baseline (join_campaign per person): {line(baseline)}")
    small = run(args.small, "import")
    print(f"import: {line(small)}")
    large = run(args.rows, "import")
    speedup = (large["rows"] / large["seconds"]) / (baseline["rows"] / baseline["seconds"])
    print(f"import vs the per-person join service: {speedup:.1f}x rows per second")
    print(f"peak RSS: {small['peak_rss_mb']:.1f} MB at {small['rows']} rows, "
          f"{large['peak_rss_mb']:.1f} MB at {large['rows']} rows")
    print(f"CPU seconds (what a busy machine does not inflate): {small['cpu_seconds']:.1f} at "
          f"{small['rows']} rows, {large['cpu_seconds']:.1f} at {large['rows']} rows")
    print(line(large))


if __name__ == "__main__":
    main()
