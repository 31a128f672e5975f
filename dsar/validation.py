"""One set of rules for what people and organisations' records may say (pure: no Flask, no
SQLAlchemy), shared by the web forms, the person file, the directory's imports and
corrections, and checked again when a stored value is rendered.

Every check returns structured ``Problem``s (a field and a code, and the limit where one
applies) instead of sentences: a web form maps them to translated messages
(``dsar/web/problems.py``), the CLI and the importers print ``Problem.english()``.

The email rule is the one the email renderer (``dsar/letters/email.py``) applies, made a
little stricter where RFC 5321 sets lengths: an ASCII dot-atom local part of at most 64
characters, domain labels of at most 63 letters, digits and hyphens (an internationalised
domain counts in its ASCII "xn--" form, which is what the renderer sends), at most 254
characters in all. An address with letters such as "ö" before the @ (SMTPUTF8) is refused:
many mail servers cannot deliver to it, and a letter must not depend on that.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from dsar.letters.text import has_hidden_controls

MAX_NAME = 300  # characters in a person's or organisation's name
MAX_LINE = 2000  # characters in one line of an address (or any one-line value)
MAX_ADDRESS_LINES = 10  # lines in one postal address
MAX_PREVIOUS_ADDRESSES = 10
MAX_TEXT = 20000  # characters in free text (reasons, corrections, notes)
MAX_IDENTIFIERS = 50  # "label: number" lines
MAX_EMAIL, MAX_LOCAL_PART, MAX_DOMAIN_LABEL = 254, 64, 63  # RFC 5321 §4.5.3.1, RFC 1035
EARLIEST_BIRTH_YEAR = 1900

# RFC 5322 atext: the characters of a dot-atom, which the email renderer accepts unquoted.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_LOCAL = re.compile(rf"{_ATEXT}+(?:\.{_ATEXT}+)*")
_LOCAL_CHARACTER = re.compile(rf"{_ATEXT}|\.")
_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")

# English for the CLI, the importers and logs; the web maps codes to translated messages.
ENGLISH = {
    "missing": "missing",
    "not_text": "expected text",
    "too_long": "longer than {n} characters",
    "too_many_lines": "more than {n} lines",
    "too_many_addresses": "more than {n} addresses",
    "too_many_entries": "more than {n} entries",
    "hidden_characters": "contains invisible control characters; remove them",
    "email_format": "not an email address",
    "email_not_plain": "use an address with only plain letters, digits and . _ - + before the @",
    "email_local_too_long": "more than {n} characters before the @",
    "date_format": "not a real date (expected YYYY-MM-DD, or day, month and a four-digit year)",
    "date_too_early": "before the year {n}",
    "date_in_future": "not in the past",
    "identifier_format": "write each number as a label, a colon and the number",
    "country_code": "expected a two-letter country code such as gb or de",
    "identifier_scope":
        "not an organisation's short name (lower-case words joined by hyphens, e.g. experian-gb)",
    "identifier_value": "expected label → number, or an organisation's short name → {{label → number}}",
}


@dataclass(frozen=True)
class Problem:
    """What is wrong with one field: ``code`` is a key of ``ENGLISH``; ``limit`` fills its {n}."""

    field: str
    code: str
    limit: int | None = None

    def english(self) -> str:
        # Never the value itself: a person's details must not reach a log or a terminal.
        return f"{self.field}: {ENGLISH[self.code].format(n=self.limit)}"


def first_per_field(problems: Sequence[Problem]) -> dict[str, Problem]:
    """The first problem of each field (a form shows one message per field)."""
    out: dict[str, Problem] = {}
    for problem in problems:
        out.setdefault(problem.field, problem)
    return out


# ---------------------------------------------------------------- text

def check_line(field: str, value: str, *, limit: int = MAX_LINE, required: bool = False) -> list[Problem]:
    """One line or text: present when required, within ``limit``, no hidden control characters
    (tabs are allowed: a pasted table is harmless)."""
    if not isinstance(value, str):
        return [Problem(field, "not_text")]
    if has_hidden_controls(value.replace("\t", " ")):
        return [Problem(field, "hidden_characters")]
    if required and not value.strip():
        return [Problem(field, "missing")]
    if len(value) > limit:
        return [Problem(field, "too_long", limit)]
    return []


def check_name(field: str, value: str, *, required: bool = True) -> list[Problem]:
    return check_line(field, value, limit=MAX_NAME, required=required)


def check_text(field: str, value: str, *, limit: int = MAX_TEXT, required: bool = False) -> list[Problem]:
    """Free text over several lines (reasons, corrections, notes)."""
    return check_line(field, value, limit=limit, required=required)


def check_address(field: str, lines: Sequence[str], *, required: bool = True) -> list[Problem]:
    """A postal address as its non-empty lines."""
    if required and not lines:
        return [Problem(field, "missing")]
    if len(lines) > MAX_ADDRESS_LINES:
        return [Problem(field, "too_many_lines", MAX_ADDRESS_LINES)]
    for line in lines:
        if found := check_line(field, line):
            return found
    return []


def check_previous_addresses(field: str, blocks: Sequence[Sequence[str]]) -> list[Problem]:
    if len(blocks) > MAX_PREVIOUS_ADDRESSES:
        return [Problem(field, "too_many_addresses", MAX_PREVIOUS_ADDRESSES)]
    for block in blocks:
        if found := check_address(field, block, required=False):
            return found
    return []


def address_lines(text: str) -> list[str]:
    """A typed address as its non-empty, stripped lines."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def address_blocks(text: str) -> list[list[str]]:
    """Several typed addresses: one per block of lines, blank lines between them."""
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


