"""Turn plain values (a person file, a stored request, a directory record, a person's choices)
into the values compose() takes, with one clear error message for anything malformed.

``build_letter_request`` is the one place that decides what a request says from those choices:
where an erasure or restriction ground goes, which law applies by default and the default
letter language. The wizard, the CLI and every later caller use it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from dsar import validation
from dsar.directory.schema import OrgRecord
from dsar.letters.compose import CHANNELS, LETTER_LOCALES, available_locales
from dsar.letters.identifiers import disclosed_to, numbers_to_dict, split_numbers
from dsar.letters.model import LetterRequest, Person, Recipient, Representative
from dsar.letters.postal import HOME_COUNTRY, country_name
from dsar.rights import (
    CATALOGUE,
    JURISDICTIONS,
    Catalogue,
    UnknownRight,
    jurisdiction_for_country,
    missing_details,
)
from dsar.validation import MAX_LINE, Problem

# The shared limits (dsar/validation.py), under the names callers already use.
MAX_FIELD = MAX_LINE
MAX_TEXT = validation.MAX_TEXT


class InputError(ValueError):
    """Malformed person, recipient or request data; the message says which field and why.

    ``field`` and ``code`` say the same for a form to map (empty for errors about the request
    as a whole, such as an unknown right); ``problem`` is the structured problem, if any."""

    def __init__(self, message: str, *, problem: Problem | None = None):
        super().__init__(message)
        self.problem = problem
        self.field = problem.field if problem else ""
        self.code = problem.code if problem else ""

    @classmethod
    def of(cls, problem: Problem) -> InputError:
        return cls(problem.english(), problem=problem)


def _line(value, field: str, *, required: bool = False, limit: int = MAX_FIELD) -> str:
    if value is None:
        value = ""
    if isinstance(value, str):
        value = value.strip()
    if problems := validation.check_line(field, value, limit=limit, required=required):
        raise InputError.of(problems[0])
    return value


def _as_lines(value) -> list:
    """An address as a list of lines: a list, or one text with a line per line."""
    if value is None:
        return []
    if isinstance(value, str):
        return value.splitlines()
    return value


def _person_fields(data, today: date | None) -> tuple[dict, list[Problem]]:
    """The values of a Person from its stored or file form, and every problem found. Values
    with a problem are still given in the form that renders safely (an unusable email or
    date of birth is left out; other text is kept, since every renderer cleans it)."""
    problems: list[Problem] = []

    def text(value, field, **limits) -> str:
        if value is not None and not isinstance(value, str):
            problems.append(Problem(field, "not_text"))
            value = str(value)
        value = value or ""
        problems.extend(validation.check_line(field, value.strip(), **limits))
        return value.strip()

    def lines(value, field, *, required) -> tuple[str, ...]:
        raw = _as_lines(value)
        if not isinstance(raw, list) or not all(isinstance(v, str | None) for v in raw):
            problems.append(Problem(field, "not_text"))
            raw = raw if isinstance(raw, list) else []
        kept = tuple(x for x in (str(v if v is not None else "").strip() for v in raw) if x)
        problems.extend(validation.check_address(field, kept, required=required))
        return kept

    name = text(data.get("name"), "name", limit=validation.MAX_NAME, required=True)
    address = lines(data.get("address"), "address", required=True)
    email = text(data.get("email"), "email")
    if email_problems := validation.check_email("email", email):
        problems.extend(email_problems)
        email = ""
    dob, dob_problems = validation.birth_date_from_iso("date_of_birth", data.get("date_of_birth"), today)
    problems.extend(dob_problems)
    previous_raw = data.get("previous_addresses") or []
    if not isinstance(previous_raw, list):
        problems.append(Problem("previous_addresses", "not_text"))
        previous_raw = []
    previous = tuple(a for a in (lines(x, "previous_addresses", required=False) for x in previous_raw) if a)
    if len(previous) > validation.MAX_PREVIOUS_ADDRESSES:
        problems.append(Problem("previous_addresses", "too_many_addresses",
                                validation.MAX_PREVIOUS_ADDRESSES))
    numbers_raw = data.get("customer_numbers") or {}
    if not isinstance(numbers_raw, dict):
        problems.append(Problem("customer_numbers", "not_text"))
        numbers_raw = {}
    if len(numbers_raw) > validation.MAX_IDENTIFIERS:
        problems.append(Problem("customer_numbers", "too_many_entries", validation.MAX_IDENTIFIERS))
    try:  # label → number, or an organisation's slug → {label → number} for it only
        unscoped, scoped = split_numbers(numbers_raw, lambda value, field: text(value, field))
    except ValueError as exc:  # a malformed organisation name or entry (see split_numbers)
        code = "identifier_scope" if "is not an organisation" in str(exc) else "identifier_value"
        problems.append(Problem("customer_numbers", code))
        unscoped, scoped = (), ()
    country = str(data.get("country") or HOME_COUNTRY).strip().lower()
    country = {"uk": "gb"}.get(country, country)
    if not re.fullmatch(r"[a-z]{2}", country) or not country_name(country):
        problems.append(Problem("country", "country_code"))
        country = HOME_COUNTRY
    return {"name": name, "address": address, "email": email, "date_of_birth": dob,
            "previous_addresses": previous, "customer_numbers": unscoped, "org_numbers": scoped,
            "country": country}, problems


_PERSON_KEYS = {"name", "address", "country", "email", "date_of_birth", "previous_addresses",
                "customer_numbers", "reasons", "corrections", "decision"}


def parse_person(data, *, today: date | None = None) -> Person:
    """A person file / stored person: name, address (lines), country (ISO code, default gb),
    email, date_of_birth, previous_addresses (list of line lists), customer_numbers (label →
    number, or an organisation's slug → {label → number} for that organisation only).

    Raises ``InputError`` (with ``.field``) for the first problem; with ``today`` a date of
    birth must also be in the past."""
    if not isinstance(data, dict):
        raise InputError("person: expected a JSON object")
    unknown = set(data) - _PERSON_KEYS
    if unknown:
        raise InputError(f"person: unknown field(s) {', '.join(sorted(unknown))}")
    values, problems = _person_fields(data, today)
    if problems:
        # The English names the field, never the value: it can reach a log from the web app.
        raise InputError.of(problems[0])
    return Person(**values)


def stored_person(data) -> tuple[Person, list[Problem]]:
    """A person as stored with a request, even one saved before today's rules (or written to
    the database by hand): what can be rendered, and what is wrong with it, so a page shows
    the letter and a note instead of failing."""
    values, problems = _person_fields(data if isinstance(data, dict) else {}, None)
    if not values["name"]:
        values["name"] = "?"  # a Person needs a name; the note says it is missing
    return Person(**values), problems


def stored_problems(person, recipient) -> list[Problem]:
    """What is wrong with a stored request's person and recipient (their stored forms), for
    the note a page shows beside the letter; the recipient's field is "recipient_email"."""
    problems = stored_person(person)[1]
    email = recipient.get("email") if isinstance(recipient, dict) else ""
    problems += [Problem("recipient_email", p.code, p.limit)
                 for p in validation.check_email("email", email or "")]
    return problems


