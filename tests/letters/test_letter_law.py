"""What every letter kind cites in every law and language, and how long it is.

- The time limit: since 5 February 2026 a UK letter cites Articles 12(3) and 12A UK GDPR for
  the month and Article 12A for the extension; an EU letter cites Article 12(3) GDPR only.
- Article 19 (telling recipients) covers rectification, erasure and restriction only: never
  the marketing objection, and in the processing objection only its restriction.
- Every kind, in both laws and every letter language, fits on two A4 pages for a realistic
  person (the README's example person; the matrix person, with a previous address, a date of
  birth and a customer number), and no page holds only the sign-off.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from dsar.directory.services import curated_records
from dsar.letters.compose import LETTER_LOCALES, compose, environment
from dsar.letters.inputs import build_letter_request
from dsar.letters.pdf import render_pdf
from dsar.letters.text import render_text
from dsar.rights import RIGHT_KEYS
from tests.conftest import EXPERIAN, SCHUFA
from tests.letters.matrix import MATRIX

README = Path(__file__).resolve().parents[2] / "README.md"
RECIPIENTS = {"uk": EXPERIAN, "eu": SCHUFA}


def cite(locale: str, jurisdiction: str, macro: str, *args: str) -> str:
    """A citation exactly as the letter's language writes it (letters/fragments/cite.j2)."""
    template = environment(locale).from_string(
        '{% from "fragments/cite.j2" import ' + macro + ' with context %}'
        '{{ ' + macro + '(*args) }}')
    return template.render(uk=jurisdiction == "uk", args=args)


def flat(text: str) -> str:
    return " ".join(text.split())


def letter(right: str, jurisdiction: str, locale: str, make_request):
    return compose(make_request(right, jurisdiction, locale=locale,
                                recipient=RECIPIENTS[jurisdiction]))


@pytest.mark.parametrize("locale", LETTER_LOCALES)
@pytest.mark.parametrize("right", RIGHT_KEYS)
def test_time_limit_cites_article_12a_in_uk_letters_only(make_request, right, locale):
    month = cite(locale, "uk", "month_articles")
    extension = cite(locale, "uk", "extension_article")
    assert "12A" in month and "12A" in extension and month != extension
    uk = flat(render_text(letter(right, "uk", locale, make_request)))
    assert month in uk and extension in uk, (right, locale)

    eu = flat(render_text(letter(right, "eu", locale, make_request)))
    assert "12A" not in eu, (right, locale)
    assert cite(locale, "eu", "art", "12(3)") in eu, (right, locale)


def _blocks_citing(letter_, citation: str) -> list[str]:
    texts = [" ".join((b.text, *b.items)) for b in letter_.blocks]
    return [t for t in texts if citation in t]


@pytest.mark.parametrize("locale", LETTER_LOCALES)
@pytest.mark.parametrize("jurisdiction", ["uk", "eu"])
def test_article_19_only_where_it_applies(make_request, jurisdiction, locale):
    article_19 = cite(locale, jurisdiction, "art", "19")
    restriction = cite(locale, jurisdiction, "art", "18(1)(d)")
    recipients = cite(locale, jurisdiction, "art", "15(1)(c)")

    marketing = letter("object_marketing", jurisdiction, locale, make_request)
    assert not _blocks_citing(marketing, article_19)
    # Who received the data for marketing: named recipients under Art 15(1)(c).
    assert _blocks_citing(marketing, recipients)
    for right in ("object_processing", "profiling_pack"):
        [block] = _blocks_citing(letter(right, jurisdiction, locale, make_request), article_19)
        assert restriction in block, (right, block)


def _readme_person() -> dict:
    """The example person file in the README, as the CLI reads it."""
    match = re.search(r"### The person file.*?```json\n(.*?)```", README.read_text("utf-8"), re.S)
    assert match, "README has no example person file"
    return json.loads(match.group(1))


@pytest.fixture(scope="module")
def readme_pdfs():
    records = {r.slug: r for r in curated_records()}
    person = _readme_person()
    details = {k: person.pop(k) for k in ("reasons", "corrections", "decision")}
    grounds = {"erasure": "unlawful", "restriction": "accuracy_contested"}
    pdfs = {}
    for right in RIGHT_KEYS:
        for jurisdiction, slug in (("uk", "experian-gb"), ("eu", "schufa-de")):
            request = build_letter_request(
                right=right, org=records[slug], person=person, today=date(2026, 11, 26),
                reference="DSAR-LEN-0001", jurisdiction=jurisdiction, locale="en",
                ground=grounds.get(right, ""), **details)
            composed = compose(request)
            pdfs[right, jurisdiction] = (composed, PdfReader(io.BytesIO(render_pdf(composed))))
    return pdfs


def _assert_two_pages_and_no_lone_sign_off(composed, pdf, case) -> None:
    assert len(pdf.pages) <= 2, (case, len(pdf.pages))
    sign_off = {composed.closing, composed.signature}
    footer = f"{composed.reference_label}: {composed.reference}"
    for number, page in enumerate(pdf.pages, start=1):
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        body = [line for line in lines if not line.startswith(footer)]
        assert body and not set(body) <= sign_off, (case, number, body)


@pytest.mark.parametrize("jurisdiction", ["uk", "eu"])
@pytest.mark.parametrize("right", RIGHT_KEYS)
def test_every_kind_fits_on_two_pages(readme_pdfs, right, jurisdiction):
    composed, pdf = readme_pdfs[right, jurisdiction]
    _assert_two_pages_and_no_lone_sign_off(composed, pdf, (right, jurisdiction))


@pytest.mark.parametrize("kind,locale,jurisdiction", MATRIX)
def test_every_kind_fits_on_two_pages_in_every_language(letter_matrix, kind, locale,
                                                        jurisdiction):
    """Translations run longer than the English (German, French and Polish by a fifth or
    more): the packs, the longest letters, must still fit."""
    composed, rendered = letter_matrix[kind, locale, jurisdiction]
    _assert_two_pages_and_no_lone_sign_off(composed, PdfReader(rendered.path),
                                           (kind, locale, jurisdiction))


@pytest.mark.parametrize("jurisdiction", ["uk", "eu"])
@pytest.mark.parametrize("right", RIGHT_KEYS)
def test_german_letters_open_with_hiermit(make_request, right, jurisdiction):
    composed = letter(right, jurisdiction, "de", make_request)
    first = composed.blocks[0]
    assert first.kind == "paragraph" and first.text.startswith("hiermit "), first.text[:40]
    # After a heading (a pack's parts) the sentence keeps its capital.
    after_headings = [composed.blocks[i + 1].text for i, b in enumerate(composed.blocks)
                      if b.kind == "heading"]
    assert all(text[:1].isupper() for text in after_headings), after_headings
