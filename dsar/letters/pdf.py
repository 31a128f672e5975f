"""Letter → print-ready A4 PDF with WeasyPrint.

Safety (DESIGN.md, "PDF safety"): HTML comes from one template with autoescape on, fed
only cleaned plain strings; WeasyPrint gets ``AssetFetcher``, which serves files from
``assets/`` for the ``dsar-asset:`` scheme and refuses every other URL; there is no
base URL, so nothing relative can resolve to the filesystem.

Speed: the stylesheet, its fonts (a FontConfiguration), the fetcher and the template are
built once per process and shared. Many letters are laid out as ONE HTML document (one
``<section>`` and one CSS page group per letter, up to CHUNK_SIZE letters per document),
so fonts are loaded and subset once per chunk rather than once per letter.

Per-letter "Page X of Y" in a single layout pass, pure CSS (letter.css, letter.html): each
letter is a page group whose first page resets the page counter; Y is the page number of
an element at the end of the letter (``target-counter``), carried to the footer by
``string-set``; and a one-page letter shows no page number because its end element sets
the first-page label back to "". Named strings are resolved after pagination, so unlike
running elements (which WeasyPrint lays out twice) they add no second layout pass.

Processes: layout (~100 ms of CPU per letter) cannot be shared between letters, so a bulk
run of several chunks spreads its chunks over a process pool (``workers``; by default one
process per core). Workers are forked after the toolkit is built, so they inherit it warm
instead of loading the fonts again; each renders whole chunks and sends back bytes, and the
parent joins them in letter order while later chunks are still being laid out. Where
processes cannot be created (no fork, no semaphores, a process limit) the same chunks are
rendered in this process instead.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import io
import logging
import mimetypes
import os
import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

from .model import Block, Letter, Party
from .text import clean_text, list_markers, one_line

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
ASSET_SCHEME = "dsar-asset"
# Letters per WeasyPrint document in the bulk path. Every laid-out page stays in memory
# until its document is written (500 letters in one document peak at ~740 MB; 50 at
# ~135 MB) and per-document costs are small, so chunks bound memory at little cost.
CHUNK_SIZE = 50
# The largest chunk a pool worker lays out. Every worker holds one chunk's pages at a
# time on top of what it inherited from the parent, so with two workers 25 letters each
# keep the whole run well under 400 MB, and twice as many chunks balance the workers'
# load better; the cost is one more font subset and one more join per 25 letters.
POOL_CHUNK_SIZE = 25

log = logging.getLogger(__name__)


class RenderError(RuntimeError):
    """The PDF could not be produced (e.g. the stylesheet asked for a refused URL)."""


class RefusedURL(ValueError):
    """AssetFetcher refuses this URL."""


def _asset_path(url: str) -> Path:
    """Map ``dsar-asset:fonts/x.ttf`` to a file inside ASSETS_DIR, or raise RefusedURL."""
    scheme, sep, rest = url.partition(":")
    if not sep or scheme.lower() != ASSET_SCHEME:
        raise RefusedURL(f"refused URL (only {ASSET_SCHEME}: is served): {url[:200]!r}")
    rest = unquote(rest.split("?", 1)[0].split("#", 1)[0])
    parts = PurePosixPath(rest).parts
    if (not rest or rest.startswith(("/", "\\")) or "\\" in rest or "\x00" in rest
            or ":" in rest or any(p in ("..", ".") for p in parts)):
        raise RefusedURL(f"refused asset path: {url[:200]!r}")
    root = ASSETS_DIR.resolve()
    path = (root / rest).resolve()
    # resolve() follows symlinks, so a link pointing out of assets/ is refused too.
    if not path.is_relative_to(root) or not path.is_file():
        raise RefusedURL(f"no such asset: {url[:200]!r}")
    return path


def _fetcher_class():
    # Imported lazily: importing dsar.letters must not import WeasyPrint.
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AssetFetcher(URLFetcher):
        """Serves bundled assets; refuses file:, http(s):, data:, relative URLs, all else.

        ``fail_on_errors=True``: a refused URL stops the render (WeasyPrint raises
        FatalURLFetchingError) instead of silently producing a letter without its font.
        Nothing in ``fetch`` ever reaches urllib's opener.
        """

        def __init__(self) -> None:
            super().__init__(allowed_protocols=(ASSET_SCHEME,), fail_on_errors=True)

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            path = _asset_path(str(url))
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if path.suffix == ".ttf":
                mime = "font/ttf"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

        def open(self, url: Any, data: Any = None, timeout: Any = None) -> URLFetcherResponse:
            return self.fetch(getattr(url, "full_url", url))

    return AssetFetcher


def asset_fetcher():
    """A new AssetFetcher instance (tests call it directly)."""
    return _fetcher_class()()


@dataclass
class _Toolkit:
    font_config: Any
    stylesheet: Any
    fetcher: Any


# One lock for building the shared objects and for rendering with them: WeasyPrint does
# not promise that a FontConfiguration can be used by two threads at once, and rendering
# is CPU-bound under the GIL anyway, so serialising costs nothing real.
_lock = threading.RLock()
_toolkit_cache: _Toolkit | None = None


def _toolkit() -> _Toolkit:
    """The shared FontConfiguration + parsed CSS + fetcher, built once per process.

    The CSS must be parsed with the FontConfiguration it will render with: @font-face
    rules load the fonts into it while the stylesheet is parsed.
    """
    global _toolkit_cache
    with _lock:
        if _toolkit_cache is None:
            from weasyprint import CSS
            from weasyprint.text.fonts import FontConfiguration

            fetcher = asset_fetcher()
            font_config = FontConfiguration()
            css = CSS(string=(ASSETS_DIR / "letter.css").read_text("utf-8"),
                      base_url=None, url_fetcher=fetcher, font_config=font_config)
            _toolkit_cache = _Toolkit(font_config, css, fetcher)
            atexit.register(_drop_toolkit)
        return _toolkit_cache


def _drop_toolkit() -> None:
    """Release the shared FontConfiguration while the interpreter is still whole.

    Its __del__ removes the temporary folder holding the loaded fonts; left to module
    teardown it fails (``rmtree`` is already gone) and the folder stays behind.
    """
    global _toolkit_cache
    with _lock:
        _toolkit_cache = None
    gc.collect()


@functools.cache
def _template():
    """letter.html in a sandboxed, autoescaping environment that sees only plain values."""
    from jinja2 import FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(ASSETS_DIR), autoescape=True, undefined=StrictUndefined,
        trim_blocks=True, lstrip_blocks=True)
    return env.get_template("letter.html")


_PAGE_FIRST = re.compile(r"^(.*?)\{page\}(.*?)\{pages\}(.*)$", re.S)
_PAGES_FIRST = re.compile(r"^(.*?)\{pages\}(.*?)\{page\}(.*)$", re.S)


def page_label_parts(label: str) -> tuple[tuple[str, str, str], str]:
    """Split a translated "Page {page} of {pages}" into its words and the number order.

    Returns ``((pre, mid, post), order)``; order is "" for {page} first, "rev" for
    {pages} first. A label without both placeholders falls back to "{page}/{pages}"
    rather than printing a broken footer.
    """
    if m := _PAGE_FIRST.match(label):
        return (m[1], m[2], m[3]), ""
    if m := _PAGES_FIRST.match(label):
        return (m[1], m[2], m[3]), "rev"
    return ("", "/", ""), ""


def _party(party: Party, *, name: bool, email: bool) -> dict[str, str]:
    """A postal block as one string of lines (the template shows it with pre-line)."""
    lines = [clean_text(party.name).strip()] if name else []
    lines += [clean_text(a).strip() for a in party.address]
    if email and party.email:
        lines.append(one_line(party.email))
    return {"name": clean_text(party.name).strip(),
            "block": "\n".join(line for line in lines if line)}


def _unbroken(text: str) -> str:
    """Keep a citation such as "15(1)(h)" on one line: Unicode line breaking allows a break
    between ")" and "(", so a WORD JOINER (invisible, and not in the text copied out of the
    PDF) goes between them."""
    return text.replace(")(", ")\u2060(")


def _block(block: Block) -> dict[str, Any]:
    items = [_unbroken(clean_text(i)) for i in block.items]
    return {"kind": block.kind, "text": _unbroken(clean_text(block.text)),
            "items": list(zip(list_markers(block, "•"), items, strict=True))}


def _letter_context(letter: Letter, n: int) -> dict[str, Any]:
    """The template's only input: plain, cleaned strings (never the Letter itself)."""
    parts, order = page_label_parts(one_line(letter.page_label))
    return {
        "n": n,
        "locale": one_line(letter.locale).replace("_", "-") or "en",
        "reference_line": one_line(f"{letter.reference_label}: {letter.reference}"),
        "page_label": parts,
        "page_order": order,
        "sender": _party(letter.sender, name=False, email=True),  # name is set in bold
        # No email in the window: the envelope shows a postal address only.
        "recipient": _party(letter.recipient, name=True, email=False),
        "place_date": clean_text(letter.place_date or letter.date_text),
        "subject": clean_text(letter.subject),
        "salutation": clean_text(letter.salutation),
        "blocks": [_block(b) for b in letter.blocks],
        "closing": clean_text(letter.closing),
        "signature": clean_text(letter.signature),
        "enclosures": [clean_text(e) for e in letter.enclosures],
        "enclosures_heading": clean_text(letter.enclosures_heading),
    }


