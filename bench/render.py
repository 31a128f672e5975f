"""Bulk PDF rendering vs the naive way, in the same run.

    python bench/render.py [--n 500]

Naive: for each letter a fresh FontConfiguration, a fresh CSS parse (which loads the
fonts again), a fresh HTML document and its own write_pdf — what a simple per-request
loop does. Bulk: ``render_pdf(letters, combined=True)``, which shares the parsed CSS,
fonts and fetcher and lays many letters out as one document.

Prints letters/second for each, the ratio and the peak RSS; the last line is
``speedup=<x> bulk_letters_per_s=<y> naive_letters_per_s=<z> peak_rss_mb=<m>``.
Bulk runs first so its peak RSS is not hidden under the naive loop's; ru_maxrss is the
process-wide peak, so the figure printed is the peak of the whole run.
"""

from __future__ import annotations

import argparse
import io
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dsar.letters import pdf as pdf_mod  # noqa: E402
from dsar.letters.sample import sample_letter  # noqa: E402


def peak_rss_mb() -> float:
    # Linux reports ru_maxrss in KiB (macOS in bytes).
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


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


def count_pages(pdf: bytes) -> int:
    try:
        from pypdf import PdfReader
    except ImportError:  # pypdf is a test extra; the count is informative only
        return -1
    return len(PdfReader(io.BytesIO(pdf)).pages)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="number of letters")
    parser.add_argument("--naive-n", type=int, default=None,
                        help="letters for the naive loop (default: same as --n)")
    args = parser.parse_args(argv)
    # Every third letter has two pages, like a real mix of short and long letters.
    letters = [sample_letter(i, pages=2 if i % 3 == 2 else 1) for i in range(args.n)]
    naive_letters = letters[: args.naive_n or args.n]

    pdf_mod.render_pdf(sample_letter(0))  # warm-up: import WeasyPrint, build the toolkit

    start, cpu = time.perf_counter(), time.process_time()
    combined = pdf_mod.render_pdf(letters, combined=True)
    bulk_s, bulk_cpu = time.perf_counter() - start, time.process_time() - cpu
    bulk_rate = len(letters) / bulk_s
    print(f"bulk:  {len(letters)} letters, {count_pages(combined)} pages, "
          f"{len(combined) / 1e6:.2f} MB in {bulk_s:.2f} s = {bulk_rate:.1f} letters/s "
          f"(CPU {1000 * bulk_cpu / len(letters):.0f} ms/letter; "
          f"peak RSS so far {peak_rss_mb():.0f} MB)")

    start, cpu = time.perf_counter(), time.process_time()
    naive_bytes = 0
    for letter in naive_letters:
        naive_bytes += len(naive_render(letter))
    naive_s, naive_cpu = time.perf_counter() - start, time.process_time() - cpu
    naive_rate = len(naive_letters) / naive_s
    print(f"naive: {len(naive_letters)} letters, {naive_bytes / 1e6:.2f} MB in "
          f"{naive_s:.2f} s = {naive_rate:.1f} letters/s "
          f"(CPU {1000 * naive_cpu / len(naive_letters):.0f} ms/letter)")

    speedup = bulk_rate / naive_rate
    # CPU time is steadier than wall time on a shared machine; print both ratios.
    cpu_ratio = (naive_cpu / len(naive_letters)) / (bulk_cpu / len(letters))
    print(f"bulk is {speedup:.1f}x the naive rate (wall), {cpu_ratio:.1f}x by CPU time")
    print(f"speedup={speedup:.2f} bulk_letters_per_s={bulk_rate:.1f} "
          f"naive_letters_per_s={naive_rate:.1f} peak_rss_mb={peak_rss_mb():.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
