"""Files a person received from an organisation: checked, stored, found again.

The type is sniffed from the bytes (``filetype`` for binary formats, then a text, CSV and
JSON check); the name and type the browser sent are never trusted. Files are stored outside
the web root, under the instance folder, with random names, and are only ever served as
downloads through the workspace that owns them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import secrets
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask_babel import lazy_gettext as _l
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dsar.requests.models import DataRequest, Upload

# Every upload limit, in one place (issue 9 item 4).
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # one file
MAX_FILES = 10  # one form
WORKSPACE_MAX_FILES = 200  # everything one workspace keeps
WORKSPACE_MAX_BYTES = 200 * 1024 * 1024
# A scanned A4 page at 600 dpi is 35 megapixels; a decoded 40-megapixel image takes at most
# 160 MB (RGBA). Pillow's own guard is set to the same figure (it warns above it and refuses
# twice it), so no code path decodes a larger image.
MAX_IMAGE_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
# What we accept: PDF, images, ZIP, CSV, JSON, plain text (issue 4 item 5), Word documents
# and saved emails (replies, issue 13).
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EMAIL = "message/rfc822"
BINARY_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/zip": "zip",
    DOCX: "docx",
}
TEXT_TYPES = {"text/csv": "csv", "application/json": "json", EMAIL: "eml", "text/plain": "txt"}
IMAGE_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp")
_STORED_NAME = re.compile(r"[0-9a-f]{32}")
# Control characters that never occur in a real text file (TAB, LF, FF and CR do).
_BINARY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# A saved email (RFC 5322) starts with header fields; these say it is a message.
_HEADER_LINE = re.compile(r"([!-9;-~]+):[ \t]?(.*)")


class UploadError(ValueError):
    """A file we will not keep; the message (translatable) is for the person."""


class ImageTooLarge(ValueError):
    """An image whose header declares more than MAX_IMAGE_PIXELS: never decoded."""


def open_image(source) -> Image.Image:
    """The image with only its header read (Pillow decodes lazily, on ``load()``); raises
    ImageTooLarge before any pixel is decoded when it is too large, and Pillow's errors
    (UnidentifiedImageError, OSError) when it is not an image."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(source)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageTooLarge(str(exc)) from None
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        image.close()
        raise ImageTooLarge(f"{width}x{height} pixels")
    return image


@dataclass(frozen=True)
class IncomingFile:
    name: str
    content: bytes


def decode_text(content: bytes) -> str | None:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        return None if _BINARY_CONTROL.search(text) else text
    return None


def _is_csv(text: str) -> bool:
    """At least two rows, each with the same number (more than one) of fields, separated by
    commas, semicolons, tabs or bars (European exports often use semicolons)."""
    try:
        dialect = csv.Sniffer().sniff(text[:20000], delimiters=",;\t|")
    except csv.Error:
        return False
    rows = [r for r in csv.reader(io.StringIO(text), dialect) if r]
    widths = {len(r) for r in rows}
    return len(rows) > 1 and len(widths) == 1 and widths.pop() > 1


def _is_email(text: str) -> bool:
    """Header lines up to the first blank line, among them From and at least one of Date,
    Subject or Message-ID (a continuation line starts with a space or a tab)."""
    names = set()
    for line in text[:20000].replace("\r\n", "\n").split("\n"):
        if not line:
            break
        if line[:1] in (" ", "\t") and names:
            continue
        match = _HEADER_LINE.fullmatch(line)
        if match is None:
            return False
        names.add(match.group(1).lower())
    else:
        return False  # no blank line after the headers: no body, not a message
    return "from" in names and bool(names & {"date", "subject", "message-id"})


def sniff(content: bytes, filename: str) -> str | None:
    """The media type of ``content`` if it is one we accept, else None."""
    if not content:
        return None
    kind = filetype.guess(content)
    if kind is not None:
        return kind.mime if kind.mime in BINARY_TYPES else None
    text = decode_text(content)
    if text is None:
        return None
    stripped = text.strip()
    if stripped[:1] in ("{", "["):
        try:
            json.loads(stripped)
            return "application/json"
        except ValueError:
            pass
    if _is_email(text):
        return EMAIL
    try:
        if filename.lower().endswith(".csv") and _is_csv(text):
            return "text/csv"
    except csv.Error:
        pass
    return "text/plain"


