"""Reading a CSV of members whose mandates a group collected offline: the header, each row's
cells checked by the shared person rules (dsar/validation.py, then parse_person as the letter
service applies it), and a problem per bad cell with the file's physical line number (the
header is line 1). Pure: no Flask, no SQLAlchemy; importing.py writes what this reads.

The file is streamed one physical line at a time (bytes, each decoded on its own, so a line
that is not UTF-8 is reported with its number instead of stopping the reader): nothing holds
more than one row. A quoted cell may span lines; its row is numbered by its first line."""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import BinaryIO

from dsar import validation
from dsar.directory.schema import UK_POSTCODE_RE, uk_postcode
from dsar.letters.inputs import InputError, parse_person
from dsar.letters.model import Person
from dsar.letters.postal import country_name
from dsar.validation import Problem

# Canonical column → the header names accepted for it (compared as typed, without case,
# spaces, hyphens or dots: "Address line 1", "E-mail" and "Post code" all match).
COLUMNS = {
    "name": ("name", "full_name", "fullname"),
    "address_1": ("address_1", "address1", "address_line_1", "addressline1", "address", "street"),
    "address_2": ("address_2", "address2", "address_line_2", "addressline2"),
    "address_3": ("address_3", "address3", "address_line_3", "addressline3"),
    "town": ("town", "city", "town_city", "post_town", "posttown"),
    "postcode": ("postcode", "post_code", "postal_code", "zip", "zip_code"),
    "email": ("email", "e_mail", "email_address"),
    "date_of_birth": ("date_of_birth", "dob", "birth_date", "birthdate"),
    "mandate_reference": ("mandate_reference", "mandate_ref", "mandate", "mandate_id", "reference"),
    "country": ("country", "country_code"),
}
REQUIRED = ("name", "address_1", "postcode", "mandate_reference")
MAX_REFERENCE = 100
MAX_POSTCODE = 20
ADDRESS_COLUMNS = ("address_1", "address_2", "address_3", "town")  # then the postcode
MAX_LINE_BYTES = 64 * 1024  # one physical line; a longer one is not a member's row
_ALIASES = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}

# Reasons of this importer's own (the person rules' reasons are validation.ENGLISH).
ENGLISH = {
    "postcode_format": "not a UK postcode (like CF10 1AA)",
    "too_many_fields": "more cells than the header has columns",
    "not_utf8": "not UTF-8 text: save the file as \"CSV UTF-8\"",
    "mandate_reused": "the same mandate reference as another person (line {n})",
    "mandate_taken": "the same mandate reference as another person already in the campaign",
    "unreadable": "not readable as CSV from here on",
    "line_too_long": "longer than {n} bytes",
}


class HeaderError(ValueError):
    """The file cannot be read as members at all: one English line that says why, and its
    ``code`` and ``column`` for a page to say it in its own words ("empty", "unknown_column",
    "repeated_column", "missing_column", "not_utf8", "unreadable")."""

    def __init__(self, message: str, code: str, column: str = ""):
        super().__init__(message)
        self.code, self.column = code, column


@dataclass(frozen=True)
class RowError:
    line: int
    column: str  # the header as typed in the file, with its spreadsheet letter; "" for a whole row
    problem: Problem

    def reason(self) -> str:
        english = ENGLISH.get(self.problem.code) or validation.ENGLISH[self.problem.code]
        return english.format(n=self.problem.limit)

    def english(self) -> str:
        where = f"line {self.line}, column {self.column}" if self.column else f"line {self.line}"
        return f"{where}: {self.reason()}"


@dataclass
class Row:
    line: int
    person: Person | None  # as parse_person read it; None for a bad row
    mandate_reference: str
    key: str  # same person at the same address (person_key)
    errors: list[RowError] = field(default_factory=list)


