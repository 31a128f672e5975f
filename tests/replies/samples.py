"""Replies as organisations send them, made in the tests: a PDF letter (WeasyPrint), a Word
document (python-docx), a saved email with an attachment, a PNG."""

from __future__ import annotations

import io
from email.message import EmailMessage

import docx
from PIL import Image

LETTER = ("Dear Ms Llŵyd, we process your personal data for the purpose of credit checks. "
          "We share it with categories of recipients such as lenders.")


def pdf(text: str = LETTER) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<html><body><p>{text}</p></body></html>").write_pdf()


def word(text: str = LETTER) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Retention"
    table.rows[0].cells[1].text = "6 years"
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def email(body: str = LETTER, attachment: bytes | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = "Data Protection Officer <dpo@experian.example>"
    message["To"] = "sian@example.org"
    message["Subject"] = "Your subject access request EXP-1234"
    message["Date"] = "Mon, 28 Sep 2026 10:00:00 +0100"
    message.set_content(body)
    if attachment is not None:
        message.add_attachment(attachment, maintype="application", subtype="pdf",
                               filename="your-data.pdf")
    return message.as_bytes()


def png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (20, 10), "white").save(buf, "PNG")
    return buf.getvalue()
