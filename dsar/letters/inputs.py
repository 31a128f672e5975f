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

from dsar.directory.schema import EMAIL_RE, OrgRecord
from dsar.letters.compose import CHANNELS, LETTER_LOCALES, available_locales
from dsar.letters.identifiers import disclosed_to, numbers_to_dict, split_numbers
from dsar.letters.model import LetterRequest, Person, Recipient, Representative
from dsar.letters.postal import HOME_COUNTRY, country_name
from dsar.letters.text import has_hidden_controls
from dsar.rights import (
    CATALOGUE,
    JURISDICTIONS,
    Catalogue,
    UnknownRight,
    jurisdiction_for_country,
    missing_details,
)

MAX_FIELD = 2000  # characters in one line of a name or address
MAX_TEXT = 20000  # characters in free text (reasons, corrections)


class InputError(ValueError):
    """Malformed person, recipient or request data; the message says which field and why."""


def _line(value, field: str, *, required: bool = False, limit: int = MAX_FIELD) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InputError(f"{field}: expected text")
    value = value.strip()
    if has_hidden_controls(value.replace("\t", " ")):
        raise InputError(f"{field}: contains invisible control characters; remove them")
    if required and not value:
        raise InputError(f"{field}: missing")
    if len(value) > limit:
        raise InputError(f"{field}: longer than {limit} characters")
    return value


def _lines(value, field: str, *, required: bool = False) -> tuple[str, ...]:
    if value is None:
        value = []
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list):
        raise InputError(f"{field}: expected a list of lines")
    lines = tuple(x for x in (_line(v, field) for v in value) if x)
    if required and not lines:
        raise InputError(f"{field}: missing")
    if len(lines) > 12:
        raise InputError(f"{field}: more than 12 lines")
    return lines


def parse_person(data) -> Person:
    """A person file / stored person: name, address (lines), country (ISO code, default gb),
    email, date_of_birth, previous_addresses (list of line lists), customer_numbers (label →
    number, or an organisation's slug → {label → number} for that organisation only)."""
    if not isinstance(data, dict):
        raise InputError("person: expected a JSON object")
    known = {"name", "address", "country", "email", "date_of_birth", "previous_addresses",
             "customer_numbers", "reasons", "corrections", "decision"}
    unknown = set(data) - known
    if unknown:
        raise InputError(f"person: unknown field(s) {', '.join(sorted(unknown))}")
    email = _line(data.get("email"), "email")
    if email and not EMAIL_RE.match(email):
        # Not echoed: this message can reach a log from the web app.
        raise InputError("email: not an email address")
    dob = data.get("date_of_birth") or None
    if dob is not None:
        try:
            dob = date.fromisoformat(str(dob))
        except ValueError:
            raise InputError("date_of_birth: expected YYYY-MM-DD") from None
    previous = data.get("previous_addresses") or []
    if not isinstance(previous, list):
        raise InputError("previous_addresses: expected a list of addresses")
    numbers = data.get("customer_numbers") or {}
    if not isinstance(numbers, dict):
        raise InputError("customer_numbers: expected an object of label → number")
    try:
        unscoped, scoped = split_numbers(numbers, _line)
    except ValueError as exc:  # _line's InputError, or a malformed organisation entry
        raise InputError(str(exc)) from None
    return Person(
        name=_line(data.get("name"), "name", required=True),
        address=_lines(data.get("address"), "address", required=True),
        email=email,
        date_of_birth=dob,
        previous_addresses=tuple(
            a for a in (_lines(x, "previous_addresses") for x in previous) if a
        ),
        customer_numbers=unscoped,
        org_numbers=scoped,
        country=_country(data.get("country")),
    )


def _country(value) -> str:
    code = _line(value, "country").lower() or HOME_COUNTRY
    code = {"uk": "gb"}.get(code, code)
    if not re.fullmatch(r"[a-z]{2}", code) or not country_name(code):
        raise InputError("country: expected a two-letter country code such as gb or de")
    return code


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