def person_to_dict(person: Person) -> dict:
    return {
        "name": person.name,
        "address": list(person.address),
        "country": person.country,
        "email": person.email,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "previous_addresses": [list(a) for a in person.previous_addresses],
        "customer_numbers": numbers_to_dict(person),
    }


def free_text(value, field: str) -> str:
    return _line(value, field, limit=MAX_TEXT)


def corrections_list(value) -> tuple[str, ...]:
    """Corrections as a list of strings, or one text with a correction per line."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, (list, tuple)):
        raise InputError("corrections: expected a list or text")
    return tuple(x for x in (_line(v, "corrections", limit=MAX_TEXT) for v in value) if x)


def recipient_from_record(record: OrgRecord) -> Recipient:
    return Recipient(
        name=record.name,
        address=record.address,
        email=record.email,
        categories=record.categories,
        country=record.country,
        holiday_region=record.holiday_region,
        trading_names=trading_names(record),
    )


_LEGAL_FORMS = re.compile(r"\b(ltd|limited|plc|llp|inc|llc|ag|gmbh|se|sa|sas|bv|nv|s\.?a\.?r\.?l|"
                          r"spa|s\.?p\.?a|co|company|corp|corporation)\.?$", re.I)


def _core_name(name: str) -> str:
    """'Experian Limited' → 'experian': a name without case, punctuation or legal form."""
    name = " ".join(re.sub(r"[^\w&]+", " ", name.casefold()).split())
    while (shorter := _LEGAL_FORMS.sub("", name).strip()) != name:
        name = shorter
    return name


def trading_names(record: OrgRecord) -> tuple[str, ...]:
    """The record's brands, then its aliases, without the ones that only repeat the legal name
    ('Experian Limited' for Experian Ltd) or another entry in other words."""
    legal = _core_name(record.name)
    seen, names = set(), []
    for name in (*record.brands, *record.aliases):
        core = _core_name(name)
        if core and core not in seen and not (legal + " ").startswith(core + " "):
            seen.add(core)
            names.append(name.strip())
    return tuple(names)


def recipient_to_dict(recipient: Recipient) -> dict:
    return {
        "name": recipient.name,
        "address": list(recipient.address),
        "email": recipient.email,
        "categories": list(recipient.categories),
        "country": recipient.country,
        "holiday_region": recipient.holiday_region,
        "trading_names": list(recipient.trading_names),
    }


def recipient_from_dict(data: dict) -> Recipient:
    return Recipient(
        name=data["name"],
        address=tuple(data.get("address") or ()),
        email=data.get("email") or "",
        categories=tuple(data.get("categories") or ()),
        country=data.get("country") or "gb",
        holiday_region=data.get("holiday_region") or "england",
        trading_names=tuple(data.get("trading_names") or ()),
    )


def representative_to_dict(representative: Representative | None) -> dict | None:
    if representative is None:
        return None
    expires = representative.authority_expires_on
    return {"name": representative.name, "address": list(representative.address),
            "email": representative.email, "safe_contact": representative.safe_contact,
            "authority_expires_on": expires.isoformat() if expires else None}


def representative_from_dict(data: dict | None) -> Representative | None:
    """The stored form back (None for a request the person made themselves)."""
    if not data:
        return None
    expires = data.get("authority_expires_on")
    return Representative(
        name=data["name"], address=tuple(data.get("address") or ()), email=data.get("email") or "",
        authority_expires_on=date.fromisoformat(expires) if expires else None,
        safe_contact=bool(data.get("safe_contact")),
    )


def default_letter_language(org: OrgRecord | Recipient) -> str:
    """The organisation's request language where we can write in it, else English."""
    language = org.request_language if isinstance(org, OrgRecord) else ""
    return language if language in available_locales() else "en"


