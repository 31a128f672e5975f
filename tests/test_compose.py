"""compose(): every letter kind in both jurisdictions carries what GDPR Arts 12 and 15-22 require."""

from __future__ import annotations

from datetime import date

import pytest

from dsar.letters.compose import ComposeError, compose
from dsar.letters.text import render_text
from dsar.rights import RIGHT_KEYS, RIGHTS, get_right


def _text(letter) -> str:
    return " ".join(render_text(letter).split())


@pytest.mark.parametrize("jurisdiction", ["uk", "eu"])
@pytest.mark.parametrize("right", RIGHT_KEYS)
def test_every_kind_cites_its_articles(make_request, right, jurisdiction):
    letter = compose(make_request(right, jurisdiction))
    text = _text(letter)
    for citation in RIGHTS[right].citations[jurisdiction]:
        assert citation in text, f"{right}/{jurisdiction} lacks {citation}"
    law = "UK GDPR" if jurisdiction == "uk" else "GDPR"
    assert law in text
    if jurisdiction == "eu":
        assert "UK GDPR" not in text
    assert letter.reference == "DSAR-TEST-0001" and "DSAR-TEST-0001" in text
    assert letter.subject and letter.blocks
    assert "Siân Llŵyd" in text


def test_access_asks_for_every_item_of_article_15(make_request):
    text = _text(compose(make_request("access")))
    for phrase in (
        "a copy of all the personal data you hold about me",
        "the purposes for which you process",
        "the categories of personal data",
        "named individually rather than by category",
        "C-154/21",
        "criteria used to determine that period",
        "information about their source",
        "meaningful information about the logic involved",
        "appropriate safeguards relating to the transfer",
        "free of charge",
        "one calendar month",
        "Article 12(6)",
        "Article 15(1A)",
    ):
        assert phrase in text, phrase


def test_access_items_are_labelled_a_to_h(make_request):
    letter = compose(make_request("access"))
    lists = [b for b in letter.blocks if b.kind == "numbered"]
    assert lists[0].labels == ("1.", "(a)", "(b)", "(c)", "(d)", "(e)", "(f)", "(g)", "(h)", "2.")


def test_cra_letter_asks_for_more_than_the_credit_file(make_request):
    uk = _text(compose(make_request("access", "uk")))
    assert "not only my credit file" in uk
    assert "section 13 of the Data Protection Act 2018" in uk
    eu = _text(compose(make_request("access", "eu")))
    assert "not only a standard credit report" in eu
    assert "section 13" not in eu


def test_non_cra_letter_has_no_credit_file_sentence(make_request):
    from tests.conftest import EXPERIAN

    broker = EXPERIAN.__class__(**{**EXPERIAN.__dict__, "categories": ("data_broker",)})
    text = _text(compose(make_request("access", recipient=broker)))
    assert "credit file" not in text and "credit report" not in text


def test_due_date_is_stated_as_a_date(make_request):
    # Posted Thu 26 Nov 2026 → deemed received Mon 30 Nov → due Wed 30 Dec 2026.
    letter = compose(make_request("access"))
    assert letter.due_date == date(2026, 12, 30)
    assert "a reply is due by 30 December 2026" in _text(letter)
    emailed = compose(make_request("access", channel="email"))
    assert emailed.due_date == date(2026, 12, 29)  # received the day it is sent
    assert "please reply electronically, to sian@example.org" in _text(emailed)


def test_eu_due_date_uses_the_member_state_calendar(make_request, make_person):
    # Posted within Germany, Mon 28 Sep 2026 → deemed received Wed 30 Sep → due Fri 30 Oct.
    berliner = make_person(address=("Torstraße 1", "10119 Berlin"), country="de")
    letter = compose(make_request("access", "eu", today=date(2026, 9, 28), person=berliner))
    assert letter.due_date == date(2026, 10, 30)
    # German Unity Day (3 Oct) is a holiday in Germany: posted Thu 1 Oct 2026 → received
    # Mon 5 Oct (Fri 2 Oct is day 1, 3 Oct is Saturday and a holiday) → due Thu 5 Nov.
    assert compose(make_request("access", "eu", today=date(2026, 10, 1), person=berliner)
                   ).due_date == date(2026, 11, 5)


