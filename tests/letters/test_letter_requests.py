"""build_letter_request: a person's choices → one checked LetterRequest (wizard, CLI, …)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from dsar.directory.schema import OrgRecord
from dsar.letters.compose import available_locales, compose
from dsar.letters.inputs import InputError, build_letter_request, request_details
from dsar.letters.model import Person, Recipient
from dsar.rights import ERASURE_GROUNDS, RESTRICTION_GROUNDS

TODAY = date(2026, 11, 26)
GERMAN_BROKER = OrgRecord(
    slug="beispiel-de", name="Beispiel Daten GmbH", country="de",
    address=("Musterstraße 1", "10115 Berlin"), categories=("data_broker",),
    sources=("https://example.org",), quality="verified", request_language="de",
)
UK_SHOP = replace(GERMAN_BROKER, slug="shop-gb", name="Shop Ltd", country="gb",
                  address=("1 High Street", "Leeds", "LS1 1AA"), request_language="en",
                  uk_nation="wales")
PERSON = {"name": "Siân Llŵyd", "address": ["12 Heol y Frenhines", "Cardiff"],
          "email": "sian@example.org"}


def build(**values):
    return build_letter_request(**{"right": "access", "org": UK_SHOP, "person": PERSON,
                                   "today": TODAY, **values})


@pytest.mark.parametrize("right,ground,field", [
    ("erasure", "child", "erasure_ground"),
    ("restriction", "legal_claims", "restriction_ground"),
])
def test_the_ground_goes_to_the_field_the_kind_names(right, ground, field):
    request = build(right=right, ground=ground, reasons="Because.")
    grounds = {"erasure_ground": request.erasure_ground,
               "restriction_ground": request.restriction_ground}
    assert grounds == {**dict.fromkeys(grounds, ""), field: ground}
    assert request_details(request)[field] == ground


@pytest.mark.parametrize("right,ground,message", [
    ("erasure", "", f"erasure needs a ground (choose from {', '.join(ERASURE_GROUNDS)})"),
    ("restriction", "child",
     f"unknown ground 'child' (choose from {', '.join(RESTRICTION_GROUNDS)})"),
    ("access", "child", "ground: access takes no ground"),
])
def test_a_wrong_or_missing_ground_is_refused(right, ground, message):
    with pytest.raises(InputError) as caught:
        build(right=right, ground=ground, reasons="Because.")
    assert str(caught.value) == message


def test_law_and_language_default_from_the_organisation():
    german = build(org=GERMAN_BROKER)
    assert (german.jurisdiction, german.locale) == ("eu", "de")
    assert german.recipient.name == "Beispiel Daten GmbH"
    assert german.recipient.holiday_region == "de"
    uk = build()
    assert (uk.jurisdiction, uk.locale) == ("uk", "en")
    assert uk.recipient.holiday_region == "wales"


def test_choices_override_the_defaults():
    request = build(org=GERMAN_BROKER, jurisdiction="uk", locale="cy", channel="email")
    assert (request.jurisdiction, request.locale, request.channel) == ("uk", "cy", "email")


def test_a_language_we_cannot_write_falls_back_to_english():
    assert "xx" not in available_locales()
    assert build(org=replace(GERMAN_BROKER, request_language="xx")).locale == "en"


def test_an_organisation_typed_by_hand_is_written_to_in_english_under_its_law():
    typed = Recipient(name="Kleine Firma", address=("Weg 2", "Köln"), country="de")
    request = build(org=typed)
    assert (request.recipient, request.jurisdiction, request.locale) == (typed, "eu", "en")


@pytest.mark.parametrize("values,message", [
    ({"right": "nonsense"}, "unknown right 'nonsense' (choose from access, "),
    ({"jurisdiction": "us"}, "unknown jurisdiction 'us' (choose uk or eu)"),
    ({"locale": "xx"}, "unknown language 'xx' (choose from en, "),
    ({"channel": "pigeon"}, "unknown channel 'pigeon'"),
    ({"right": "object_processing"}, "reasons is required for object_processing"),
    ({"right": "rectification", "corrections": "  \n "}, "corrections is required"),
    ({"reasons": "a\u202eb"}, "reasons: contains invisible control characters"),
    ({"person": {"address": ["x"]}}, "name: missing"),
])
def test_bad_values_raise_one_clear_error(values, message):
    with pytest.raises(InputError) as caught:
        build(**values)
    assert str(caught.value).startswith(message)


def test_the_request_composes_to_the_letter_the_person_chose():
    request = build(right="rectification", org=GERMAN_BROKER, reference="DSAR-TEST-0002",
                    corrections="My surname is misspelt.\n\nMy address is old.\n",
                    person=Person(name="A B", address=("1 Road",)))
    assert request.corrections == ("My surname is misspelt.", "My address is old.")
    letter = compose(request)
    assert (letter.kind, letter.locale, letter.jurisdiction) == ("rectification", "de", "eu")
    assert letter.reference == "DSAR-TEST-0002"