def clean_filename(name: str) -> str:
    """A display name: the last path part, printable, at most 120 characters."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().strip(".")
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 110] + dot + ext[:9]) if dot and len(ext) < 10 else name[:120]
    return name or "file"


def check(files: list[IncomingFile]) -> list[tuple[IncomingFile, str]]:
    """Every file with its sniffed type, or UploadError naming the first bad one."""
    if len(files) > MAX_FILES:
        raise UploadError(_l("Choose %(n)s files or fewer at a time", n=MAX_FILES))
    checked = []
    for item in files:
        shown = clean_filename(item.name)
        if len(item.content) > MAX_UPLOAD_BYTES:
            raise UploadError(_l("%(name)s is larger than 20 MB", name=shown))
        media_type = sniff(item.content, shown)
        if media_type is None:
            raise UploadError(_l(
                "%(name)s is not a PDF, image (JPEG, PNG, GIF, WebP), Word document, email, ZIP, CSV, "
                "JSON or text file", name=shown))
        if media_type in IMAGE_TYPES:
            _check_image_size(item.content, shown)
        checked.append((item, media_type))
    return checked


def _check_image_size(content: bytes, shown: str) -> None:
    try:
        open_image(io.BytesIO(content)).close()
    except ImageTooLarge:
        raise UploadError(_l("%(name)s is too large an image: it has more than %(n)s million pixels",
                             name=shown, n=MAX_IMAGE_PIXELS // 1_000_000)) from None
    except (OSError, ValueError):
        pass  # damaged but of an accepted type: kept, and travels in the ZIP only


def check_quota(session: Session, workspace_id: int, checked) -> None:
    """UploadError when the files would take the workspace over its count or size limit."""
    count, total = session.execute(
        select(func.count(Upload.id), func.coalesce(func.sum(Upload.size), 0))
        .join(DataRequest, Upload.request_id == DataRequest.id)
        .where(DataRequest.workspace_id == workspace_id)
    ).one()
    if count + len(checked) > WORKSPACE_MAX_FILES:
        raise UploadError(_l("These files would take this workspace over its limit of %(n)s files",
                             n=WORKSPACE_MAX_FILES))
    if total + sum(len(item.content) for item, _type in checked) > WORKSPACE_MAX_BYTES:
        raise UploadError(_l("These files would take this workspace over its limit of %(n)s MB in all",
                             n=WORKSPACE_MAX_BYTES // (1024 * 1024)))


def store(session: Session, request: DataRequest, checked, uploads_dir: Path) -> list[Upload]:
    """Write each file under a random name (mode 0600) and record it."""
    uploads_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    stored = []
    for item, media_type in checked:
        name = secrets.token_hex(16)
        path = uploads_dir / name
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(item.content)
        upload = Upload(
            request_id=request.id, stored_name=name, original_name=clean_filename(item.name),
            media_type=media_type, size=len(item.content),
            sha256=hashlib.sha256(item.content).hexdigest(),
        )
        session.add(upload)
        stored.append(upload)
    session.flush()
    return stored


def request_uploads(session: Session, request: DataRequest) -> list[Upload]:
    return list(session.scalars(
        select(Upload).where(Upload.request_id == request.id).order_by(Upload.id)))


def get_upload(session: Session, request: DataRequest, public_id: str) -> Upload | None:
    """Scoped to the request (itself scoped to its workspace)."""
    return session.scalar(
        select(Upload).where(Upload.request_id == request.id, Upload.public_id == public_id))


def stored_path(upload: Upload, uploads_dir: Path) -> Path:
    if not _STORED_NAME.fullmatch(upload.stored_name):
        raise UploadError("stored file name is malformed")
    return uploads_dir / upload.stored_name


def read_upload(upload: Upload, uploads_dir: Path) -> bytes:
    return stored_path(upload, uploads_dir).read_bytes()


def download_name(upload: Upload) -> str:
    """The original name with the extension of the type we sniffed (never the sent one)."""
    extension = BINARY_TYPES.get(upload.media_type) or TEXT_TYPES.get(upload.media_type, "bin")
    stem = upload.original_name.rsplit(".", 1)[0] if "." in upload.original_name else (
        upload.original_name)
    return f"{stem}.{extension}"