def check_identifier_lines(field: str, text: str) -> list[Problem]:
    """Customer numbers and the like, typed one per line as "label: number"."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > MAX_IDENTIFIERS:
        return [Problem(field, "too_many_entries", MAX_IDENTIFIERS)]
    for line in lines:
        if found := check_line(field, line):
            return found
        label, colon, number = line.partition(":")
        if not colon or not label.strip() or not number.strip():
            return [Problem(field, "identifier_format")]
    return []


# ---------------------------------------------------------------- email

def email_problem(value: str) -> str | None:
    """The code of what is wrong with an addr-spec (``name@example.org``), or None."""
    if not isinstance(value, str):
        return "email_format"
    local, at, domain = value.partition("@")
    if not at or not local or not domain:
        return "email_format"
    if not all(_LOCAL_CHARACTER.fullmatch(c) for c in local):
        return "email_not_plain"
    if not _LOCAL.fullmatch(local):
        return "email_format"  # a dot at the start or end, or two together
    if len(local) > MAX_LOCAL_PART:
        return "email_local_too_long"
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:  # an empty or over-long label, or characters IDNA refuses
        return "email_format"
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        return "email_format"
    if len(local) + 1 + len(ascii_domain) > MAX_EMAIL:
        return "too_long"
    return None


def check_email(field: str, value: str, *, required: bool = False) -> list[Problem]:
    if not isinstance(value, str):
        return [Problem(field, "not_text")]
    if not value:
        return [Problem(field, "missing")] if required else []
    if has_hidden_controls(value):
        return [Problem(field, "hidden_characters")]
    code = email_problem(value)
    if code is None:
        return []
    return [Problem(field, code, {"too_long": MAX_EMAIL,
                                  "email_local_too_long": MAX_LOCAL_PART}.get(code))]


def is_usable_email(value: str) -> bool:
    return bool(value) and email_problem(value) is None


# ---------------------------------------------------------------- dates

def check_birth_date(field: str, value: date, today: date | None) -> list[Problem]:
    """A real date of birth: 1900 or later and before ``today`` (when a today is given)."""
    if value.year < EARLIEST_BIRTH_YEAR:
        return [Problem(field, "date_too_early", EARLIEST_BIRTH_YEAR)]
    if today is not None and value >= today:
        return [Problem(field, "date_in_future")]
    return []


def birth_date_from_parts(field: str, day: str, month: str, year: str,
                          today: date) -> tuple[date | None, list[Problem]]:
    """Day, month and year as typed (digits; a four-digit year), or problems. All three
    empty means no date of birth was given."""
    day, month, year = day.strip(), month.strip(), year.strip()
    if not (day or month or year):
        return None, []
    # Digits only and short, so int() never meets "1e9", "١٢" or a 10,000-digit number.
    if not (re.fullmatch(r"[0-9]{1,2}", day) and re.fullmatch(r"[0-9]{1,2}", month)
            and re.fullmatch(r"[0-9]{4}", year)):
        return None, [Problem(field, "date_format")]
    try:
        value = date(int(year), int(month), int(day))
    except ValueError:
        return None, [Problem(field, "date_format")]
    problems = check_birth_date(field, value, today)
    return (None if problems else value), problems


def birth_date_from_iso(field: str, text: object, today: date | None) -> tuple[date | None, list[Problem]]:
    """A date of birth written YYYY-MM-DD (a person file or a stored request)."""
    if text in (None, ""):
        return None, []
    if isinstance(text, date):
        value = text
    else:
        if not isinstance(text, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text.strip()):
            return None, [Problem(field, "date_format")]
        try:
            value = date.fromisoformat(text.strip())
        except ValueError:
            return None, [Problem(field, "date_format")]
    problems = check_birth_date(field, value, today)
    return (None if problems else value), problems
