"""The web's words for the shared validation problems (dsar/validation.py): one translated
message per problem code, which a form may replace for a field where it has a better one
("Enter your full name" rather than "Enter this detail")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask_babel import lazy_gettext as _l

from dsar.validation import Problem, first_per_field

EMAIL_FORMAT = _l("Enter an email address in the correct format, like name@example.com")
DATE_OF_BIRTH = _l("Date of birth must be a real date in the past, like 27 3 1980")
HIDDEN_CHARACTERS = _l(
    "Remove the invisible control characters (for example a pasted text-direction mark)")
IDENTIFIER_FORMAT = _l("Write each number as a label, a colon and the number, like Account: 12345")

_MESSAGES = {
    "missing": lambda n: _l("Enter this detail"),
    "not_text": lambda n: _l("Enter this detail"),
    "too_long": lambda n: _l("Must be %(n)s characters or fewer", n=n),
    "too_many_lines": lambda n: _l("Enter %(n)s lines or fewer", n=n),
    "too_many_addresses": lambda n: _l("Enter %(n)s addresses or fewer", n=n),
    "too_many_entries": lambda n: _l("Enter %(n)s lines or fewer", n=n),
    "hidden_characters": lambda n: HIDDEN_CHARACTERS,
    "email_format": lambda n: EMAIL_FORMAT,
    "email_not_plain": lambda n: _l(
        "Use an email address with only plain letters (a to z), digits and . _ - + before the @"),
    "email_local_too_long": lambda n: _l(
        "Use an email address with %(n)s characters or fewer before the @", n=n),
    "date_format": lambda n: DATE_OF_BIRTH,
    "date_too_early": lambda n: DATE_OF_BIRTH,
    "date_in_future": lambda n: DATE_OF_BIRTH,
    "identifier_format": lambda n: IDENTIFIER_FORMAT,
    "country_code": lambda n: _l("Choose the country of the address"),
    "identifier_scope": lambda n: IDENTIFIER_FORMAT,
    "identifier_value": lambda n: IDENTIFIER_FORMAT,
}


def message(problem: Problem, overrides: Mapping | None = None):
    """The translated message for ``problem``; ``overrides`` maps (field, code) or a field
    alone (for its "missing") to a form's own wording."""
    overrides = overrides or {}
    if (problem.field, problem.code) in overrides:
        return overrides[(problem.field, problem.code)]
    if problem.code == "missing" and problem.field in overrides:
        return overrides[problem.field]
    return _MESSAGES[problem.code](problem.limit)


def form_errors(problems: Sequence[Problem], overrides: Mapping | None = None,
                rename: Mapping[str, str] | None = None) -> dict:
    """Field name → message, one per field (the first problem). ``rename`` maps a problem's
    field to the form field that shows it (date_of_birth → dob-day)."""
    rename = rename or {}
    return {rename.get(field, field): message(problem, overrides)
            for field, problem in first_per_field(problems).items()}
