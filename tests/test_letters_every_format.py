"""Every right in both jurisdictions, read back from every format: the recipient, the
person, the reference and the cited articles survive PDF, DOCX, .eml and text."""

from __future__ import annotations

import email
import email.policy
import io
import urllib.parse

import pytest
from docx import Document
from pypdf import PdfReader

from dsar.letters.compose import compose
from dsar.letters.docx import render_docx
from dsar.letters.email import mailto_link, render_eml
from dsar.letters.pdf import render_pdf
from dsar.letters.text import render_text
from dsar.rights import RIGHT_KEYS, RIGHTS


def _flat(text: str) -> str:
    return " ".join(text.split())


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
    return _flat("\n".join(parts))


CASES = [(right, j) for right in RIGHT_KEYS for j in ("uk", "eu")]


@pytest.mark.parametrize("right,jurisdiction", CASES)
def test_pdf_docx_eml_text(make_request, right, jurisdiction):
    reference = f"DSAR-{right[:4].upper()}-{jurisdiction.upper()}1"
    letter = compose(make_request(right, jurisdiction, reference=reference))
    expected = [letter.recipient.name, "Siân Llŵyd", letter.reference,
                *RIGHTS[right].citations[jurisdiction]]

    pdf = PdfReader(io.BytesIO(render_pdf(letter)))
    pdf_text = _flat("\n".join(page.extract_text() for page in pdf.pages))
    docx_text = _docx_text(render_docx(letter))
    message = email.message_from_bytes(render_eml(letter, to="dpo@example.com"),
                                       policy=email.policy.default)
    eml_text = _flat(message.get_content())
    plain = _flat(render_text(letter))
    for label, text in (("pdf", pdf_text), ("docx", docx_text), ("eml", eml_text),
                        ("txt", plain)):
        for needle in expected:
            assert needle in text, f"{label} of {right}/{jurisdiction} lacks {needle!r}"
    assert message["To"] == "dpo@example.com"
    assert letter.reference in message["Subject"]
    assert message.get_content_type() == "text/plain"
    # The reference is on every page of the PDF.
    for page in pdf.pages:
        assert letter.reference in _flat(page.extract_text())


def test_mailto_link_carries_subject_and_body(make_request):
    letter = compose(make_request("access"))
    link = mailto_link(letter, to="dpo@example.com")
    parsed = urllib.parse.urlparse(link)
    assert parsed.scheme == "mailto" and parsed.path == "dpo@example.com"
    query = urllib.parse.parse_qs(parsed.query)
    assert letter.reference in query["subject"][0]
    assert "Article 15 UK GDPR" in query["body"][0]


def test_pdf_is_a4_and_uses_the_bundled_font(make_request):
    pdf = PdfReader(io.BytesIO(render_pdf(compose(make_request("score_pack")))))
    box = pdf.pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == (595.3, 841.9)
    fonts = set()
    for page in pdf.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("NotoSans" in f for f in fonts), fonts


def test_multi_page_letter_numbers_its_pages(make_request):
    pdf = PdfReader(io.BytesIO(render_pdf(compose(make_request("profiling_pack")))))
    total = len(pdf.pages)
    assert total >= 2
    for number, page in enumerate(pdf.pages, start=1):
        assert f"Page {number} of {total}" in _flat(page.extract_text())


def test_bulk_pdf_one_or_many(make_request):
    letters = [compose(make_request(r, reference=f"DSAR-BULK-000{i}"))
               for i, r in enumerate(("access", "object_marketing", "erasure"))]
    combined = PdfReader(io.BytesIO(render_pdf(letters, combined=True)))
    separate = render_pdf(letters, combined=False)
    assert len(separate) == 3
    pages = [len(PdfReader(io.BytesIO(b)).pages) for b in separate]
    assert len(combined.pages) == sum(pages)
    for pdf_bytes, letter in zip(separate, letters, strict=True):
        text = _flat(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_bytes)).pages))
        assert letter.reference in text
        others = [x.reference for x in letters if x is not letter]
        assert not any(o in text for o in others)