def _normal(text: str) -> str:
    """Case, accents' composed forms, punctuation and spacing do not tell people apart."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def person_key(name: str, address: Sequence[str]) -> str:
    """Who at which address: the name, the first address line and the postcode (the UK
    postcode found in the address, else its last line), normalised. Web-joined and imported
    people share the rule, so an import notices someone who already joined on the page."""
    address = tuple(str(x) for x in address)
    postcode = uk_postcode(address) or (address[-1] if address else "")
    first = address[0] if address else ""
    joined = "\x1f".join((_normal(str(name)), _normal(first), postcode.replace(" ", "").upper()))
    return hashlib.blake2b(joined.encode(), digest_size=16).hexdigest()


def mandate_digest(reference: str) -> int:
    """A mandate reference as a small number (references compare without case or spaces)."""
    return int.from_bytes(hashlib.blake2b(_normal(reference).encode(), digest_size=8).digest(), "big")


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class _Lines:
    """The file's physical lines as text, counting them; undecodable lines are replaced
    (and remembered) so that the CSV reader goes on and the row is reported."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream
        self.number = 0
        self.undecodable: list[int] = []
        self.too_long: int | None = None

    def __iter__(self) -> Iterator[str]:
        while True:
            raw = self.stream.readline(MAX_LINE_BYTES + 1)
            if not raw:
                return
            self.number += 1
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                self.too_long = self.number
                return
            if self.number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]  # the byte-order mark Excel writes in "CSV UTF-8"
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                self.undecodable.append(self.number)
                yield raw.decode("utf-8", errors="replace")


def _delimiter(header_line: str) -> str:
    """A comma, or the semicolon (or tab) a spreadsheet in a comma-decimal locale writes."""
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _header(cells: list[str]) -> list[tuple[str, str]]:
    """(canonical column, its label for messages) per cell; HeaderError for a bad header."""
    columns, seen = [], {}
    for index, typed in enumerate(cells):
        name = re.sub(r"[\s.\-]+", "_", typed.strip().casefold()).strip("_")
        column = _ALIASES.get(name)
        label = f"{_column_letter(index)} ({typed.strip()[:40]})"
        if column is None:
            raise HeaderError(f"unknown column {typed.strip()[:40]!r} in the header (line 1): "
                              f"expected {', '.join(COLUMNS)}", "unknown_column", typed.strip()[:40])
        if column in seen:
            raise HeaderError(f"the header (line 1) names {column} twice ({seen[column]} and {label})",
                              "repeated_column", column)
        seen[column] = label
        columns.append((column, label))
    missing = [c for c in REQUIRED if c not in seen]
    if missing:
        raise HeaderError(f"the header (line 1) has no {', '.join(missing)} column "
                          f"(expected {', '.join(COLUMNS)})", "missing_column", ", ".join(missing))
    return columns


def _date_of_birth(text: str, today: date) -> tuple[str | None, list[Problem]]:
    """YYYY-MM-DD, or day/month/year as a UK spreadsheet writes it (27/03/1980)."""
    parts = re.fullmatch(r"\s*(\d{1,2})[/.](\d{1,2})[/.](\d{4})\s*", text)
    if parts:
        value, problems = validation.birth_date_from_parts("date_of_birth", *parts.groups(), today)
    else:
        value, problems = validation.birth_date_from_iso("date_of_birth", text.strip(), today)
    return (value.isoformat() if value else None), problems


def _cell_problems(values: dict[str, str], postcode: str) -> list[tuple[str, Problem]]:
    """The shared person rules, cell by cell, to say which cell parse_person refused."""
    found = [("name", validation.check_name("name", values.get("name", "").strip()))]
    found += [(column, validation.check_line(column, values.get(column, "").strip(),
                                             required=column == "address_1"))
              for column in ADDRESS_COLUMNS]
    found += [("postcode", validation.check_line("postcode", postcode)),
              ("email", validation.check_email("email", values.get("email", "").strip()))]
    return [(column, problems[0]) for column, problems in found if problems]


