"""Many Letters → one PDF file each, rendered by worker processes, results streamed.

For the CLI and background jobs, never for a web request: forking a process copies only
the forking thread, so a lock another thread holds at that moment (a logger's, the
database pool's) stays held for ever in the child. ``render_many`` therefore forks only
from the main thread; called from any other thread, on a platform without fork, or where
the fork is refused (a process limit, no memory) it renders in this process instead, with
the same output. A web view renders its one letter with ``pdf.render_pdf``.

Streaming, so memory stays flat however many letters:
- the input is read one chunk at a time and never materialised; at most two chunks per
  worker are in flight;
- each chunk (CHUNK_SIZE letters) is laid out as ONE WeasyPrint document, which shares
  fonts and styles between its letters; the worker then writes each letter's pages to its
  own file and hands back only a small RenderedLetter (index, path, pages, size), never
  PDF bytes;
- results come back in input order, each chunk's as soon as it is done.

Garbage collection: each worker freezes what it inherited (``gc.freeze``), so collections
never walk the parent's objects; within a chunk cyclic collection is off and one
collection after it frees the chunk's layout (~17 ms a letter were collection pauses).
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import logging
import os
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import pdf
from .model import Letter

# Letters per WeasyPrint document. Every laid-out page stays in memory until its letters
# are written (500 letters in one document peak at ~740 MB, 50 at ~135 MB), and each
# worker holds one chunk, so 25 keeps two workers well under 400 MB; the cost is one
# more font subset per 25 letters.
CHUNK_SIZE = 25
# Chunks in flight per worker: one being laid out, one queued so the worker never waits.
IN_FLIGHT_PER_WORKER = 2

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RenderedLetter:
    """One letter's PDF, written: its position in the input, its file, pages and bytes."""

    index: int
    path: str
    pages: int
    size: int


# (index in the input, letter, file to write): one letter's work, as sent to a worker.
# Paths are plain strings: pathlib interns every file name it parses, and a run of
# thousands of unique names made the interned-string table (and the RSS) grow with it.
_Job = tuple[int, Letter, str]


def default_name(index: int, letter: Letter) -> str:
    """``000042-DSAR-2026-0042-access.pdf``: input order first, then the letter's stem."""
    stem = re.sub(r"[^\w.-]+", "-", letter.filename_stem).strip("-.")[:100] or "letter"
    return f"{index:06d}-{stem}.pdf"


def render_many(letters: Iterable[Letter], out_dir: str | Path, *,
                name: Callable[[int, Letter], str] = default_name,
                workers: int | None = None,
                chunk_size: int = CHUNK_SIZE) -> Iterator[RenderedLetter]:
    """Render each letter to ``out_dir / name(index, letter)``; yield each as it is written.

    ``workers``: processes (None = one per core; 1 = all in this process). A single chunk
    is always rendered here: a pool would cost more than it saves. Files are written
    whole and renamed into place, so a file that exists is complete. Raises RenderError
    (from the first letter that cannot be rendered) and ValueError for a bad argument —
    these at once, not at the first ``next()``.
    """
    if workers is not None and workers < 1:
        raise ValueError("workers must be at least 1")
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    out_dir = os.fspath(out_dir)
    if not os.path.isdir(out_dir):
        raise ValueError(f"not a directory: {out_dir}")
    chunks = _chunks(letters, out_dir, name, chunk_size)
    return _stream(chunks, workers or os.cpu_count() or 1)


def _target(out_dir: str, file_name: str) -> str:
    if (not file_name or file_name.startswith(".") or "/" in file_name
            or "\\" in file_name or "\x00" in file_name):
        raise ValueError(f"not a plain file name: {file_name!r}")
    return os.path.join(out_dir, file_name)


def _chunks(letters: Iterable[Letter], out_dir: str, name: Callable[[int, Letter], str],
            size: int) -> Iterator[list[_Job]]:
    """The input in chunks of ``size`` jobs, read lazily."""
    jobs = ((i, letter, _target(out_dir, name(i, letter))) for i, letter in enumerate(letters))
    while chunk := list(itertools.islice(jobs, size)):
        yield chunk


def _stream(chunks: Iterator[list[_Job]], workers: int) -> Iterator[RenderedLetter]:
    first = next(chunks, None)
    if first is None:
        return
    second = next(chunks, None)
    rest = itertools.chain([first], [second] if second else [], chunks)
    if second is None or workers == 1 or threading.current_thread() is not threading.main_thread():
        yield from _in_this_process(rest)
        return
    yield from _with_workers(rest, workers)


def _in_this_process(chunks: Iterable[list[_Job]]) -> Iterator[RenderedLetter]:
    for chunk in chunks:
        yield from render_chunk(chunk)


