"""Addresses as the post needs them (pure).

Domestic post carries no country line. Post that crosses a border ends the recipient's
address with the destination country in capitals, in English (the Universal Postal Union's
addressing rule: the country name in capitals on the last line, in a language known in the
country of posting), and the sender's address with the sender's own country, so that the
letter can come back. A directory record may already end its address with a country line in
its own language ("Deutschland"); that line is replaced, never repeated.

``window_lines`` is the renderers' guard: the lines a window envelope shows, without an
address line that repeats the name (records often start their address with it) or any line
printed twice.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from dsar.directory.countries import UNKNOWN_COUNTRY, country_from_line
from dsar.letters.model import Party, Person, Recipient

HOME_COUNTRY = "gb"


@cache
def country_name(code: str) -> str:
    """The English short name of an ISO 3166-1 country ("de" → "Germany"), or "" if unknown."""
    from babel import Locale

    if not code or code == UNKNOWN_COUNTRY:
        return ""
    return Locale("en").territories.get(code.upper(), "")


def fold(line: str) -> str:
    """A line reduced to its letters and digits, lower case, without accents: two lines that
    fold equal say the same thing on an envelope ("ACXIOM LTD." and "Acxiom Ltd")."""
    text = unicodedata.normalize("NFKD", line).casefold()
    return "".join(c for c in text if c.isalnum())


def _names_country(line: str, code: str) -> bool:
    return country_from_line(line) == code or fold(line) == fold(country_name(code) or "\0")


def without_country_line(address: tuple[str, ...], code: str) -> tuple[str, ...]:
    """The address without a trailing line that only names country ``code``."""
    lines = list(address)
    while lines and _names_country(lines[-1], code):
        lines.pop()
    return tuple(lines)


def is_international(sender_country: str, recipient_country: str) -> bool:
    """Whether a letter crosses a border (an unknown country is taken as domestic: no
    country line is better than a wrong one)."""
    known = {sender_country, recipient_country}.isdisjoint({"", UNKNOWN_COUNTRY})
    return known and sender_country != recipient_country


def sender_address(person: Person, recipient_country: str) -> tuple[str, ...]:
    lines = without_country_line(person.address, person.country)
    if is_international(person.country, recipient_country) and country_name(person.country):
        lines += (country_name(person.country),)
    return lines


def recipient_address(recipient: Recipient, sender_country: str) -> tuple[str, ...]:
    lines = without_country_line(recipient.address, recipient.country)
    if is_international(sender_country, recipient.country) and country_name(recipient.country):
        lines += (country_name(recipient.country).upper(),)
    return lines


def window_lines(party: Party) -> tuple[str, ...]:
    """The name and the address lines, dropping empty lines and any line that repeats the
    name or an earlier line (case, accents and punctuation ignored)."""
    seen: set[str] = set()
    lines = []
    for line in (party.name, *party.address):
        key = fold(line)
        if key and key not in seen:
            seen.add(key)
            lines.append(line.strip())
    return tuple(lines)
