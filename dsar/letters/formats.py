"""One entry point for "this letter in that format", used by the CLI and the web app."""

from __future__ import annotations

from dataclasses import dataclass

from dsar.letters.model import Letter

FORMATS = ("pdf", "docx", "eml", "txt")


@dataclass(frozen=True)
class Rendered:
    content: bytes
    mimetype: str
    extension: str


def render(letter: Letter, fmt: str) -> Rendered:
    # Renderers are imported on use: WeasyPrint is slow to import and the text formats
    # should not pay for it.
    if fmt == "pdf":
        from dsar.letters.pdf import render_pdf

        return Rendered(render_pdf(letter), "application/pdf", "pdf")
    if fmt == "docx":
        from dsar.letters.docx import render_docx

        return Rendered(
            render_docx(letter),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        )
    if fmt == "eml":
        from dsar.letters.email import render_eml

        return Rendered(render_eml(letter), "message/rfc822", "eml")
    if fmt == "txt":
        from dsar.letters.text import render_text

        return Rendered(render_text(letter).encode("utf-8"), "text/plain; charset=utf-8", "txt")
    raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")


def format_from_filename(name: str) -> str | None:
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return suffix if suffix in FORMATS else None