def _with_workers(chunks: Iterator[list[_Job]], workers: int) -> Iterator[RenderedLetter]:
    """Chunks rendered by a pool, results in input order; if the pool cannot be started,
    or breaks (a worker killed), the chunks not yet received are rendered here."""
    from concurrent.futures.process import BrokenProcessPool

    pool = _start_pool(workers)
    if pool is None:
        yield from _in_this_process(chunks)
        return
    in_flight: deque = deque()
    try:
        while True:
            while len(in_flight) < workers * IN_FLIGHT_PER_WORKER:
                chunk = next(chunks, None)
                if chunk is None:
                    break
                in_flight.append((chunk, pool.submit(render_chunk, chunk)))
            if not in_flight:
                break
            results = in_flight[0][1].result()
            in_flight.popleft()
            yield from results
    except BrokenProcessPool as exc:
        log.warning("PDF rendering continues in one process: %s", exc)
        _stop_pool(pool)
        yield from _in_this_process(itertools.chain((c for c, _f in in_flight), chunks))
        return
    except BaseException:
        _stop_pool(pool)  # RenderError, or the caller stopped early: no orphan workers
        raise
    pool.shutdown(wait=True)


def _worker_init() -> None:
    """Runs first in each forked worker: what it inherited is never collected again."""
    gc.freeze()


def _start_pool(workers: int):
    """A pool of ``workers`` processes forked now (warm), or None where there can be none."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork here (Windows): workers would start cold; not worth it
        return None
    pdf.warm_up()  # built before the fork, so that every worker inherits it
    try:
        pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_init)
    except (OSError, NotImplementedError) as exc:  # no semaphores on this platform
        log.warning("PDF rendering in one process: no process pool (%s)", exc)
        return None
    try:
        # With fork, the first task forks every worker: a refused fork shows up here
        # rather than in the middle of the run.
        pool.submit(int).result()
    except (OSError, BrokenProcessPool) as exc:
        log.warning("PDF rendering in one process: no worker processes (%s)", exc)
        _stop_pool(pool)
        return None
    return pool


def _stop_pool(pool) -> None:
    """Shut a pool down after a failure, ending any worker that did start."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
        process.join(5)


def render_chunk(jobs: Sequence[_Job]) -> list[RenderedLetter]:
    """Lay ``jobs`` out as one document and write each letter's pages to its file.

    Runs in a worker, or in this process. Cyclic garbage collection is off while the
    chunk is laid out, and one collection afterwards frees the whole layout.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _render_and_write(jobs)
    finally:
        if enabled:
            gc.enable()
        gc.collect()


def _render_and_write(jobs: Sequence[_Job]) -> list[RenderedLetter]:
    start = jobs[0][0]
    document = pdf.layout([letter for _i, letter, _p in jobs], start)
    results = []
    for (index, letter, path), pages in zip(jobs, _page_ranges(document, len(jobs), start),
                                            strict=True):
        part = document.copy([document.pages[i] for i in pages])
        part.metadata = pdf.letter_metadata(document.metadata, letter)
        results.append(RenderedLetter(index, path, len(pages), _write_file(part, path)))
    return results


def _page_ranges(document, count: int, start: int) -> list[range]:
    """Which pages of ``document`` belong to each of its ``count`` letters.

    Each letter's section id (``letter-<n>``, numbered from ``start``) is an anchor on
    its first page.
    """
    firsts: dict[int, int] = {}
    for number, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith("letter-"):
                firsts.setdefault(int(anchor[7:]) - start, number)
    bounds = [firsts[i] for i in range(count)] + [len(document.pages)]
    return [range(bounds[i], bounds[i + 1]) for i in range(count)]


def _write_file(document, path: str) -> int:
    """Write to ``path.part``, then rename into place; the file's size in bytes."""
    part = path + ".part"
    try:
        with open(part, "wb") as out:
            pdf.write(document, out)
            size = out.tell()
        os.replace(part, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(part)
        raise
    return size


def print_file(rendered: Iterable[RenderedLetter], target: str | Path, *,
               duplex: bool = False) -> int:
    """Join finished letters' PDFs, in the order given, into one print file at ``target``.

    Each letter starts on a new page; with ``duplex`` a letter with an odd number of pages
    gets a blank page after it, so that every letter starts on a new sheet. Reads the
    files one at a time; what it holds is the print file's own objects (about its size
    on disk), never a layout. Returns the print file's page count.
    """
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for letter in rendered:
        reader = PdfReader(letter.path)
        writer.append(reader, import_outline=False)
        if duplex and len(reader.pages) % 2:
            box = reader.pages[-1].mediabox
            writer.add_blank_page(width=box.width, height=box.height)
    target = Path(target)
    part = target.with_name(target.name + ".part")
    try:
        with part.open("wb") as out:
            writer.write(out)
        part.replace(target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return len(writer.pages)
