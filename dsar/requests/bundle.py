"""The regulator complaint bundle: ONE PDF with the complaint and all the correspondence in
date order, and a ZIP with that PDF, the complaint as text (to paste into the ICO's form)
and every original file (LEGAL.md §3: "copies of all correspondence").

Our letters are rendered by the letter renderer; uploaded PDFs are appended as they are;
uploaded images are placed on an A4 page of their own; anything else (ZIP, CSV, JSON,
text, and PDFs or images we cannot read) is listed in the complaint and travels in the ZIP.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dsar.letters.model import Letter
from dsar.letters.text import render_text
from dsar.requests.uploads import IMAGE_TYPES

FONT = Path(__file__).resolve().parent.parent / "letters" / "assets" / "fonts" / "NotoSans-Regular.ttf"
# A4 at 150 dots per inch, with 15 mm margins: sharp enough to read a scanned letter.
_DPI = 150
_A4 = (1240, 1754)
_MARGIN = 90


@dataclass(frozen=True)
class ReceivedFile:
    name: str
    media_type: str
    content: bytes
    on: date | None


@dataclass(frozen=True)
class Bundle:
    pdf: bytes
    zip: bytes


def _readable_pdf(content: bytes):
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            return None
        _ = len(reader.pages)  # forces the page tree to be parsed
        return reader
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        return None


def image_page(content: bytes, caption: str) -> bytes | None:
    """An image scaled onto one A4 page with its file name above it, as a PDF; None if the
    image cannot be read (or is absurdly large: Pillow's decompression-bomb guard)."""
    from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(content)) as image:
            image.load()
            picture = image.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
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
    out = io.BytesIO()
    page.save(out, "PDF", resolution=_DPI)
    return out.getvalue()


def printable(received: ReceivedFile) -> bool:
    """Whether the file can be placed in the bundle PDF (else it is in the ZIP only)."""
    if received.media_type == "application/pdf":
        return _readable_pdf(received.content) is not None
    if received.media_type in IMAGE_TYPES:
        return image_page(received.content, received.name) is not None
    return False


def _append(writer, content: bytes) -> None:
    from pypdf.errors import PdfReadError

    try:
        writer.append(io.BytesIO(content))
    except (PdfReadError, ValueError, KeyError, TypeError, OSError):
        pass  # a PDF that reads but will not merge: it is still in the ZIP


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")[:80] or "file"


def build(cover: Letter, letters: list[tuple[date, Letter]], files: list[ReceivedFile]) -> Bundle:
    """The complaint first, then every letter and received file in date order."""
    from pypdf import PdfWriter

    from dsar.letters.pdf import render_pdf

    # One letter at a time, in this process: a bundle is built during a web request, and
    # a request thread must never fork (dsar.letters.bulk is for the CLI and jobs).
    cover_pdf = render_pdf(cover)
    letter_pdfs = [render_pdf(letter) for _day, letter in letters]
    # (date, order, name in the ZIP, caption, bytes, kind): letters before files on one day
    items: list[tuple[date, int, str, str, bytes, str]] = []
    for i, ((day, letter), pdf) in enumerate(zip(letters, letter_pdfs, strict=True)):
        name = f"{letter.date.isoformat()}-{letter.filename_stem}.pdf"
        items.append((day, i, name, name, pdf, "letter"))
    for i, received in enumerate(files):
        day = received.on or date.min
        caption = f"{received.name} ({day.isoformat()})" if received.on else received.name
        items.append((day, 1000 + i, f"{day.isoformat()}-{_safe(received.name)}", caption,
                      received.content, received.media_type))
    items.sort(key=lambda item: (item[0], item[1]))

    writer = PdfWriter()
    writer.append(io.BytesIO(cover_pdf))
    for _day, _order, _name, caption, content, kind in items:
        if kind in IMAGE_TYPES:
            content = image_page(content, caption) or b""
        elif kind == "application/pdf" and _readable_pdf(content) is None:
            content = b""
        elif kind not in ("letter", "application/pdf"):
            continue  # listed in the complaint, in the ZIP only
        if content:
            _append(writer, content)
    writer.add_metadata({"/Title": f"{cover.subject}", "/Author": cover.sender.name})
    merged = io.BytesIO()
    writer.write(merged)
    pdf = merged.getvalue()

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        stem = cover.filename_stem
        zf.writestr(f"{stem}-bundle.pdf", pdf)
        zf.writestr(f"{stem}.txt", render_text(cover))
        zf.writestr(f"{stem}.pdf", cover_pdf)
        for n, (_day, _order, name, _caption, content, _kind) in enumerate(items, start=1):
            zf.writestr(f"correspondence/{n:02d}-{name}", content)
    return Bundle(pdf=pdf, zip=archive.getvalue())