def check_cells(values: dict[str, str], today: date) -> tuple[Person | None, str, list[tuple[str, Problem]]]:
    """The person as the letter service reads it (None if a cell is bad), the mandate
    reference, and (column, problem) for every bad cell."""
    problems: list[tuple[str, Problem]] = []
    name = values.get("name", "").strip()
    lines = [text for text in (values.get(c, "").strip() for c in ADDRESS_COLUMNS) if text]
    country = values.get("country", "").strip().lower() or "gb"
    country = {"uk": "gb"}.get(country, country)
    if not re.fullmatch(r"[a-z]{2}", country) or not country_name(country):
        problems.append(("country", Problem("country", "country_code")))
        country = "gb"
    postcode = " ".join(values.get("postcode", "").split())
    if not postcode:
        problems.append(("postcode", Problem("postcode", "missing")))
    elif len(postcode) > MAX_POSTCODE:
        problems.append(("postcode", Problem("postcode", "too_long", MAX_POSTCODE)))
    elif country == "gb":
        if match := UK_POSTCODE_RE.fullmatch(postcode.upper()):
            postcode = f"{match.group(1)} {match.group(2)}"
        else:
            problems.append(("postcode", Problem("postcode", "postcode_format")))
    dob, found = _date_of_birth(values.get("date_of_birth", ""), today)
    problems += [("date_of_birth", p) for p in found[:1]]
    reference = " ".join(values.get("mandate_reference", "").split())
    if found := validation.check_line("mandate_reference", reference, limit=MAX_REFERENCE, required=True):
        problems.append(("mandate_reference", found[0]))
    person = {"name": name, "address": [*lines, postcode] if postcode else lines,
              "email": values.get("email", "").strip(), "date_of_birth": dob, "country": country}
    try:  # the letter service's own reading of the person: nothing it refuses gets through
        parsed = parse_person(person, today=today)
    except InputError as exc:
        cells = _cell_problems(values, postcode)
        taken = {column for column, _p in problems}
        problems += [(c, p) for c, p in cells if c not in taken] or [
            ({"address": "address_1"}.get(exc.field, exc.field) or "name",
             exc.problem or Problem(exc.field, "not_text"))]
        parsed = None
    return (None if problems else parsed), reference, problems


def read_rows(stream: BinaryIO, today: date) -> Iterator[Row]:
    """Each data row of the file, checked; HeaderError before the first for a bad header.
    Blank lines are skipped (their numbers still count)."""
    lines = _Lines(stream)
    line_iter = iter(lines)
    first = next(line_iter, None)
    if first is None or not first.strip():
        raise HeaderError("the file is empty: its first line must name the columns", "empty")
    delimiter = _delimiter(first)
    if lines.undecodable:
        raise HeaderError('the header (line 1) is not UTF-8 text: save the file as "CSV UTF-8"', "not_utf8")
    try:
        header = next(csv.reader([first], delimiter=delimiter))
    except csv.Error:
        raise HeaderError("the header (line 1) is not readable as CSV", "unreadable") from None
    columns = _header(header)
    labels = dict(columns)
    order = {column: i for i, (column, _label) in enumerate(columns)}
    reader = csv.reader(line_iter, delimiter=delimiter)
    while True:
        start = lines.number + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            yield Row(start, {}, "", "", [RowError(start, "", Problem("", "unreadable"))])
            return
        end = lines.number
        if not any(c.strip() for c in cells):
            continue
        errors = []
        if any(start <= n <= end for n in lines.undecodable):
            errors.append(RowError(start, "", Problem("", "not_utf8")))
        lines.undecodable = [n for n in lines.undecodable if n > end]
        if len(cells) > len(columns):
            errors.append(RowError(start, "", Problem("", "too_many_fields")))
        values = {column: cells[i] if i < len(cells) else "" for i, (column, _label) in enumerate(columns)}
        person, reference, problems = check_cells(values, today)
        problems.sort(key=lambda found: order.get(found[0], len(order)))  # left to right, as in the file
        errors += [RowError(start, labels.get(column, column), problem) for column, problem in problems]
        yield Row(start, person if not errors else None, reference,
                  person_key(person.name, person.address) if person else "", errors)
    if lines.too_long is not None:
        yield Row(lines.too_long, {}, "", "", [RowError(lines.too_long, "", Problem(
            "", "line_too_long", MAX_LINE_BYTES))])
