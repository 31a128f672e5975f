"""The client form: the same rules as every other place a person's details are entered
(letters/inputs.py), with messages for the caseworker next to each field."""

from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l

from dsar.letters.compose import available_locales
from dsar.letters.identifiers import identifiers_text, parse_identifiers
from dsar.letters.inputs import InputError, parse_person
from dsar.validation import address_blocks, birth_date_from_parts, check_identifier_lines
from dsar.web.forms import FormResult
from dsar.web.problems import IDENTIFIER_FORMAT, form_errors, message

MAX_NOTE = 5000
# The client form's own words where they say more than the shared ones (dsar/web/problems.py).
PERSON_MESSAGES = {
    "name": _l("Enter the client's full name (up to 300 characters)"),
    ("name", "too_long"): _l("Enter the client's full name (up to 300 characters)"),
    "address": _l("Enter the client's postal address: up to 10 lines"),
    ("address", "too_many_lines"): _l("Enter the client's postal address: up to 10 lines"),
}


def _text(form, name: str, limit: int = 20000) -> str:
    return (form.get(name) or "").replace("\r\n", "\n").strip()[: limit + 1]


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
    # The shared person rules (lengths, line counts, email syntax, dates, hidden characters).
    try:
        person = parse_person({"name": v["name"], "address": v["address"], "email": v["email"],
                               "previous_addresses": address_blocks(v["previous_addresses"])})
    except InputError as exc:
        errors[exc.field] = message(exc.problem, PERSON_MESSAGES)
    else:
        clean.update(name=person.name, address=list(person.address), email=person.email,
                     previous_addresses=[list(a) for a in person.previous_addresses])
    clean["date_of_birth"], problems = birth_date_from_parts(
        "dob-day", v["dob-day"], v["dob-month"], v["dob-year"], today)
    errors.update(form_errors(problems))
    if len(v["phone"]) > 40 or (v["phone"] and not re.fullmatch(r"[0-9 +()\-]{3,40}", v["phone"])):
        errors["phone"] = _l("Enter a phone number using digits, spaces, + and brackets")
    language = v["preferred_language"] or "en"
    if language not in available_locales():
        errors["preferred_language"] = _l("Choose a language")
    errors.update(form_errors(check_identifier_lines("identifiers", v["identifiers"])))
    try:
        clean["identifiers"] = parse_identifiers(v["identifiers"])
    except ValueError:
        errors.setdefault("identifiers", IDENTIFIER_FORMAT)
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
