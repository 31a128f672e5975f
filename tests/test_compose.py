"""compose(): every letter kind in both jurisdictions carries what GDPR Arts 12 and 15-22 require."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from dsar.letters.compose import ComposeError, compose
from dsar.letters.text import render_text
from dsar.rights import ACCESS_ITEMS, RIGHT_KEYS, RIGHTS, get_right


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
        "confirmation of whether or not you process personal data concerning me",
        "the purposes of the processing",
        "the categories of personal data",
        "named individually rather than by category",
        "C-154/21",
        "the criteria used to decide",
        "information about the source of any data not collected from me",
        "meaningful information about the logic involved",
        "appropriate safeguards for any transfer of my data",
        "free of charge",
        "one calendar month",
        "Article 12(6)",
        "Article 15(1A)",
    ):
        assert phrase in text, phrase


@pytest.mark.parametrize("jurisdiction", ["uk", "eu"])
def test_access_items_are_one_list_numbered_by_article(make_request, jurisdiction):
    """Item n asks for what ACCESS_ITEMS[n - 1] gives and is tagged with that article."""
    letter = compose(make_request("access", jurisdiction))
    [items] = [b for b in letter.blocks if b.kind == "numbered"]
    assert items.labels == tuple(f"{n}." for n in range(1, 12))
    assert len(ACCESS_ITEMS) == len(items.items) == 11
    for article, text in zip(ACCESS_ITEMS, items.items, strict=True):
        assert f"(Art. {article})" in text, (article, text)
    assert ACCESS_ITEMS[:2] == ("15(1)", "15(3)") and ACCESS_ITEMS[-1] == "15(2)"
    assert "a copy of all the personal data" in items.items[1]
    assert "named individually rather than by category" in items.items[4]


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
    assert "Articles 22A to 22D UK GDPR govern significant decisions" in uk
    assert "Article 22(1)" not in uk and "BDSG" not in uk
    eu = _text(compose(make_request("automated_decision", "eu")))
    assert "express my point of view" in eu and "Article 22(3) GDPR" in eu
    assert "not binding" not in eu
    assert "A score of 412" in eu
    for text in (uk, eu):
        assert ("every score, rating or probability value you have produced about me in the "
                "last 12 months, with its date, its value and the recipient to which it was sent"
                ) in text
        assert ("for each human review of a score or decision about me, who carried it out and "
                "with what outcome") in text
        # 15(1)(h) is claimed only where a score is such a decision; the rest is asked for.
        assert "entitles me to meaningful information about the logic involved; in any event" in text


def test_eu_score_letter_asserts_article_22_and_asks_for_the_exception(make_request):
    eu = _text(compose(make_request("automated_decision", "eu")))
    assert ("I have the right not to be subject to a decision based solely on automated "
            "processing, including profiling, which produces legal effects concerning me or "
            "similarly significantly affects me (Article 22(1) GDPR)") in eu
    assert "which exception in Article 22(2) GDPR you rely on" in eu
    assert "which safeguards you apply" in eu


def test_section_31_bdsg_only_for_a_german_credit_agency(make_request):
    from tests.conftest import SCHUFA

    german = _text(compose(make_request("score_pack", "eu")))
    assert "section 31 of the German Federal Data Protection Act (BDSG)" in german
    assert "Article 22(2)(b) GDPR" in german
    for other in (replace(SCHUFA, country="at"),
                  replace(SCHUFA, categories=("data_broker",))):
        assert "BDSG" not in _text(compose(make_request("score_pack", "eu", recipient=other)))


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
    objected = _text(compose(make_request("erasure", erasure_ground="objected")))
    assert ("I have objected to the processing under Article 21(1) UK GDPR and there are no "
            "overriding legitimate grounds for it (Article 17(1)(c) UK GDPR)") in objected
    assert "direct marketing" not in objected  # only the limb that applies


def test_contested_accuracy_restriction_names_the_data(make_request):
    letter = compose(make_request("restriction", restriction_ground="accuracy_contested"))
    text = _text(letter)
    assert ("restrict the processing of the following personal data about me, whose accuracy "
            "I contest, while you verify it (Article 18(1)(a) UK GDPR)") in text
    [contested] = [b for b in letter.blocks if b.kind == "numbered"]
    assert contested.items == ("My address is shown as 12 Hill Road; it should be 21 Hill Road.",)
    assert "I contest the accuracy of my personal data" not in text
    # Without corrections the general ground stands.
    bare = _text(compose(make_request("restriction", restriction_ground="accuracy_contested",
                                      corrections=())))
    assert "I contest the accuracy of my personal data" in bare


def test_access_covers_trading_names_and_pseudonymised_data(make_request):
    from tests.conftest import EXPERIAN

    branded = replace(EXPERIAN, trading_names=("CreditExpert",))
    text = _text(compose(make_request("access", recipient=branded)))
    assert ("My request covers every brand, service and trading name under which you process "
            "personal data, including CreditExpert, and pseudonymised data, which are still "
            "personal data (Article 4(5) UK GDPR)") in text
    plain = _text(compose(make_request("access")))
    assert "every brand, service and trading name under which you process personal data, and" in plain


@pytest.mark.parametrize("jurisdiction,remedies", [
    ("uk", "I also reserve my rights to a court order requiring compliance and to compensation "
           "(sections 167 to 169 of the Data Protection Act 2018)."),
    ("eu", "I also reserve my rights to an effective judicial remedy (Article 79 GDPR) and to "
           "compensation (Article 82 GDPR)."),
])
def test_every_letter_reserves_the_remedies(make_request, jurisdiction, remedies):
    for right in RIGHT_KEYS:
        assert remedies in _text(compose(make_request(right, jurisdiction))), right


def test_rectification_lists_corrections_and_cca_for_cra(make_request):
    letter = compose(make_request("rectification"))
    numbered = [b for b in letter.blocks if b.kind == "numbered"]
    assert numbered[0].items == (
        "My address is shown as 12 Hill Road; it should be 21 Hill Road.",
    )
    text = _text(letter)
    assert "section 159 of the Consumer Credit Act 1974" in text
    # s.159(1)'s trigger, and s.159(2)'s 28 days as a date: posted Thu 26 Nov 2026, deemed
    # received Mon 30 Nov, 28 days later is Mon 28 Dec 2026.
    assert ("each entry listed above is incorrect, and I am likely to be prejudiced if it is "
            "not corrected") in text
    assert "tell me by 28 December 2026 whether you have removed the entry" in text
    assert ("Unless you remove the entry, I may send you a notice of correction of up to 200 "
            "words") in text
    emailed = _text(compose(make_request("rectification", channel="email")))
    assert "tell me by 24 December 2026 whether" in emailed  # received the day it is sent
    assert "Consumer Credit Act" not in _text(compose(make_request("rectification", "eu")))


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
