"""Catalog checks (issue 5): complete, no fuzzy entries, placeholders intact, catalogs in
step with the sources, and every letter kind rendered in every letter language with the
language's own markers and no English sentence left over."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from docx import Document
from pypdf import PdfReader

from dsar import i18n
from dsar.letters.compose import LETTER_LOCALES, compose
from dsar.letters.docx import render_docx
from dsar.letters.pdf import render_pdf
from dsar.rights import CATALOGUE, RIGHT_KEYS
from tests.conftest import SCHUFA

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")

CATALOGS = [(d, loc) for d in i18n.DOMAINS for loc in d.locales]


def _read(domain, locale):
    with domain.po(locale).open("rb") as fh:
        return read_po(fh, locale=locale)


@pytest.fixture(scope="module")
def sources():
    """The messages each domain's sources contain now (extracted afresh, not the .pot)."""
    out = {}
    for domain in i18n.DOMAINS:
        out[domain.name] = {m.id for m in _extract(domain) if m.id}
    return out


def _extract(domain):
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog()
    for source in domain.source_dirs:
        for _f, _l, message, _c, context in extract_from_dir(
            str(source), method_map=list(domain.method_map), options_map=domain.options,
            keywords=i18n.KEYWORDS,
        ):
            catalog.add(message, None, context=context)
    return catalog


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def test_catalogs_complete_and_current(sources):
    """Every catalog has every message of its sources, translated and not fuzzy."""
    problems = []
    for domain, locale in CATALOGS:
        catalog = _read(domain, locale)
        missing = sources[domain.name] - {m.id for m in catalog if m.id}
        if missing:
            problems.append(f"{domain.name}/{locale} lacks {len(missing)} messages, "
                            f"e.g. {sorted(missing, key=str)[:3]}")
        for message in catalog:
            if message.id and not all(_strings(message)):
                problems.append(f"{domain.name}/{locale}: untranslated {message.id!r}")
            if message.id and message.fuzzy:
                problems.append(f"{domain.name}/{locale}: fuzzy {message.id!r}")
    assert not problems, "\n".join(problems)


def test_placeholders_survive_translation():
    problems = []
    for domain, locale in CATALOGS:
        for message in _read(domain, locale):
            if not message.id:
                continue
            source_ids = message.id if isinstance(message.id, tuple) else (message.id,)
            wanted = set(PLACEHOLDER.findall(" ".join(source_ids)))
            problems += [f"{domain.name}/{locale}: {message.id!r} -> {string!r}"
                         for string in _strings(message)
                         if string and set(PLACEHOLDER.findall(string)) != wanted]
    assert not problems, "\n".join(problems)


# Each language's own salutation and citation form (its official GDPR terminology).
MARKERS = {
    "en": ("Dear Sir or Madam", "Articles 12(3) and 12A UK GDPR", "Article 12(3) GDPR"),
    "cy": ("Annwyl Syr neu Fadam", "o GDPR y DU", "o'r GDPR"),
    "de": ("Sehr geehrte Damen und Herren", "UK-DSGVO", "DSGVO"),
    "fr": ("Madame, Monsieur", "du UK GDPR", "du RGPD"),
    "es": ("Estimados señores", "del UK GDPR", "del RGPD"),
    "it": ("Gentili Signore e Signori", "dello UK GDPR", "del GDPR"),
    "nl": ("Geachte heer, mevrouw", "UK GDPR", "AVG"),
    "pl": ("Szanowni Państwo", "UK GDPR", "RODO"),
}


@pytest.fixture(scope="module")
def english_sentences():
    """Literal runs of the English letter messages longer than 40 characters."""
    with i18n.LETTERS.template.open("rb") as fh:
        template = read_po(fh)
    runs = set()
    for message in template:
        if message.id:
            for run in PLACEHOLDER.split(message.id):
                if len(run.strip()) > 40:
                    runs.add(run.strip())
    return runs


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def _docx_text(data: bytes) -> str:
    return " ".join(" ".join(p.text for p in Document(io.BytesIO(data)).paragraphs).split())


@pytest.mark.parametrize("locale", LETTER_LOCALES)
@pytest.mark.parametrize("right", RIGHT_KEYS + tuple(CATALOGUE.followups))
def test_every_kind_in_every_language(letter_matrix, english_sentences, right, locale):
    """The PDFs come from the test run's one bulk rendering of every kind and language."""
    salutation, uk_cite, eu_cite = MARKERS[locale]
    for jurisdiction, cite in (("uk", uk_cite), ("eu", eu_cite)):
        letter, rendered = letter_matrix[right, locale, jurisdiction]
        pdf_text = _pdf_text(Path(rendered.path).read_bytes())
        for label, text in (("pdf", pdf_text), ("docx", _docx_text(render_docx(letter)))):
            assert salutation in text, (label, right, locale, jurisdiction)
            assert cite in text, (label, right, locale, jurisdiction)
            if locale != "en":
                leftovers = [s for s in english_sentences if s in text]
                assert not leftovers, (label, right, locale, jurisdiction, leftovers[:2])


@pytest.mark.parametrize("locale", LETTER_LOCALES)
def test_no_character_is_lost_between_input_and_pdf(make_request, make_person, locale):
    name = "Siân Llŵyd-Ŷr Łucja Gąska-Żółć Straße Éowyn Ñúñez Øster Ægir ğ ő ű ț ș ė ų č ř"
    person = make_person(name=name, address=("Heol Ŵyr 1", "Łódź 90-001", "Saint-Étienne"))
    letter = compose(make_request("access", locale=locale, person=person))
    text = _pdf_text(render_pdf(letter))
    assert name in text
    assert "Heol Ŵyr 1" in text and "Łódź 90-001" in text and "Saint-Étienne" in text


def test_dates_use_the_letter_locale(make_request):
    assert "26. November 2026" in _docx_text(render_docx(compose(make_request(locale="de"))))
    assert "26 novembre 2026" in _docx_text(render_docx(compose(make_request(locale="fr"))))
    assert "26 November 2026" in _docx_text(render_docx(compose(make_request(locale="en"))))


# The full form (article, paragraph, point and the law) and, in the access letter's numbered
# list where the law has just been named, the short form.
@pytest.mark.parametrize("locale,expected", [
    ("de", ("Art. 12 Abs. 5 DSGVO", "Art. 15 Abs. 1 lit. h DSGVO", "(Art. 15 Abs. 1 lit. c)")),
    ("fr", ("article 12, paragraphe 5, du RGPD", "article 15, paragraphe 1, point h), du RGPD",
            "(art. 15, par. 1, point c))")),
    ("es", ("artículo 12, apartado 5, del RGPD", "artículo 15, apartado 1, letra h), del RGPD",
            "(art. 15, apdo. 1, letra c))")),
    ("it", ("articolo 12, paragrafo 5, del GDPR", "articolo 15, paragrafo 1, lettera h), del GDPR",
            "(art. 15, par. 1, lett. c))")),
    ("nl", ("artikel 12, lid 5, AVG", "artikel 15, lid 1, punt h), AVG", "(art. 15, lid 1, punt c))")),
    ("pl", ("art. 12 ust. 5 RODO", "art. 15 ust. 1 lit. h RODO", "(art. 15 ust. 1 lit. c)")),
    ("en", ("Article 12(5) GDPR", "Article 15(1)(h) GDPR", "(Art. 15(1)(c))")),
])
def test_citations_use_each_languages_official_form(make_request, locale, expected):
    text = _docx_text(render_docx(compose(make_request("score_pack", "eu", locale=locale,
                                                       recipient=SCHUFA))))
    for citation in expected:
        assert citation in text, (locale, citation)
