"""Addresses right for the post: country lines only across a border, the destination in
English capitals, longer for delivery abroad, and never a line twice in the window — read
back from the PDFs themselves."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
import yaml
from babel import Locale
from pypdf import PdfReader

from dsar.directory.countries import country_from_line
from dsar.directory.schema import parse_record
from dsar.letters.bulk import render_many
from dsar.letters.compose import compose
from dsar.letters.inputs import build_letter_request
from dsar.letters.model import Party, Recipient
from dsar.letters.pdf import render_pdf
from dsar.letters.postal import fold, window_lines, without_country_line

RECORDS_DIR = Path(__file__).resolve().parents[2] / "dsar" / "directory" / "records"
TODAY = date(2026, 11, 26)  # a Thursday
UK_PERSON = {"name": "Siân Llŵyd", "address": ["12 Heol y Frenhines", "Cardiff", "CF10 1AA"],
             "email": "sian@example.org"}
MM = 72 / 25.4


def _record(slug: str):
    return parse_record(yaml.safe_load((RECORDS_DIR / f"{slug}.yaml").read_text("utf-8")))


def _letter(org, person=UK_PERSON, **values):
    return compose(build_letter_request(right="access", org=org, person=person, today=TODAY,
                                        reference="R-TEST-0001", locale="en", **values))


def _lines_in(page, left_mm: float, right_mm: float, top_mm: float, bottom_mm: float) -> list[str]:
    """The text lines whose start lies in a box given in mm from the page's top left."""
    height = float(page.mediabox.height)
    found = []

    def visit(text, cm, tm, _font, _size):
        x, y = cm[4] + tm[4] * cm[0], cm[5] + tm[5] * cm[3]
        if text.strip() and left_mm <= x / MM <= right_mm and top_mm <= (height - y) / MM <= bottom_mm:
            found.append((height - y, x, text.strip()))

    page.extract_text(visitor_text=visit)
    return [text for _y, _x, text in sorted(found)]


def _window(page) -> list[str]:
    """The DL window: 20 mm from the left, 47 mm from the top, 90 × 35 mm."""
    return _lines_in(page, 19, 110, 46, 83)


def _sender(page) -> list[str]:
    return _lines_in(page, 110, 210, 0, 80)


def test_uk_person_to_schufa_gets_country_lines_and_a_longer_due_date():
    letter = _letter(_record("schufa-de"))
    pages = PdfReader(io.BytesIO(render_pdf(letter))).pages
    page = pages[0]
    sender, window = _sender(page), _window(page)
    assert sender[:5] == ["Siân Llŵyd", "12 Heol y Frenhines", "Cardiff", "CF10 1AA", "United Kingdom"]
    assert window == ["SCHUFA Holding AG", "Kormoranweg 5", "65201 Wiesbaden", "GERMANY"]
    # Posted Thu 26 Nov 2026; five working days in Germany → Thu 3 Dec; one month → Sun 3 Jan
    # 2027, rolled to Mon 4 Jan.
    assert letter.due_date == date(2027, 1, 4)
    text = " ".join(" ".join(p.extract_text() for p in pages).split())
    assert ("The month counts from the day you receive it; allowing five working days for "
            "international post, a reply is due by 4 January 2027.") in text
    assert "Deutschland" not in window


def test_domestic_letter_has_no_country_lines_and_two_days_for_delivery():
    letter = _letter(_record("experian-gb"))
    page = PdfReader(io.BytesIO(render_pdf(letter))).pages[0]
    assert _window(page) == ["Experian Ltd", "PO Box 9000", "Nottingham", "NG80 7WP"]
    assert _sender(page)[:4] == ["Siân Llŵyd", "12 Heol y Frenhines", "Cardiff", "CF10 1AA"]
    assert not {"United Kingdom", "UNITED KINGDOM"} & set(_sender(page) + _window(page))
    assert letter.due_date == date(2026, 12, 30)  # received Mon 30 Nov


def test_a_person_abroad_writing_home_and_a_typed_country_line():
    """A person in Germany writing to a UK agency: their own country line, and GB's."""
    person = {**UK_PERSON, "address": ["Torstraße 1", "10119 Berlin", "Deutschland"], "country": "de"}
    letter = _letter(_record("experian-gb"), person=person)
    assert letter.sender.address == ("Torstraße 1", "10119 Berlin", "Germany")
    assert letter.recipient.address[-1] == "UNITED KINGDOM"
    typed = Recipient(name="Beispiel GmbH", address=("Musterweg 2", "80331 München", "Germany"),
                      country="de")
    berliner = _letter(typed, person=person, jurisdiction="eu")
    assert berliner.sender.address == ("Torstraße 1", "10119 Berlin")
    assert berliner.recipient.address == ("Musterweg 2", "80331 München")


def test_window_lines_drop_repeats_of_the_name_and_of_each_other():
    party = Party("Acxiom Ltd", ("ACXIOM LTD.", "17 Hatfields", "London", "17  hatfields", "SE1 8DJ"))
    assert window_lines(party) == ("Acxiom Ltd", "17 Hatfields", "London", "SE1 8DJ")
    assert fold("Sainsbury’s Supermarkets Ltd") == fold("sainsburys supermarkets ltd")
    assert without_country_line(("Via Roma 1", "00100 Roma", "Italia"), "it") == ("Via Roma 1", "00100 Roma")
    assert without_country_line(("1 Italy Road", "Leeds"), "it") == ("1 Italy Road", "Leeds")


@pytest.fixture(scope="module")
def curated_windows(tmp_path_factory):
    """Every curated record's letter, rendered in one bulk run; the window read back."""
    records = [parse_record(yaml.safe_load(p.read_text("utf-8"))) for p in sorted(RECORDS_DIR.glob("*.yaml"))]
    records = [r for r in records if r.address]
    rendered = render_many((_letter(r) for r in records), tmp_path_factory.mktemp("windows"))
    return [(r, _window(PdfReader(result.path).pages[0]))
            for r, result in zip(records, rendered, strict=True)]


def test_no_curated_record_shows_a_line_twice_in_the_window(curated_windows):
    assert len(curated_windows) > 50
    problems = []
    for record, window in curated_windows:
        folded = [fold(line) for line in window]
        if len(set(folded)) != len(folded):
            problems.append(f"{record.slug}: {window}")
        if not window or window[0] != record.name:
            problems.append(f"{record.slug}: window does not start with the name: {window}")
    assert not problems, "\n".join(problems)


def test_curated_windows_end_with_the_country_only_abroad(curated_windows):
    problems = []
    for record, window in curated_windows:
        names_a_country = [line for line in window[1:] if country_from_line(line)]
        if record.country == "gb":
            expected = []
        else:
            expected = [Locale("en").territories[record.country.upper()].upper()]
            if window[-1] != expected[0]:
                problems.append(f"{record.slug}: last line is not {expected[0]}: {window}")
        if names_a_country != expected:
            problems.append(f"{record.slug}: country lines {names_a_country}, expected {expected}")
    assert not problems, "\n".join(problems)
