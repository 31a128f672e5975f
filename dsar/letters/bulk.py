"""Many Letters → one PDF file each, rendered by worker processes, results streamed.

For the CLI and background jobs, never for a web request: forking a process copies only
the forking thread, so a lock another thread holds at that moment (a logger's, the
database pool's) stays held for ever in the child. ``render_many`` therefore forks only
from the main thread; called from any other thread, on a platform without fork, or where
the fork is refused (a process limit, no memory) it renders in this process instead, with
the same output. A web view renders its one letter with ``pdf.render_pdf``.

Streaming, so memory stays flat however many letters:
- the input is read one chunk at a time and never materialised; each worker renders
  one chunk at a time, and they never run more than two chunks each ahead of the one
  the caller is waiting for;
- each chunk (CHUNK_SIZE letters) is laid out as ONE WeasyPrint document, which shares
  fonts and styles between its letters; the worker then writes each letter's pages to its
  own file and hands back only a small RenderedLetter (index, path, pages, size), never
  PDF bytes;
- results come back in input order, each chunk's as soon as it is done;
- this process runs no extra thread, and each worker is replaced by a fresh fork after a
  few chunks (see _Workers).

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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import pdf
from .model import Letter

# Letters per WeasyPrint document. Every laid-out page stays in memory until its letters
# are written (500 letters in one document peak at ~740 MB, 50 at ~135 MB), and each
# worker holds one chunk, so 25 keeps two workers well under 400 MB; the cost is one
# more font subset per 25 letters.
CHUNK_SIZE = 25
# How far ahead of the chunk the caller waits for the workers may run, in chunks per
# worker: a slow chunk does not stall the others, and the results held back stay few.
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
    """Chunks rendered by worker processes, results in input order; if the workers cannot
    be started, or one dies (killed), the chunks not yet received are rendered here."""
    pool = _Workers.start(workers)
    if pool is None:
        yield from _in_this_process(chunks)
        return
    numbered = enumerate(chunks)
    sent: dict[int, list[_Job]] = {}  # chunk number -> chunk, until its results are back
    done: dict[int, list[RenderedLetter]] = {}  # results that came back ahead of their turn
    turn = 0  # the chunk whose results are yielded next
    try:
        while True:
            # Hand out chunks, but never run more than IN_FLIGHT_PER_WORKER x workers
            # chunks ahead of the one the caller is waiting for.
            while pool.idle and len(sent) + len(done) < workers * IN_FLIGHT_PER_WORKER:
                item = next(numbered, None)
                if item is None:
                    break
                number, chunk = item
                pool.send(number, chunk)
                sent[number] = chunk
            while turn in done:
                yield from done.pop(turn)
                turn += 1
            if not sent:
                break
            for number, results in pool.receive():
                done[number] = results
                del sent[number]
    except _WorkerDied as exc:
        log.warning("PDF rendering continues in one process: %s", exc)
        pool.stop()
        for number in sorted(sent.keys() | done.keys()):
            if number in done:
                yield from done[number]
            else:
                yield from render_chunk(sent[number])
        yield from _in_this_process(chunk for _number, chunk in numbered)
        return
    except BaseException:
        pool.stop()  # RenderError, or the caller stopped early: no orphan workers
        raise
    pool.close()


class _WorkerDied(RuntimeError):
    """A worker process ended without finishing its chunks (they are re-rendered here)."""


class _Workers:
    """Forked worker processes, each fed one chunk at a time through its own pipe.

    No thread in this process: sending and receiving happen in the caller's thread (a
    process pool's feeder and manager threads each grew their own malloc arena, and this
    process's RSS with the number of letters). A worker is replaced by a fresh fork after
    RECYCLE_AFTER chunks, so that whatever its heap keeps from one layout to the next
    (fragments, caches) cannot grow with the run.
    """

    RECYCLE_AFTER = 4

    def __init__(self, context) -> None:
        self._context = context
        self._conns: dict[Any, Any] = {}  # connection -> its process
        self._chunks_done: dict[Any, int] = {}  # connection -> chunks it rendered
        self._busy: dict[Any, int] = {}  # connection -> chunk number it is rendering
        self.idle: list[Any] = []

    @classmethod
    def start(cls, count: int) -> _Workers | None:
        """``count`` workers forked now, warm; None where there can be none."""
        import multiprocessing

        try:
            context = multiprocessing.get_context("fork")
        except ValueError:  # no fork here (Windows): workers would start cold
            return None
        pdf.warm_up()  # built before the fork, so that every worker inherits it
        workers = cls(context)
        try:
            for _ in range(count):
                workers._fork()
        except OSError as exc:  # fork refused: a process limit, no memory
            log.warning("PDF rendering in one process: no worker processes (%s)", exc)
            workers.stop()
            return None
        return workers

    def _fork(self) -> None:
        ours, theirs = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(theirs,), daemon=True)
        try:
            process.start()
        finally:
            theirs.close()
        self._conns[ours] = process
        self._chunks_done[ours] = 0
        self.idle.append(ours)

    def send(self, number: int, chunk: list[_Job]) -> None:
        conn = self.idle.pop()
        try:
            conn.send(chunk)
        except OSError as exc:  # the worker is gone
            raise _WorkerDied(str(exc)) from exc
        self._busy[conn] = number

    def receive(self) -> Iterator[tuple[int, list[RenderedLetter]]]:
        """Wait for at least one busy worker; the (chunk number, results) that are back."""
        from multiprocessing.connection import wait

        for conn in wait(list(self._busy)):
            try:
                ok, payload = conn.recv()
            except (EOFError, OSError) as exc:
                raise _WorkerDied(f"a worker process ended ({exc or 'no reply'})") from exc
            if not ok:
                raise payload  # RenderError (or a write error) from the worker
            number = self._busy.pop(conn)
            self._chunks_done[conn] += 1
            if not (self._chunks_done[conn] >= self.RECYCLE_AFTER and self._replace(conn)):
                self.idle.append(conn)
            yield number, payload

    def _replace(self, conn) -> bool:
        """Fork a fresh worker and retire ``conn``'s; keep the old one if fork fails."""
        try:
            self._fork()
        except OSError as exc:
            log.warning("PDF worker process not replaced: %s", exc)
            return False
        self._retire(conn)
        return True

    def _retire(self, conn) -> None:
        process = self._conns.pop(conn)
        del self._chunks_done[conn]
        with contextlib.suppress(OSError):
            conn.send(None)  # "no more work": the worker returns and exits
        conn.close()
        process.join(5)
        if process.is_alive():
            process.terminate()
            process.join()

    def close(self) -> None:
        """All work done: let every worker finish and exit."""
        for conn in list(self._conns):
            self._retire(conn)
        self.idle.clear()

    def stop(self) -> None:
        """After a failure or an early stop: end every worker now."""
        for conn, process in self._conns.items():
            if process.is_alive():
                process.terminate()
            process.join()
            conn.close()
        self._conns.clear()
        self._busy.clear()
        self.idle.clear()


def _serve(conn) -> None:
    """A worker's life: render the chunks it is sent until told to stop (None)."""
    gc.freeze()  # what it inherited is never walked by a collection again
    with contextlib.suppress(EOFError):  # EOF: the parent has gone
        while (chunk := conn.recv()) is not None:
            try:
                reply = (True, render_chunk(chunk))
            except Exception as exc:  # every failure goes back to the parent
                reply = (False, exc)
            conn.send(reply)


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
