"""The text of a reply, read out of what came back: PDF (pypdf), Word (python-docx), a saved
email (the standard library's parser, with its attachments) and plain text.

Each reader is bounded (pages, characters, the size of a Word file unpacked) and never
raises on a damaged or hostile file: the file is still kept, it only has no text. Images
are kept without text (no OCR).
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from html.parser import HTMLParser

from dsar.requests import uploads as up

MAX_TEXT_CHARS = 200_000  # one document; a long reply is still read in full well below this
MAX_PDF_PAGES = 300
MAX_ATTACHMENTS = 20
# Statuses of an extraction (what the page says about the text beside the checklist).
READ, TRUNCATED, NO_TEXT, UNREADABLE = "read", "truncated", "no_text", "unreadable"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Extracted:
    text: str
    status: str  # READ, TRUNCATED, NO_TEXT (an image, a scan) or UNREADABLE (damaged)


def _bounded(text: str) -> Extracted:
    text = re.sub(r"[ \t]+\n", "\n", text.replace("\r\n", "\n").replace("\x00", "")).strip()
    if not text:
        return Extracted("", NO_TEXT)
    if len(text) > MAX_TEXT_CHARS:
        return Extracted(text[:MAX_TEXT_CHARS], TRUNCATED)
    return Extracted(text, READ)


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content), strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        return ""
    parts, size = [], 0
    for page in reader.pages[:MAX_PDF_PAGES]:
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size > MAX_TEXT_CHARS:
            break
    return "\n\n".join(parts)


def _docx_text(content: bytes) -> str:
    import docx

    # A Word file is a ZIP: the same checks as any archive before python-docx unpacks it.
    from dsar.replies.archive import checked_members

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        checked_members(archive, "document")
    document = docx.Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" | ".join(cell.text.strip() for cell in row.cells))
    return "\n".join(lines)


class _TextOfHtml(HTMLParser):
    """The visible text of an HTML email body (scripts and styles dropped)."""

    _BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "table"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    return re.sub(r"\n{3,}", "\n\n", "".join(parts for parts in parser.parts))


def _email_text(content: bytes) -> str:
    message = BytesParser(policy=policy.default).parsebytes(content)
    assert isinstance(message, EmailMessage)
    lines = [f"{name}: {message[name]}" for name in ("From", "To", "Date", "Subject") if message[name]]
    body = message.get_body(preferencelist=("plain", "html"))
    if body is not None:
        text = body.get_content()
        text = html_text(text) if body.get_content_type() == "text/html" else text
        lines += ["", text.strip()]
    for number, part in enumerate(message.iter_attachments()):
        if number >= MAX_ATTACHMENTS:
            break
        name = up.clean_filename(part.get_filename() or "attachment")
        payload = part.get_payload(decode=True) or b""
        media_type = up.sniff(payload, name) if len(payload) <= up.MAX_UPLOAD_BYTES else None
        inner = extract(payload, media_type) if media_type and media_type != up.EMAIL else None
        lines += ["", f"--- {name} ---"]
        if inner is not None and inner.text:
            lines.append(inner.text)
    return "\n".join(lines)


def extract(content: bytes, media_type: str) -> Extracted:
    """The text of one file of a sniffed type (never raises)."""
    try:
        if media_type == "application/pdf":
            return _bounded(_pdf_text(content))
        if media_type == up.DOCX:
            return _bounded(_docx_text(content))
        if media_type == up.EMAIL:
            return _bounded(_email_text(content))
        if media_type in up.TEXT_TYPES:
            return _bounded(up.decode_text(content) or "")
        return Extracted("", NO_TEXT)
    except Exception as exc:  # RecursionError included: a hostile file must not break the page
        log.info("no text from a %s file: %s", media_type, type(exc).__name__)
        return Extracted("", UNREADABLE)