def letter_title(letter: Letter) -> str:
    return one_line(f"{letter.subject} – {letter.reference}")


def build_html(letters: Sequence[Letter], start: int = 0) -> str:
    """One HTML document for ``letters``; section ids are numbered from ``start``."""
    contexts = [_letter_context(letter, start + i) for i, letter in enumerate(letters)]
    first, last = letters[0], letters[-1]
    if len(letters) == 1:
        title, author = letter_title(first), one_line(first.sender.name)
    else:
        title = one_line(f"{first.reference} … {last.reference} ({len(letters)})")
        author = ""
    return _template().render(letters=contexts, lang=contexts[0]["locale"], title=title,
                              author=author)


def _render_document(letters: Sequence[Letter], start: int = 0):
    """Lay out ``letters`` as one WeasyPrint Document (caller holds ``_lock``)."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    kit = _toolkit()
    html = HTML(string=build_html(letters, start), base_url=None, url_fetcher=kit.fetcher)
    try:
        return html.render(stylesheets=[kit.stylesheet], font_config=kit.font_config,
                           optimize_images=False)
    except FatalURLFetchingError as exc:  # a BaseException: turn it into a normal error
        raise RenderError(f"PDF rendering refused a resource: {exc}") from exc


def letter_page_ranges(document, count: int, start: int = 0) -> list[range]:
    """Which pages of ``document`` belong to each of its ``count`` letters.

    Each letter's section id (``letter-<n>``) is an anchor on its first page.
    """
    firsts = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith("letter-"):
                firsts.setdefault(int(anchor[7:]) - start, index)
    bounds = [firsts[i] for i in range(count)] + [len(document.pages)]
    return [range(bounds[i], bounds[i + 1]) for i in range(count)]


def _write(document) -> bytes:
    from weasyprint.urls import FatalURLFetchingError

    try:
        return document.write_pdf(optimize_images=False)
    except FatalURLFetchingError as exc:
        raise RenderError(f"PDF rendering refused a resource: {exc}") from exc


def _join(pdfs: Iterator[bytes]) -> bytes:
    """Join PDFs into one file, in order, taking each as soon as it is produced."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for pdf in pdfs:
        # Our chunks have no outline; not looking for one saves a walk of each file.
        writer.append(io.BytesIO(pdf), import_outline=False)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _concat(pdfs: list[bytes]) -> bytes:
    """Join the chunks' PDFs into one file, in order."""
    return _join(iter(pdfs))


