"""The regulator complaint bundle: ONE PDF with the complaint and all the correspondence in
date order, and a ZIP with that PDF, the complaint as text (to paste into the ICO's form)
and every original file (the ICO's complaint form: "copies of all correspondence").

Our letters are rendered by the letter renderer; uploaded PDFs are appended as they are;
uploaded images are placed on an A4 page of their own; anything else (ZIP, CSV, JSON,
text, and PDFs or images we cannot read) is listed in the complaint and travels in the ZIP.

A bundle can hold hundreds of megabytes, so it is built in a scratch folder on disk, never in
memory, and at most one build per workspace runs at a time (``exclusive_build``). Each
received file is turned into PDF pages once (``prepare``), before the complaint is written,
so the complaint says truthfully which files are printed and which are in the ZIP only.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import re
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dsar.letters.model import Letter
from dsar.letters.text import render_text
from dsar.requests.uploads import IMAGE_TYPES, ImageTooLarge, open_image

FONT = Path(__file__).resolve().parent.parent / "letters" / "assets" / "fonts" / "NotoSans-Regular.ttf"
# A4 at 150 dots per inch, with 15 mm margins: sharp enough to read a scanned letter.
_DPI = 150
_A4 = (1240, 1754)
_MARGIN = 90


@dataclass(frozen=True)
class ReceivedFile:
    name: str
    media_type: str
    path: Path
    on: date | None


@dataclass(frozen=True)
class PreparedFile:
    """A received file and, when it could be read, a PDF of its pages ready to merge."""

    received: ReceivedFile
    pages: Path | None

    @property
    def printed(self) -> bool:
        return self.pages is not None


@dataclass(frozen=True)
class Bundle:
    pdf: Path
    zip: Path


class BundleBusy(Exception):
    """Another bundle of the same workspace is being built right now."""


@contextlib.contextmanager
def exclusive_build(lock_dir: Path, key: str) -> Iterator[Path]:
    """A scratch folder for one build, deleted afterwards, under a per-``key`` lock that is
    never waited for: a second build of the same workspace raises BundleBusy at once rather
    than doubling the disk, memory and time a large bundle takes."""
    lock_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    with (lock_dir / f"{key}.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BundleBusy(key) from None
        try:
            with tempfile.TemporaryDirectory(dir=lock_dir, prefix="build-") as scratch:
                yield Path(scratch)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _pdf_errors() -> tuple[type[BaseException], ...]:
    """What pypdf raises on a malformed or hostile file: its own errors (LimitReachedError for
    a page tree nested too deep, among them), RecursionError for deep nesting elsewhere, and
    the plain errors its parser lets through on files that break its assumptions."""
    from pypdf.errors import LimitReachedError, PyPdfError

    return (PyPdfError, LimitReachedError, RecursionError, ValueError, KeyError, TypeError,
            AttributeError, IndexError, OSError)


def pdf_pages(source: Path, target: Path) -> bool:
    """Copy the PDF's pages to ``target`` through pypdf, so that the final merge only ever
    reads a file pypdf wrote itself; False (nothing written) if it cannot be read."""
    from pypdf import PdfReader, PdfWriter

    try:
        reader = PdfReader(source)
        if reader.is_encrypted:
            return False
        writer = PdfWriter()
        writer.append(reader)
        with target.open("wb") as out:
            writer.write(out)
        return True
    except _pdf_errors():
        target.unlink(missing_ok=True)
        return False


def image_page(source: Path, caption: str, target: Path) -> bool:
    """The image scaled onto one A4 page with its file name above it, written to ``target``
    as a PDF; False if it cannot be read or is larger than the pixel limit (checked from its
    header, before any pixel is decoded)."""
    from PIL import Image, ImageDraw, ImageFont

    try:
        with open_image(source) as image:
            image.load()
            picture = image.convert("RGB")
    except (ImageTooLarge, OSError, ValueError, Image.DecompressionBombError):
        return False
    page = Image.new("RGB", _A4, "white")
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(str(FONT), 28)
    draw.text((_MARGIN, _MARGIN - 40), caption[:90], fill="black", font=font)
    box = (_A4[0] - 2 * _MARGIN, _A4[1] - 2 * _MARGIN - 20)
    picture.thumbnail(box)  # only ever shrinks; a small image keeps its size
    top = _MARGIN + 20
    page.paste(picture, (_MARGIN, top))
    # A thin frame shows where the image ends, even when its own edges are white.
    draw.rectangle((_MARGIN - 2, top - 2, _MARGIN + picture.width + 1, top + picture.height + 1),
                   outline="#b1b4b6", width=2)
    page.save(target, "PDF", resolution=_DPI)
    return True


def _caption(received: ReceivedFile) -> str:
    return f"{received.name} ({received.on.isoformat()})" if received.on else received.name


def prepare(files: list[ReceivedFile], scratch: Path) -> list[PreparedFile]:
    """Each file's printable pages, made once (an image is decoded once, a PDF parsed once
    before the merge); a file that cannot be made printable travels in the ZIP only."""
    prepared = []
    for n, received in enumerate(files):
        target = scratch / f"received-{n:03d}.pdf"
        if received.media_type == "application/pdf":
            ok = pdf_pages(received.path, target)
        elif received.media_type in IMAGE_TYPES:
            ok = image_page(received.path, _caption(received), target)
        else:
            ok = False
        prepared.append(PreparedFile(received, target if ok else None))
    return prepared


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")[:80] or "file"


def build(cover: Letter, letters: list[tuple[date, Letter]], files: list[PreparedFile],
          scratch: Path) -> Bundle:
    """The complaint first, then every letter and received file in date order, written as
    bundle.pdf and bundle.zip in ``scratch``."""
    from pypdf import PdfWriter

    from dsar.letters.pdf import render_pdf

    # One letter at a time, in this process: a bundle is built during a web request, and
    # a request thread must never fork (dsar.letters.bulk is for the CLI and jobs).
    cover_pdf = render_pdf(cover)
    letter_pdfs = [render_pdf(letter) for _day, letter in letters]
    # (date, order, name in the ZIP, the letter's PDF or the received file): letters before
    # files on one day
    items: list[tuple[date, int, str, bytes | PreparedFile]] = []
    for i, ((day, letter), pdf) in enumerate(zip(letters, letter_pdfs, strict=True)):
        items.append((day, i, f"{letter.date.isoformat()}-{letter.filename_stem}.pdf", pdf))
    for i, prepared in enumerate(files):
        day = prepared.received.on or date.min
        items.append((day, 1000 + i, f"{day.isoformat()}-{_safe(prepared.received.name)}", prepared))
    items.sort(key=lambda item: (item[0], item[1]))

    writer = PdfWriter()
    writer.append(io.BytesIO(cover_pdf))
    for _day, _order, _name, source in items:
        if isinstance(source, bytes):
            writer.append(io.BytesIO(source))
        elif source.pages is not None:
            writer.append(source.pages)
    writer.add_metadata({"/Title": f"{cover.subject}", "/Author": cover.sender.name})
    bundle = Bundle(pdf=scratch / "bundle.pdf", zip=scratch / "bundle.zip")
    with bundle.pdf.open("wb") as out:
        writer.write(out)
    del writer  # its pages are on disk now; free them before the ZIP is written

    with zipfile.ZipFile(bundle.zip, "w", zipfile.ZIP_DEFLATED) as zf:
        stem = cover.filename_stem
        zf.write(bundle.pdf, f"{stem}-bundle.pdf")
        zf.writestr(f"{stem}.txt", render_text(cover))
        zf.writestr(f"{stem}.pdf", cover_pdf)
        for n, (_day, _order, name, source) in enumerate(items, start=1):
            arcname = f"correspondence/{n:02d}-{name}"
            if isinstance(source, bytes):
                zf.writestr(arcname, source)
            else:
                zf.write(source.received.path, arcname)  # copied from disk in chunks
    return bundle
