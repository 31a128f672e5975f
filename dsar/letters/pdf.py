"""One Letter → print-ready A4 PDF with WeasyPrint.

Safety (DESIGN.md, "PDF safety"): HTML comes from one template with autoescape on, fed
only cleaned plain strings; WeasyPrint gets ``AssetFetcher``, which serves files from
``assets/`` for the ``dsar-asset:`` scheme and refuses every other URL; there is no
base URL, so nothing relative can resolve to the filesystem.

Speed: the stylesheet, its fonts (a FontConfiguration), the fetcher and the template are
built once per process and shared by every letter rendered in it.

Per-letter "Page X of Y" in a single layout pass, pure CSS (letter.css, letter.html): each
letter is a page group whose first page resets the page counter; Y is the page number of
an element at the end of the letter (``target-counter``), carried to the footer by
``string-set``; and a one-page letter shows no page number because its end element sets
the first-page label back to "". Named strings are resolved after pagination, so unlike
running elements (which WeasyPrint lays out twice) they add no second layout pass. The
same HTML holds several letters: ``dsar.letters.bulk`` lays a chunk of letters out as one
document with ``build_html``/``layout`` and writes each letter's pages as its own file.

Threads: WeasyPrint does not promise that a FontConfiguration can be used by two threads
at once, so each layout and each write holds ``_lock`` — for one document, never for a
whole bulk run. Rendering is CPU-bound under the GIL anyway, so this costs nothing real.
"""

from __future__ import annotations

import atexit
import copy
import functools
import gc
import io
import mimetypes
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO
from urllib.parse import unquote

from .model import Block, Letter, Party
from .postal import window_lines
from .text import clean_text, list_markers, one_line

ASSETS_DIR = Path(__file__).resolve().parent / "assets"
ASSET_SCHEME = "dsar-asset"


class RenderError(RuntimeError):
    """The PDF could not be produced (e.g. the stylesheet asked for a refused URL)."""


class RefusedURL(ValueError):
    """AssetFetcher refuses this URL."""


def _refused(exc: BaseException) -> RenderError:
    """FatalURLFetchingError is a BaseException: callers get a normal error instead."""
    return RenderError(f"PDF rendering refused a resource: {exc}")


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


# Held while the shared toolkit is built and while a document is laid out or written
# with it (see "Threads" above).
_lock = threading.Lock()
_toolkit_cache: _Toolkit | None = None


def _toolkit() -> _Toolkit:
    """The shared FontConfiguration + parsed CSS + fetcher, built once per process.

    The CSS must be parsed with the FontConfiguration it will render with: @font-face
    rules load the fonts into it while the stylesheet is parsed. Callers hold ``_lock``.
    """
    global _toolkit_cache
    if _toolkit_cache is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import FatalURLFetchingError

        fetcher = asset_fetcher()
        font_config = FontConfiguration()
        try:  # @font-face and @import URLs are fetched here, while the CSS is parsed
            css = CSS(string=(ASSETS_DIR / "letter.css").read_text("utf-8"),
                      base_url=None, url_fetcher=fetcher, font_config=font_config)
        except FatalURLFetchingError as exc:
            raise _refused(exc) from exc
        _toolkit_cache = _Toolkit(font_config, css, fetcher)
        atexit.register(_drop_toolkit)
    return _toolkit_cache


def warm_up() -> None:
    """Build the toolkit and the template now (bulk.py does this before forking workers,
    so that every worker inherits them instead of loading the fonts again). Raises
    RenderError if the stylesheet asks for a refused URL."""
    with _lock:
        _toolkit()
    _template()


def _drop_toolkit() -> None:
    """Release the shared FontConfiguration while the interpreter is still whole.

    Its __del__ removes the temporary folder holding the loaded fonts; left to module
    teardown it fails (``rmtree`` is already gone) and the folder stays behind.
    """
    global _toolkit_cache
    with _lock:
        _toolkit_cache = None
    gc.collect()


def _after_fork_in_child() -> None:
    """A forked child gets a fresh lock (another thread of the parent may have held this
    one at the fork) and keeps the warm toolkit, whose font folder it must never delete:
    the folder is the parent's."""
    global _lock
    _lock = threading.Lock()
    if _toolkit_cache is not None:
        _toolkit_cache.font_config._folder = None


os.register_at_fork(after_in_child=_after_fork_in_child)


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


def _sender(party: Party) -> dict[str, str]:
    """The sender block as one string of lines (the template shows it with pre-line)."""
    lines = [clean_text(a).strip() for a in party.address]
    if party.email:
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
        "sender": _sender(letter.sender),  # the name is set in bold
        # No email in the window: the envelope shows a postal address only, each line once.
        "recipient": {"block": "\n".join(clean_text(x).strip() for x in window_lines(letter.recipient))},
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


def layout(letters: Sequence[Letter], start: int = 0):
    """Lay ``letters`` out as one WeasyPrint Document, each letter from a new page.

    Raises RenderError if a resource was refused.
    """
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    html = build_html(letters, start)
    with _lock:
        kit = _toolkit()
        document = HTML(string=html, base_url=None, url_fetcher=kit.fetcher)
        try:
            return document.render(stylesheets=[kit.stylesheet], font_config=kit.font_config,
                                   optimize_images=False)
        except FatalURLFetchingError as exc:
            raise _refused(exc) from exc


def write(document, target: BinaryIO) -> None:
    """Write a laid-out ``document`` (or a copy of some of its pages) to ``target``."""
    from weasyprint.urls import FatalURLFetchingError

    with _lock:
        try:
            document.write_pdf(target, optimize_images=False)
        except FatalURLFetchingError as exc:
            raise _refused(exc) from exc


def letter_metadata(metadata, letter: Letter):
    """``metadata`` of a many-letter document, made ``letter``'s own (title, author, lang)."""
    meta = copy.copy(metadata)
    meta.title = letter_title(letter)
    meta.authors = [one_line(letter.sender.name)]
    meta.lang = one_line(letter.locale).replace("_", "-") or "en"
    return meta


def render_pdf(letter: Letter) -> bytes:
    """One Letter → its PDF. Raises RenderError if a resource was refused.

    The letter numbers its own pages ("Page 1 of 2"; nothing on a one-page letter).
    For many letters, use dsar.letters.bulk.render_many.
    """
    out = io.BytesIO()
    write(layout([letter]), out)
    return out.getvalue()
