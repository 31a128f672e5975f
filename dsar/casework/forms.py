"""The client form: the same rules as every other place a person's details are entered
(letters/inputs.py), with messages for the caseworker next to each field."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l

from dsar.letters.compose import available_locales
from dsar.letters.identifiers import identifiers_text, parse_identifiers
from dsar.letters.inputs import InputError, parse_person
from dsar.web.forms import FormResult

MAX_NOTE = 5000
PERSON_MESSAGES = {
    "name": _l("Enter the client's full name (up to 300 characters)"),
    "address": _l("Enter the client's postal address: up to 10 lines"),
    "email": _l("Enter an email address in the correct format, like name@example.com"),
    "previous_addresses": _l("Enter each previous address as lines, with a blank line between them"),
}
NUMBER_FORMAT = _l("Write each number as a label, a colon and the number, like Account: 12345")


def _text(form, name: str, limit: int = 20000) -> str:
    return (form.get(name) or "").replace("\r\n", "\n").strip()[: limit + 1]


def _address_blocks(text: str) -> list[list[str]]:
    """Previous addresses: one per block, blank lines between them."""
    blocks, current = [], []
    for line in text.splitlines():
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def client_form_values(client) -> dict:
    dob = client.date_of_birth
    return {
        "name": client.name, "address": "\n".join(client.address),
        "previous_addresses": "\n\n".join("\n".join(a) for a in client.previous_addresses),
        "dob-day": str(dob.day) if dob else "", "dob-month": str(dob.month) if dob else "",
        "dob-year": str(dob.year) if dob else "", "email": client.email, "phone": client.phone,
        "preferred_language": client.preferred_language,
        "identifiers": identifiers_text(client.identifiers), "safe_contact": client.safe_contact,
    }


def validate_client(form, *, today: date) -> FormResult:
    result = FormResult()
    v = result.values = {name: _text(form, name) for name in (
        "name", "address", "previous_addresses", "dob-day", "dob-month", "dob-year", "email", "phone",
        "preferred_language", "identifiers")}
    v["safe_contact"] = form.get("safe_contact") == "yes"
    errors = result.errors
    clean: dict = {}
    # The shared person rules (lengths, line counts, email syntax, hidden characters).
    try:
        person = parse_person({"name": v["name"], "address": v["address"], "email": v["email"],
                               "previous_addresses": _address_blocks(v["previous_addresses"])})
    except InputError as exc:
        field = str(exc).split(":")[0]  # InputError names the field first
        target = field if field in PERSON_MESSAGES else "address"
        errors[target] = PERSON_MESSAGES[target]
    else:
        clean.update(name=person.name, address=list(person.address), email=person.email,
                     previous_addresses=[list(a) for a in person.previous_addresses])
    if len(v["name"]) > 300:
        errors["name"] = PERSON_MESSAGES["name"]
    if len(v["address"].splitlines()) > 10:
        errors["address"] = PERSON_MESSAGES["address"]
    day, month, year = v["dob-day"], v["dob-month"], v["dob-year"]
    clean["date_of_birth"] = None
    if day or month or year:
        try:
            if not (day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4):
                raise ValueError
            dob = date(int(year), int(month), int(day))
            if not date(1900, 1, 1) <= dob < today:
                raise ValueError
            clean["date_of_birth"] = dob
        except ValueError:
            errors["dob-day"] = _l("Date of birth must be a real date in the past, like 27 3 1980")
    if len(v["phone"]) > 40 or (v["phone"] and not re.fullmatch(r"[0-9 +()\-]{3,40}", v["phone"])):
        errors["phone"] = _l("Enter a phone number using digits, spaces, + and brackets")
    language = v["preferred_language"] or "en"
    if language not in available_locales():
        errors["preferred_language"] = _l("Choose a language")
    try:
        clean["identifiers"] = parse_identifiers(v["identifiers"])
    except ValueError:
        errors["identifiers"] = NUMBER_FORMAT
    clean.update(phone=v["phone"], preferred_language=language, safe_contact=v["safe_contact"])
    result.cleaned = clean
    return result


def validate_note(form) -> FormResult:
    text = _text(form, "note", MAX_NOTE)
    if not text:
        return FormResult({"note": text}, {"note": _l("Write the note")})
    if len(text) > MAX_NOTE:
        return FormResult({"note": text}, {"note": _l("Must be %(n)s characters or fewer", n=MAX_NOTE)})
    return FormResult({"note": text})
