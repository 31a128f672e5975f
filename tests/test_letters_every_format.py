"""Every letter kind in every letter language and both jurisdictions, as a PDF, rendered in
ONE bulk run and read back page by page; and every right in both jurisdictions read back
from DOCX, .eml and text: the recipient, the person, the reference and the cited articles
survive every format."""

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
from dsar.rights import CATALOGUE, RIGHT_KEYS, RIGHTS
from tests.letters.matrix import MATRIX


def _flat(text: str) -> str:
    return " ".join(text.split())


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
    return _flat("\n".join(parts))


# ---------------------------------------------------------------- the PDF matrix
# (built once per test run by the letter_matrix fixture: tests/letters/matrix.py)

@pytest.mark.parametrize("kind,locale,jurisdiction", MATRIX)
def test_pdf_of_every_kind_in_every_language(letter_matrix, kind, locale, jurisdiction):
    letter, rendered = letter_matrix[kind, locale, jurisdiction]
    reader = PdfReader(rendered.path)
    pages = [_flat(page.extract_text()) for page in reader.pages]
    assert len(pages) == rendered.pages
    assert reader.trailer["/Root"]["/Lang"] == letter.locale
    text = " ".join(pages)
    # Compared without white space: a line may break after a hyphen ("DSAR-" / "M201").
    compact = "".join(text.split())
    for needle in (letter.recipient.name, "Siân Llŵyd", letter.subject, letter.salutation,
                   letter.closing):
        assert "".join(needle.split()) in compact, (needle, kind, locale, jurisdiction)
    if locale == "en" and (kind in RIGHT_KEYS or kind in CATALOGUE.followups):
        entry = RIGHTS[kind] if kind in RIGHT_KEYS else CATALOGUE.followup(kind)
        for citation in entry.citations[jurisdiction]:
            assert citation in text
    # The reference on every page, and the letter's own "Page X of Y" in its language,
    # except on a one-page letter.
    for number, page in enumerate(pages, start=1):
        assert letter.reference in page
        label = _flat(letter.page_label.format(page=number, pages=len(pages)))
        assert (label in page) == (len(pages) > 1), (label, kind, locale, jurisdiction)


def test_the_matrix_has_long_letters(letter_matrix):
    """The page-number checks above are only worth something with multi-page letters."""
    counts = {rendered.pages for _letter, rendered in letter_matrix.values()}
    assert 1 in counts and max(counts) >= 2


@pytest.mark.parametrize("case", [("profiling_pack", "cy", "eu"), ("reminder", "pl", "uk")])
def test_bulk_pdf_equals_the_one_letter_path(letter_matrix, case):
    letter, rendered = letter_matrix[case]
    single = PdfReader(io.BytesIO(render_pdf(letter)))
    assert len(single.pages) == rendered.pages
    assert [page.extract_text() for page in single.pages] == [
        page.extract_text() for page in PdfReader(rendered.path).pages]


def test_pdf_is_a4_and_uses_the_bundled_font(letter_matrix):
    pdf = PdfReader(letter_matrix["score_pack", "en", "uk"][1].path)
    box = pdf.pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == (595.3, 841.9)
    fonts = set()
    for page in pdf.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("NotoSans" in f for f in fonts), fonts


# ---------------------------------------------------------------- DOCX, .eml, text

CASES = [(right, j) for right in RIGHT_KEYS for j in ("uk", "eu")]


@pytest.mark.parametrize("right,jurisdiction", CASES)
def test_docx_eml_text(make_request, right, jurisdiction):
    reference = f"DSAR-{right[:4].upper()}-{jurisdiction.upper()}1"
    letter = compose(make_request(right, jurisdiction, reference=reference))
    expected = [letter.recipient.name, "Siân Llŵyd", letter.reference,
                *RIGHTS[right].citations[jurisdiction]]

    docx_text = _docx_text(render_docx(letter))
    message = email.message_from_bytes(render_eml(letter, to="dpo@example.com"),
                                       policy=email.policy.default)
    eml_text = _flat(message.get_content())
    plain = _flat(render_text(letter))
    for label, text in (("docx", docx_text), ("eml", eml_text), ("txt", plain)):
        for needle in expected:
            assert needle in text, f"{label} of {right}/{jurisdiction} lacks {needle!r}"
    assert message["To"] == "dpo@example.com"
    assert letter.reference in message["Subject"]
    assert message.get_content_type() == "text/plain"


def test_mailto_link_carries_subject_and_body(make_request):
    letter = compose(make_request("access"))
    link = mailto_link(letter, to="dpo@example.com")
    parsed = urllib.parse.urlparse(link)
    assert parsed.scheme == "mailto" and parsed.path == "dpo@example.com"
    query = urllib.parse.parse_qs(parsed.query)
    assert letter.reference in query["subject"][0]
    assert "Article 15 UK GDPR" in query["body"][0]
