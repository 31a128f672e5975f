"""Each organisation is told only the identifiers it needs (dsar/letters/identifiers.py),
whichever way the request is built: the rule sits in build_letter_request."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from dsar.directory.schema import IdentityField, OrgRecord
from dsar.letters.compose import compose
from dsar.letters.identifiers import identifiers_text, numbers_value, parse_identifiers
from dsar.letters.inputs import InputError, build_letter_request, parse_person, person_to_dict
from dsar.letters.model import Recipient
from dsar.letters.text import render_text

TODAY = date(2026, 11, 26)
CRA = OrgRecord(
    slug="experian-gb", name="Experian Ltd", country="gb", address=("PO Box 9000", "Nottingham", "NG80 7WP"),
    categories=("credit_reference_agency",), sources=("https://example.org",), quality="verified",
    identity=(IdentityField("name"), IdentityField("date_of_birth")),
)
BROKER = replace(CRA, slug="acxiom-gb", name="Acxiom Ltd", categories=("data_broker",),
                 identity=(IdentityField("name"), IdentityField("previous_addresses", optional=True)))
BANK = replace(CRA, slug="bank-gb", name="Bank plc", categories=("financial",),
               identity=(IdentityField("name"), IdentityField("customer_number", optional=True),
                         IdentityField("date_of_birth")))
PERSON = {
    "name": "Siân Llŵyd", "address": ["12 Heol y Frenhines", "Cardiff", "CF10 1AA"],
    "date_of_birth": "1984-03-27", "previous_addresses": [["3 Mill Road", "Swansea", "SA1 1AA"]],
    "customer_numbers": {"Customer number": "12345678",
                         "experian-gb": {"CreditExpert account number": "CE-555-0101"}},
}


def _told(org, right="access"):
    request = build_letter_request(right=right, org=org, person=PERSON, today=TODAY, reference="R-1")
    return request.person, render_text(compose(request))


def test_a_scoped_number_goes_to_its_organisation_only():
    person, text = _told(CRA)
    assert person.customer_numbers == (("CreditExpert account number", "CE-555-0101"),)
    assert "CreditExpert account number: CE-555-0101" in text and "12345678" not in text
    for other in (BROKER, BANK):
        assert "CE-555-0101" not in _told(other)[1]


def test_an_unscoped_number_goes_only_where_the_record_asks_for_customer_numbers():
    person, text = _told(BANK)
    assert person.customer_numbers == (("Customer number", "12345678"),)
    assert "Customer number: 12345678" in text
    assert _told(BROKER)[0].customer_numbers == ()


def test_date_of_birth_and_previous_addresses_only_where_needed():
    cra, _ = _told(CRA)
    assert cra.date_of_birth == date(1984, 3, 27) and cra.previous_addresses
    broker, text = _told(BROKER)  # previous addresses optional, not a matching business
    assert broker.date_of_birth is None and broker.previous_addresses == ()
    assert "1984" not in text and "Mill Road" not in text
    bank, _ = _told(BANK)  # its record requires the date of birth
    assert bank.date_of_birth == date(1984, 3, 27) and bank.previous_addresses == ()


def test_an_organisation_typed_by_hand_gets_no_identifiers():
    typed = Recipient(name="Gym Ltd", address=("1 Road", "Leeds", "LS1 1AA"))
    request = build_letter_request(right="access", org=typed, person=PERSON, today=TODAY)
    person = request.person
    assert (person.customer_numbers, person.org_numbers, person.date_of_birth,
            person.previous_addresses) == ((), (), None, ())


def test_the_stored_person_keeps_only_what_was_sent():
    """The wizard stores the request's person: what the letter was not told is not kept."""
    request = build_letter_request(right="access", org=CRA, person=PERSON, today=TODAY)
    assert person_to_dict(request.person)["customer_numbers"] == {
        "CreditExpert account number": "CE-555-0101"}


def test_person_file_scoped_numbers_round_trip():
    person = parse_person(PERSON)
    assert person.customer_numbers == (("Customer number", "12345678"),)
    assert person.org_numbers == (("experian-gb", "CreditExpert account number", "CE-555-0101"),)
    assert parse_person(person_to_dict(person)) == person


@pytest.mark.parametrize("numbers,message", [
    ({"Experian GB": {"Account": "1"}}, "customer_numbers: not an organisation's short name"),
    ({"Account": ["1"]}, "customer_numbers: expected label"),
    ({"experian-gb": {"Account": "1\u202e"}}, "customer_numbers: contains invisible"),
])
def test_malformed_numbers_are_refused_with_the_field_named(numbers, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(")):
        parse_person({**PERSON, "customer_numbers": numbers})


def test_identifier_text_format_shared_by_wizard_and_casework():
    text = "Customer number: 1\nexperian-gb / CreditExpert account number: CE-1\n\nRef / x: 2"
    parsed = parse_identifiers(text)
    assert parsed == {"": {"Customer number": "1", "Ref / x": "2"},
                      "experian-gb": {"CreditExpert account number": "CE-1"}}
    assert parse_identifiers(identifiers_text(parsed)) == parsed
    assert numbers_value(parsed) == {"Customer number": "1", "Ref / x": "2",
                                     "experian-gb": {"CreditExpert account number": "CE-1"}}
    with pytest.raises(ValueError):
        parse_identifiers("no colon here")


def test_person_country_defaults_to_the_uk_and_is_checked():
    assert parse_person(PERSON).country == "gb"
    assert parse_person({**PERSON, "country": "DE"}).country == "de"
    assert parse_person({**PERSON, "country": "uk"}).country == "gb"
    with pytest.raises(InputError, match="country: expected a two-letter country code"):
        parse_person({**PERSON, "country": "Germany"})