def build_letter_request(
    *,
    right: str,
    org: OrgRecord | Recipient,
    person: Person | Mapping,
    today: date,
    reference: str = "",
    jurisdiction: str | None = None,
    locale: str | None = None,
    channel: str = "letter",
    reasons: str | None = "",
    corrections: str | list | tuple | None = (),
    ground: str | None = "",
    decision: str | None = "",
    catalogue: Catalogue = CATALOGUE,
    representative: Representative | None = None,
) -> LetterRequest:
    """A checked ``LetterRequest`` from a person's choices, or ``InputError``.

    ``org`` is a directory record, or a ``Recipient`` for an organisation typed by hand;
    ``person`` a ``Person`` or its stored/file form; absent texts may be None.
    ``jurisdiction`` defaults from the organisation's country and ``locale`` from its
    request language. ``ground`` goes to the field the kind names (erasure or restriction).
    ``reference`` may stay empty until the request is stored, when the store assigns one.
    The person's identifiers are narrowed to what this organisation needs.
    ``representative``: who writes for the person (a team under a signed authority).
    """
    try:
        kind = catalogue.get(right)
    except UnknownRight:
        raise InputError(f"unknown right {right!r} (choose from {', '.join(catalogue.keys)})"
                         ) from None
    recipient = recipient_from_record(org) if isinstance(org, OrgRecord) else org
    if jurisdiction is None:
        jurisdiction = jurisdiction_for_country(recipient.country)
    if jurisdiction not in JURISDICTIONS:
        raise InputError(f"unknown jurisdiction {jurisdiction!r} "
                         f"(choose {' or '.join(JURISDICTIONS)})")
    locale = locale or default_letter_language(org)
    if locale not in LETTER_LOCALES:
        raise InputError(f"unknown language {locale!r} (choose from {', '.join(LETTER_LOCALES)})")
    if channel not in CHANNELS:
        raise InputError(f"unknown channel {channel!r} (choose from {', '.join(CHANNELS)})")
    ground = _line(ground, "ground")
    if ground and not kind.grounds:
        raise InputError(f"ground: {kind.key} takes no ground")
    if kind.grounds and ground not in kind.grounds:
        problem = f"unknown ground {ground!r}" if ground else f"{kind.key} needs a ground"
        raise InputError(f"{problem} (choose from {', '.join(kind.grounds)})")
    values = {
        "reasons": free_text(reasons, "reasons"),
        "corrections": corrections_list(corrections),
        "decision": free_text(decision, "decision"),
        "erasure_ground": "",
        "restriction_ground": "",
    }
    if kind.ground_field:
        values[kind.ground_field] = ground
    missing = missing_details(kind, values)
    if missing:
        raise InputError(f"{missing[0].replace('_', ' ')} is required for {kind.key}")
    return LetterRequest(
        right=kind.key,
        jurisdiction=jurisdiction,
        locale=locale,
        reference=reference,
        # Each organisation is told only the identifiers it needs (dsar/letters/identifiers.py).
        person=disclosed_to(person if isinstance(person, Person) else parse_person(person),
                            kind, org),
        recipient=recipient,
        today=today,
        channel=channel,
        representative=representative,
        **values,
    )


def request_details(request: LetterRequest) -> dict:
    """What a stored request keeps besides its right, law, language, person and recipient."""
    return {
        "channel": request.channel,
        "reasons": request.reasons,
        "corrections": list(request.corrections),
        "erasure_ground": request.erasure_ground,
        "restriction_ground": request.restriction_ground,
        "decision": request.decision,
        **({"representative": representative_to_dict(request.representative)}
           if request.representative else {}),
    }
