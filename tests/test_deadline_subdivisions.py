"""Regional holidays where the controller acts (Regulation 1182/71 Art 2(1)): a controller in
Bavaria or Baden-Württemberg has 6 January and Corpus Christi off; the rest of Germany works."""

from datetime import date

import pytest

from dsar.deadlines import (
    DeadlineError,
    calendar_location,
    compute_deadline,
    deemed_receipt,
    subdivisions_of,
)

D = date


@pytest.mark.parametrize(
    ("received", "location", "due"),
    [
        (D(2026, 5, 4), {"region": "de"}, D(2026, 6, 4)),  # Corpus Christi, Thu 4 Jun 2026
        (D(2026, 5, 4), {"region": "de-by"}, D(2026, 6, 5)),
        (D(2026, 5, 4), {"region": "DE-BW"}, D(2026, 6, 5)),
        (D(2026, 5, 4), {"region": "de", "subdivision": "by"}, D(2026, 6, 5)),
        (D(2026, 5, 4), {"region": "DE", "subdivision": "BY"}, D(2026, 6, 5)),
        (D(2026, 5, 4), {"region": "de-be"}, D(2026, 6, 4)),  # Berlin works that day
        (D(2025, 12, 6), {"region": "de"}, D(2026, 1, 6)),  # Epiphany, Tue 6 Jan 2026
        (D(2025, 12, 6), {"region": "de-by"}, D(2026, 1, 7)),
        (D(2025, 12, 6), {"region": "de-bw"}, D(2026, 1, 7)),
    ],
)
def test_regional_holidays_count_where_the_controller_acts(received, location, due):
    assert compute_deadline(received, jurisdiction="eu", **location).due == due


def test_regional_holiday_is_explained():
    steps = compute_deadline(D(2026, 5, 4), jurisdiction="eu", region="de-by").steps
    assert "Thu 4 Jun 2026 is Corpus Christi" in steps
    assert steps[-1] == "due Fri 5 Jun 2026"


def test_deemed_receipt_skips_regional_holidays():
    # Posted Wed 3 Jun 2026; Thu 4 Jun is Corpus Christi in Bavaria only.
    assert deemed_receipt(D(2026, 6, 3), jurisdiction="eu", region="de") == D(2026, 6, 5)
    assert deemed_receipt(D(2026, 6, 3), jurisdiction="eu", region="de-by") == D(2026, 6, 8)
    assert deemed_receipt(D(2026, 6, 3), jurisdiction="eu", region="de", subdivision="BY") == D(2026, 6, 8)


def test_uk_nations_accept_their_iso_codes():
    assert calendar_location("uk", "GB-SCT") == ("GB", "SCT")
    assert calendar_location("uk", "northern-ireland") == ("GB", "NIR")
    # 2 January is a Scottish bank holiday
    assert compute_deadline(D(2024, 12, 2), region="gb-sct").due == D(2025, 1, 3)


def test_subdivisions_are_iso_codes_only():
    assert "BY" in subdivisions_of("DE")
    assert "Augsburg" not in subdivisions_of("DE")  # a city in `holidays`, not an ISO code
    assert subdivisions_of("IE") == ()


@pytest.mark.parametrize(
    ("jurisdiction", "region", "subdivision", "mentions"),
    [
        ("eu", "de-xx", None, "DE-XX"),
        ("eu", "de", "xx", "DE-XX"),
        ("eu", "de-augsburg", None, "DE-AUGSBURG"),
        ("eu", "ie-d", None, "IE has none"),
        ("eu", "de-by", "by", "not both"),
        ("eu", "xx-by", None, "xx-by"),
        ("uk", "de-by", None, "UK region"),
        ("uk", "gb-by", None, "UK region"),
        ("uk", "scotland", "sct", "UK region"),
    ],
)
def test_unknown_subdivision_is_one_clear_error(jurisdiction, region, subdivision, mentions):
    with pytest.raises(DeadlineError) as caught:
        compute_deadline(D(2026, 5, 4), jurisdiction=jurisdiction, region=region,
                         subdivision=subdivision)
    message = str(caught.value)
    assert mentions in message
    assert "\n" not in message


# --- a directory record may carry its subdivision --------------------------------------------

_RECORD = {"slug": "example-de", "name": "Example GmbH", "country": "de", "quality": "unverified",
           "categories": ["other"], "email": "datenschutz@example.de"}


def test_record_subdivision_sets_its_holiday_region():
    from dsar.directory.schema import parse_record

    record = parse_record({**_RECORD, "subdivision": "de-by"})
    assert record.holiday_region == "de-by"
    assert record.to_dict()["subdivision"] == "de-by"
    assert parse_record(_RECORD).holiday_region == "de"
    assert "subdivision" not in parse_record(_RECORD).to_dict()


@pytest.mark.parametrize(
    ("value", "mentions"),
    [("DE-BY", "lower-case"), ("by", "lower-case"), ("at-9", "not in country"), ("de-xx", "DE-XX")],
)
def test_record_subdivision_is_validated(value, mentions):
    from dsar.directory.schema import RecordError, parse_record

    with pytest.raises(RecordError) as caught:
        parse_record({**_RECORD, "subdivision": value})
    assert mentions in str(caught.value)
