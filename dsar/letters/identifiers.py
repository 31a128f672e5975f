"""Which of a person's identifiers each organisation is told (pure).

A letter encloses no more than the organisation needs to find the person's data (data
minimisation, Art 5(1)(c) GDPR / UK GDPR; no more than necessary, Art 12(6)):

- a number the person gave for one organisation ("experian-gb / CreditExpert account
  number: …") goes to that organisation only;
- a number given for no organisation in particular goes only to organisations whose
  directory record asks for customer or account numbers;
- date of birth and previous addresses go to organisations that match people by them
  (credit reference agencies, identity and fraud-prevention services: ``needs_identifiers``)
  or whose record requires them;
- an organisation typed by hand, with no record, gets none of these.

``disclosed_to`` applies the rule; ``build_letter_request`` calls it, so the wizard, the CLI,
casework and bulk runs all send the same. The identifier text format ("Label: value" or
"slug / Label: value", one per line) is parsed here for the wizard and the casework form.
"""

from __future__ import annotations

import re
from dataclasses import replace

from dsar.directory.schema import SLUG_RE, OrgRecord
from dsar.letters.model import Person, Recipient
from dsar.rights import Right, needs_identifiers

_SCOPE = re.compile(r"[a-z0-9][a-z0-9-]{0,119}")


def parse_identifiers(text: str) -> dict[str, dict[str, str]]:
    """'Label: value' for any organisation that asks; 'slug / Label: value' for one only.

    Returns scope → label → value, the unscoped numbers under "". A line that is not of
    either form raises ValueError carrying the line."""
    identifiers: dict[str, dict[str, str]] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        scope, sep, rest = line.partition("/")
        if not sep or ":" in scope or not _SCOPE.fullmatch(scope.strip()):
            scope, rest = "", line
        label, colon, value = rest.partition(":")
        if not colon or not label.strip() or not value.strip():
            raise ValueError(line)
        identifiers.setdefault(scope.strip(), {})[label.strip()] = value.strip()
    return identifiers


def identifiers_text(identifiers: dict) -> str:
    """The text form of ``parse_identifiers``' result (to show in a form again)."""
    return "\n".join(f"{scope} / {label}: {value}" if scope else f"{label}: {value}"
                     for scope, numbers in (identifiers or {}).items()
                     for label, value in numbers.items())


def numbers_value(identifiers: dict[str, dict[str, str]]) -> dict:
    """``parse_identifiers``' result in the person file's form: label → number for numbers
    without an organisation, and slug → {label → number} for the others."""
    value: dict = dict(identifiers.get("", {}))
    value.update({scope: dict(numbers) for scope, numbers in identifiers.items() if scope})
    return value


def split_numbers(numbers: dict, clean) -> tuple[tuple[tuple[str, str], ...],
                                                 tuple[tuple[str, str, str], ...]]:
    """A person file's ``customer_numbers`` → (unscoped pairs, scoped triples).

    ``clean(value, field)`` checks and trims one text (the caller's input rules)."""
    unscoped, scoped = [], []
    for key, value in numbers.items():
        if isinstance(value, dict):
            slug = clean(key, "customer_numbers")
            if not SLUG_RE.match(slug):
                raise ValueError(f"customer_numbers: {slug!r} is not an organisation's short name "
                                 "(lower-case words joined by hyphens, e.g. experian-gb)")
            scoped += [(slug, clean(label, "customer_numbers"), clean(str(number), "customer_numbers"))
                       for label, number in value.items()]
        elif isinstance(value, str | int):
            unscoped.append((clean(key, "customer_numbers"), clean(str(value), "customer_numbers")))
        else:
            raise ValueError("customer_numbers: expected label → number, or an organisation's "
                             "short name → {label → number}")
    return tuple(unscoped), tuple(scoped)


def numbers_to_dict(person: Person) -> dict:
    value: dict = dict(person.customer_numbers)
    for slug, label, number in person.org_numbers:
        value.setdefault(slug, {})[label] = number
    return value


def disclosed_to(person: Person, right: Right, org: OrgRecord | Recipient) -> Person:
    """``person`` with only the identifiers this organisation is to be told (see above);
    the numbers scoped to it become plain numbers."""
    record = org if isinstance(org, OrgRecord) else None
    asked = {f.field for f in record.identity} if record else set()
    required = {f.field for f in record.identity if not f.optional} if record else set()
    matches_people = needs_identifiers(right, org.categories)
    numbers = list(person.customer_numbers) if "customer_number" in asked else []
    numbers += [(label, number) for slug, label, number in person.org_numbers
                if record is not None and slug == record.slug]
    return replace(
        person,
        date_of_birth=(person.date_of_birth
                       if matches_people or "date_of_birth" in required else None),
        previous_addresses=(person.previous_addresses
                            if matches_people or "previous_addresses" in required else ()),
        customer_numbers=tuple(dict.fromkeys(numbers)),
        org_numbers=(),
    )
