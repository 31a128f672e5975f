"""Bulk PDF rendering vs the naive way, in the same run, and the bulk path's peak memory.

    python bench/render.py --n 200
    python bench/render.py --n 2000      # peak RSS must be no higher than at --n 200

Naive: for each letter a fresh FontConfiguration, a fresh CSS parse (which loads the
fonts again), a fresh HTML document and its own write_pdf — what a simple per-request
loop does. Bulk: ``bulk.render_many``, which shares the parsed CSS, fonts and fetcher,
lays chunks of letters out as one document and has its workers write one file per
letter into a temporary folder; the letters come from a generator, as from a database
cursor, so nothing holds all of them.

Bulk uses worker processes by default (``--workers``; 1 = all in this process); the
naive loop always runs in this one process, on at most 200 letters unless ``--naive-n``
says otherwise (its rate per letter does not depend on the count).

Prints letters/second for each, the ratio by wall time and by CPU time (the bulk's CPU
includes its workers'), and memory; the last line is
``speedup=<x> bulk_letters_per_s=<y> naive_letters_per_s=<z> peak_rss_mb=<m>``.

Memory: ru_maxrss of this process (RUSAGE_SELF) and of the largest worker
(RUSAGE_CHILDREN: the largest child), read when the bulk run ends (bulk runs first, so the naive loop, whose
fresh font configurations grow this process further, is not in it; the whole run's peak
is printed as well); peak_rss_mb is their sum. Workers run side by side, so
the strict bound is self + workers x largest worker, also printed; RSS counts the pages a
forked worker still shares with this process once in each, so all of these overstate
what the run really occupies. The figure closest to that is sampled while the bulk runs:
the sum of PSS (shared pages split between their users) over this process and its
children, with the sum of their RSS beside it.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dsar.letters import bulk  # noqa: E402
from dsar.letters import pdf as pdf_mod  # noqa: E402
from dsar.letters.sample import sample_letter  # noqa: E402


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak RSS of this process, or (RUSAGE_CHILDREN) of its largest waited-for child."""
    # Linux reports ru_maxrss in KiB (macOS in bytes).
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(who).ru_maxrss / scale


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the pool's workers)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class TreeMemory:
    """Samples RSS and PSS summed over this process and its children (Linux /proc only)."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval, self.peak_rss, self.peak_pss = interval, 0.0, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _children(pid: int) -> list[int]:
        found = []
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
        return found

    @staticmethod
    def _rollup(pid: int) -> tuple[float, float]:
        fields = {}
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            name, _, rest = line.partition(":")
            fields[name] = int(rest.split()[0])
        return fields["Rss"] / 1024, fields["Pss"] / 1024

    def sample(self) -> None:
        rss = pss = 0.0
        for pid in [os.getpid(), *self._children(os.getpid())]:
            try:
                r, p = self._rollup(pid)
            except (OSError, KeyError, ValueError):  # a worker that just ended
                continue
            rss, pss = rss + r, pss + p
        self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> TreeMemory:
        if Path("/proc/self/smaps_rollup").exists():
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()


def naive_render(letter) -> bytes:
    """One letter, nothing reused: the baseline the bulk path is measured against."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fetcher = pdf_mod.asset_fetcher()
    font_config = FontConfiguration()
    css = CSS(string=(pdf_mod.ASSETS_DIR / "letter.css").read_text("utf-8"),
              url_fetcher=fetcher, font_config=font_config)
    html = HTML(string=pdf_mod.build_html([letter]), base_url=None, url_fetcher=fetcher)
    return html.write_pdf(stylesheets=[css], font_config=font_config,
                          optimize_images=False)


def letters(n: int):
    """``n`` sample letters, made one at a time; every third has two pages, like a real
    mix of short and long letters."""
    return (sample_letter(i, pages=2 if i % 3 == 2 else 1) for i in range(n))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="number of letters")
    parser.add_argument("--naive-n", type=int, default=None,
                        help="letters for the naive loop (default: --n, at most 200)")
    parser.add_argument("--workers", type=int, default=None,
                        help="bulk worker processes (default: one per core; 1 = none)")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")
    naive_n = args.naive_n or min(args.n, 200)
    workers = args.workers or os.cpu_count() or 1

    pdf_mod.render_pdf(sample_letter(0))  # warm-up: import WeasyPrint, build the toolkit

    start, cpu = time.perf_counter(), cpu_seconds()
    pages = size = 0
    with TreeMemory() as tree, tempfile.TemporaryDirectory(prefix="dsar-bench-") as out:
        for rendered in bulk.render_many(letters(args.n), out, workers=args.workers):
            pages, size = pages + rendered.pages, size + rendered.size
    bulk_s, bulk_cpu = time.perf_counter() - start, cpu_seconds() - cpu
    bulk_rate = args.n / bulk_s
    print(f"bulk:  {args.n} letters, {pages} pages, {size / 1e6:.2f} MB in {bulk_s:.2f} s "
          f"= {bulk_rate:.1f} letters/s ({workers} worker process{'es' if workers > 1 else ''}"
          f", chunks of {bulk.CHUNK_SIZE}; CPU {1000 * bulk_cpu / args.n:.0f} ms/letter "
          f"incl. workers)")
    # The peaks so far are the bulk's (with the warm-up): the naive loop comes after.
    self_mb, child_mb = peak_rss_mb(), peak_rss_mb(resource.RUSAGE_CHILDREN)
    # RUSAGE_CHILDREN: the workers, and any helper an import ran (ctypes' find_library).
    print(f"bulk memory: self peak RSS {self_mb:.0f} MB, largest child {child_mb:.0f} MB; "
          f"sampled over the process tree: PSS {tree.peak_pss:.0f} MB, "
          f"RSS {tree.peak_rss:.0f} MB")

    start, cpu = time.perf_counter(), time.process_time()
    naive_bytes = 0
    for letter in letters(naive_n):
        naive_bytes += len(naive_render(letter))
    naive_s, naive_cpu = time.perf_counter() - start, time.process_time() - cpu
    naive_rate = naive_n / naive_s
    print(f"naive: {naive_n} letters, {naive_bytes / 1e6:.2f} MB in "
          f"{naive_s:.2f} s = {naive_rate:.1f} letters/s "
          f"(CPU {1000 * naive_cpu / naive_n:.0f} ms/letter)")

    speedup = bulk_rate / naive_rate
    # CPU time is steadier than wall time on a shared machine; print both ratios. The
    # CPU ratio is work saved; the wall ratio adds what the workers run side by side.
    cpu_ratio = (naive_cpu / naive_n) / (bulk_cpu / args.n)
    print(f"bulk is {speedup:.1f}x the naive rate (wall), {cpu_ratio:.1f}x by CPU time "
          f"(cpu_ratio={cpu_ratio:.2f}, workers={workers})")
    bound = (f"; with all {workers} workers at their peak at once <= "
             f"{self_mb + workers * child_mb:.0f} MB" if workers > 1 else "")
    print(f"bulk peak RSS: self {self_mb:.0f} MB + largest child {child_mb:.0f} MB = "
          f"{self_mb + child_mb:.0f} MB{bound} (whole run incl. the naive loop: self "
          f"{peak_rss_mb():.0f} MB)")
    print(f"speedup={speedup:.2f} bulk_letters_per_s={bulk_rate:.1f} "
          f"naive_letters_per_s={naive_rate:.1f} peak_rss_mb={self_mb + child_mb:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