def test_automated_decision_letter_carries_the_cjeu_points(make_request):
    uk = _text(compose(make_request("automated_decision", "uk")))
    assert "procedure and principles actually applied" in uk
    assert "C-203/22" in uk and "C-634/21" in uk
    assert "not binding in the UK" in uk and "persuasive" in uk
    for safeguard in ("make representations", "human intervention", "contest"):
        assert safeguard in uk
    eu = _text(compose(make_request("automated_decision", "eu")))
    assert "express my point of view" in eu and "Article 22(3) GDPR" in eu
    assert "not binding" not in eu
    assert "A score of 412" in eu


def test_packs_make_one_letter_with_a_heading_per_part(make_request):
    letter = compose(make_request("profiling_pack"))
    headings = [b.text for b in letter.blocks if b.kind == "heading"]
    assert headings == [
        "Access to my personal data",
        "Objection to processing and profiling",
        "Objection to direct marketing",
    ]
    assert len(compose(make_request("score_pack")).blocks) > len(
        compose(make_request("access")).blocks
    )


def test_erasure_cites_the_chosen_ground(make_request):
    text = _text(compose(make_request("erasure", erasure_ground="consent_withdrawn")))
    assert "Article 17(1)(b)" in text and "Article 17(1)(d)" not in text


def test_rectification_lists_corrections_and_cca_for_cra(make_request):
    letter = compose(make_request("rectification"))
    numbered = [b for b in letter.blocks if b.kind == "numbered"]
    assert numbered[0].items == (
        "My address is shown as 12 Hill Road; it should be 21 Hill Road.",
    )
    assert "section 159 of the Consumer Credit Act 1974" in _text(letter)


def test_objection_quotes_the_persons_reasons(make_request):
    letter = compose(make_request("object_processing"))
    assert any(b.kind == "quote" and "cost me a mortgage" in b.text for b in letter.blocks)
    uk = _text(letter)
    assert "(e), (ea) or (f)" in uk
    assert "(e), (ea) or (f)" not in _text(compose(make_request("object_processing", "eu")))


@pytest.mark.parametrize("right,field", [
    ("object_processing", "reasons"),
    ("rectification", "corrections"),
    ("erasure", "erasure_ground"),
    ("restriction", "restriction_ground"),
])
def test_missing_required_detail_is_refused(make_request, right, field):
    empty = () if field == "corrections" else ""
    with pytest.raises(ComposeError, match=field.replace("_", " ")):
        compose(make_request(right, **{field: empty}))


def test_identifiers_listed_only_when_given(make_request, make_person):
    text = _text(compose(make_request("access")))
    assert "Date of birth: 27 March 1984" in text
    assert "Previous address: 3 Mill Road, Swansea, SA1 1AA" in text
    assert "Customer number: 12345678" in text
    bare = make_person(date_of_birth=None, previous_addresses=(), customer_numbers=())
    assert "Date of birth" not in _text(compose(make_request("access", person=bare)))


def test_unknown_language_and_right_are_refused(make_request):
    with pytest.raises(ComposeError):
        compose(make_request(locale="xx"))
    with pytest.raises(KeyError):
        get_right("nonsense")


def test_section_164a_only_once_in_force(make_request):
    assert "section 164A" in _text(compose(make_request("access")))
    before = compose(make_request("access", today=date(2026, 3, 2)))
    assert "section 164A" not in _text(before)


@pytest.mark.parametrize("citation,parts", [
    ("15", ("15", "", "")),
    ("15(3)", ("15", "3", "")),
    ("15(1)(h)", ("15", "1", "h")),
    ("15(1A)", ("15", "1A", "")),
    ("22C", ("22C", "", "")),
])
def test_citations_split_for_each_languages_style(citation, parts):
    from dsar.letters.compose import split_article

    result = split_article(citation)
    assert (result["number"], result["paragraph"], result["point"]) == parts
    with pytest.raises(ValueError):
        split_article("Article 15")
