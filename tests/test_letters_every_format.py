"""Every letter kind in every letter language and both jurisdictions, as a PDF, rendered in
ONE bulk run and read back page by page; and every right in both jurisdictions read back
from DOCX, .eml and text: the recipient, the person, the reference and the cited articles
survive every format."""

from __future__ import annotations

import email
import email.policy
import io
import urllib.parse
from datetime import date

import pytest
from docx import Document
from pypdf import PdfReader

from dsar.letters.bulk import render_many
from dsar.letters.compose import LETTER_LOCALES, LetterRequest, Person, Recipient, compose
from dsar.letters.docx import render_docx
from dsar.letters.email import mailto_link, render_eml
from dsar.letters.followups import (
    FOLLOWUP_KINDS,
    CaseFacts,
    FollowupRequest,
    TimelineEntry,
    compose_followup,
)
from dsar.letters.pdf import render_pdf
from dsar.letters.text import render_text
from dsar.rights import RIGHT_KEYS, RIGHTS
from tests.conftest import EXPERIAN, SCHUFA, TODAY


def _flat(text: str) -> str:
    return " ".join(text.split())


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
    return _flat("\n".join(parts))


# ---------------------------------------------------------------- the PDF matrix

PERSON = Person(
    name="Siân Llŵyd", address=("12 Heol y Frenhines", "Cardiff", "CF10 1AA"),
    email="sian@example.org", date_of_birth=date(1984, 3, 27),
    previous_addresses=(("3 Mill Road", "Swansea", "SA1 1AA"),),
    customer_numbers=(("Customer number", "12345678"),))
REGULATORS = {
    "uk": Recipient(name="Information Commissioner's Office",
                    address=("Wycliffe House", "Water Lane", "Wilmslow", "SK9 5AF")),
    "eu": Recipient(name="Landesbeauftragte für Datenschutz und Informationsfreiheit "
                         "Nordrhein-Westfalen", address=("Postfach 20 04 44", "40102 Düsseldorf"),
                    country="de"),
}
SENT = date(2026, 9, 1)
OVERDUE = CaseFacts(
    sent_on=SENT, channel="letter", received_on=date(2026, 9, 3), receipt_assumed=True,
    due=date(2026, 10, 5), complaint_ack_due=date(2026, 12, 25),
    timeline=(TimelineEntry("sent", SENT, channel="letter"), TimelineEntry("due", date(2026, 10, 5)),
              TimelineEntry("no_reply", TODAY)))
KINDS = RIGHT_KEYS + FOLLOWUP_KINDS
MATRIX = [(kind, locale, jurisdiction) for kind in KINDS for locale in LETTER_LOCALES
          for jurisdiction in ("uk", "eu")]


def matrix_letter(number: int, kind: str, locale: str, jurisdiction: str):
    right = kind if kind in RIGHT_KEYS else "access"
    request = LetterRequest(
        right=right, jurisdiction=jurisdiction, locale=locale, reference=f"DSAR-M{number:03d}",
        person=PERSON, recipient=EXPERIAN if jurisdiction == "uk" else SCHUFA,
        today=TODAY if kind in RIGHT_KEYS else SENT,
        reasons="They use my data to profile me for lenders; it has cost me a mortgage.",
        corrections=("My address is shown as 12 Hill Road; it should be 21 Hill Road.",),
        erasure_ground="unlawful", restriction_ground="accuracy_contested",
        decision="A score of 412 given to my bank in March 2026.")
    if kind in RIGHT_KEYS:
        return compose(request)
    return compose_followup(FollowupRequest(
        kind=kind, request=request, facts=OVERDUE, today=TODAY,
        authority=REGULATORS[jurisdiction], harm="I was refused a mortgage."))


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    """{(kind, locale, jurisdiction): (letter, RenderedLetter)}, all from one bulk run."""
    letters = [matrix_letter(n, *case) for n, case in enumerate(MATRIX)]
    out = tmp_path_factory.mktemp("matrix")
    results = list(render_many(letters, out))
    assert [r.index for r in results] == list(range(len(MATRIX)))
    return {case: (letters[r.index], r) for case, r in zip(MATRIX, results, strict=True)}


@pytest.mark.parametrize("kind,locale,jurisdiction", MATRIX)
def test_pdf_of_every_kind_in_every_language(matrix, kind, locale, jurisdiction):
    letter, rendered = matrix[kind, locale, jurisdiction]
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
    if locale == "en" and kind in RIGHT_KEYS:
        for citation in RIGHTS[kind].citations[jurisdiction]:
            assert citation in text
    # The reference on every page, and the letter's own "Page X of Y" in its language,
    # except on a one-page letter.
    for number, page in enumerate(pages, start=1):
        assert letter.reference in page
        label = _flat(letter.page_label.format(page=number, pages=len(pages)))
        assert (label in page) == (len(pages) > 1), (label, kind, locale, jurisdiction)


def test_the_matrix_has_long_letters(matrix):
    """The page-number checks above are only worth something with multi-page letters."""
    counts = {rendered.pages for _letter, rendered in matrix.values()}
    assert 1 in counts and max(counts) >= 2


@pytest.mark.parametrize("case", [("profiling_pack", "cy", "eu"), ("reminder", "pl", "uk")])
def test_bulk_pdf_equals_the_one_letter_path(matrix, case):
    letter, rendered = matrix[case]
    single = PdfReader(io.BytesIO(render_pdf(letter)))
    assert len(single.pages) == rendered.pages
    assert [page.extract_text() for page in single.pages] == [
        page.extract_text() for page in PdfReader(rendered.path).pages]


def test_pdf_is_a4_and_uses_the_bundled_font(matrix):
    pdf = PdfReader(matrix["score_pack", "en", "uk"][1].path)
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