def _have_pypdf() -> bool:
    try:
        import pypdf  # noqa: F401
    except ImportError:
        return False
    return True


def _chunk_size(requested: int, count: int, *, join: bool = True) -> int:
    """Chunks need pypdf to be joined; without it, lay out everything as one document."""
    if count <= requested:
        return requested
    if join and not _have_pypdf():
        return count
    return max(1, requested)


def render_plan(count: int, *, combined: bool = True, chunk_size: int = CHUNK_SIZE,
                workers: int | None = None) -> tuple[int, int]:
    """``(letters per chunk, worker processes)`` that render_pdf uses for ``count`` letters.

    ``workers=None``: one process per core, but no more than there are chunks, and no pool
    at all for a single chunk. 1 renders in this process. With a pool, chunks are at most
    POOL_CHUNK_SIZE letters and evened out (60 letters → 3 × 20, not 25 + 25 + 10).
    """
    if workers is not None and workers < 1:
        raise ValueError("workers must be at least 1")
    size = _chunk_size(chunk_size, count, join=combined)
    chunks = -(-count // size)
    if workers is None:
        workers = (os.cpu_count() or 1) if chunks >= 2 else 1
    workers = min(workers, chunks)
    if workers <= 1:
        return size, 1
    limit = min(size, POOL_CHUNK_SIZE)
    chunks = max(-(-count // limit), workers)
    return -(-count // chunks), workers


def _render_chunk(letters: Sequence[Letter], start: int, combined: bool) -> bytes | list[bytes]:
    """One chunk → its PDF (``combined``) or one PDF per letter. Also runs in pool workers."""
    with _lock:
        document = _render_document(letters, start)
        if combined:
            return _write(document)
        # Split the laid-out chunk back into one PDF per letter: no second layout.
        out = []
        ranges = letter_page_ranges(document, len(letters), start)
        for letter, pages in zip(letters, ranges, strict=True):
            copy = document.copy([document.pages[i] for i in pages])
            copy.metadata = _metadata_for(document.metadata, letter)
            out.append(_write(copy))
        return out


def _worker_init() -> None:
    """Runs first in each pool worker.

    Forked, the worker has a copy of the parent's warm toolkit: keep it. Its lock is made
    anew (the parent's may have been held by another thread at the fork), and the copy of
    the FontConfiguration forgets its font folder: that folder is the parent's, and the
    copy must never delete it.
    """
    global _lock
    _lock = threading.RLock()
    if _toolkit_cache is not None:
        _toolkit_cache.font_config._folder = None


def _pool_errors() -> tuple[type[BaseException], ...]:
    """What failing to create or keep worker processes looks like.

    OSError: fork or semaphore creation refused (EAGAIN, ENOMEM, EPERM, ENOSYS on
    platforms without sem_open). BrokenProcessPool: a worker died (killed, or its
    initializer failed) — RenderError raised inside a worker is not one of these and
    reaches the caller as it is.
    """
    from concurrent.futures.process import BrokenProcessPool

    return OSError, BrokenProcessPool


def _start_pool(workers: int):
    """A ProcessPoolExecutor forking from this process, or None where there can be none."""
    import multiprocessing

    try:
        from concurrent.futures import ProcessPoolExecutor
    except ImportError:  # "This platform lacks a functioning sem_open implementation"
        return None
    try:
        context = multiprocessing.get_context("fork")
    except ValueError:  # no fork here (Windows): workers start fresh and build their own
        context = None
    try:
        return ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_init)
    except (OSError, NotImplementedError) as exc:
        log.warning("PDF rendering in one process: no process pool (%s)", exc)
        return None


def _stop_pool(pool) -> None:
    """Shut a pool down after a failure, ending any worker that did start."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
        process.join(5)


def _chunk_results(letters: list[Letter], size: int, combined: bool,
                   workers: int) -> Iterator[bytes | list[bytes]]:
    """Each chunk's result, in letter order: from a pool if ``workers`` > 1 and one starts.

    If the pool cannot be started or breaks, the chunks not yet received are rendered here.
    """
    starts = range(0, len(letters), size)
    done = 0
    if workers > 1:
        _toolkit()  # build it before the fork so that every worker inherits it warm
        _template()
        pool = _start_pool(workers)
        if pool is not None:
            errors = _pool_errors()
            try:
                futures = [pool.submit(_render_chunk, letters[s:s + size], s, combined)
                           for s in starts]
                for future in futures:
                    result = future.result()
                    done += 1
                    yield result
            except errors as exc:
                log.warning("PDF rendering continues in one process: %s: %s",
                            type(exc).__name__, exc)
                _stop_pool(pool)
            except BaseException:
                _stop_pool(pool)  # RenderError, or the caller gave up: no orphan workers
                raise
            else:
                pool.shutdown(wait=True)
    for s in starts[done:]:
        yield _render_chunk(letters[s:s + size], s, combined)


def render_pdf(letters: Letter | Sequence[Letter], *, combined: bool = True,
               chunk_size: int = CHUNK_SIZE, workers: int | None = None) -> bytes | list[bytes]:
    """One Letter → PDF bytes. Several → one print-ready PDF, or a list (``combined=False``).

    Every letter starts on a new page and numbers its own pages ("Page 1 of 2"; nothing
    on a one-page letter). Raises RenderError if a resource was refused.

    ``workers``: processes for a bulk run (see render_plan); None = one per core when
    there are at least two chunks, 1 = everything in this process. The output is the
    same either way.
    """
    if isinstance(letters, Letter):
        letters, combined = [letters], True
    letters = list(letters)
    if not letters:
        raise ValueError("render_pdf needs at least one letter")
    size, workers = render_plan(len(letters), combined=combined, chunk_size=chunk_size,
                                workers=workers)
    with _lock, contextlib.closing(_chunk_results(letters, size, combined, workers)) as results:
        if not combined:
            return [pdf for chunk in results for pdf in chunk]
        if size >= len(letters):
            return next(results)
        return _join(results)


def _metadata_for(metadata, letter: Letter):
    import copy

    meta = copy.copy(metadata)
    meta.title = letter_title(letter)
    meta.authors = [one_line(letter.sender.name)]
    return meta


def write_pdf(letter: Letter, path: str | Path) -> Path:
    """Render one letter to ``path`` (written whole, then renamed into place)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(render_pdf(letter))
    tmp.replace(path)
    return path
