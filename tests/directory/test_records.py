"""The curated organisation directory: every YAML record is valid and follows the conventions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from dsar.directory.schema import EMAIL_RE, SLUG_RE, parse_record, uk_postcode

RECORDS_DIR = Path(__file__).resolve().parents[2] / "dsar" / "directory" / "records"
RECORD_FILES = sorted(RECORDS_DIR.glob("*.yaml"))

STARTING_SLUGS = {
    "experian-gb",
    "equifax-gb",
    "transunion-gb",
    "acxiom-gb",
    "liveramp-gb",
    "gb-group-gb",
    "cifas-gb",
    "ico-gb",
}

# The credit reference agencies' own published notice: Credit Reference Agency Information
# Notice (CRAIN), Dec 2024.
CRA_ADDRESSES = {
    "experian-gb": ("Experian Ltd", ("PO Box 9000", "Nottingham", "NG80 7WP")),
    "equifax-gb": (
        "Equifax Ltd",
        ("Customer Service Centre", "PO Box 10036", "Leicester", "LE3 4FS"),
    ),
    "transunion-gb": (
        "TransUnion International UK Ltd",
        ("Consumer Services Team", "PO Box 647", "Unit 4", "Hull", "HU9 9QZ"),
    ),
}
# The ICO's published address (ico.org.uk, "Directions to our head office").
ICO_ADDRESS = (
    "Information Commissioner's Office",
    "Wycliffe House",
    "Water Lane",
    "Wilmslow",
    "Cheshire",
    "SK9 5AF",
)

URL_RE = re.compile(r"^https?://[^\s/]+\.[^\s/]+\S*$")
# A named source: a few words of text that say where the fact came from.
NAMED_SOURCE_RE = re.compile(r"[A-Za-z]{3,}.*\s.*[A-Za-z]{3,}")


def _load(path: Path):
    with path.open(encoding="utf-8") as fh:
        return parse_record(yaml.safe_load(fh))


@pytest.fixture(scope="module")
def records():
    return {path.stem: _load(path) for path in RECORD_FILES}


@pytest.mark.parametrize("path", RECORD_FILES, ids=[p.name for p in RECORD_FILES])
class TestEachRecord:
    def test_schema_valid(self, path):
        _load(path)

    def test_slug_matches_file_name(self, path):
        assert _load(path).slug == path.stem

    def test_slug_convention(self, path):
        record = _load(path)
        assert SLUG_RE.match(record.slug)
        assert record.slug.endswith(f"-{record.country}"), "slug must end with -<country>"

    def test_uk_address_has_postcode(self, path):
        record = _load(path)
        if record.country == "gb" and record.address:
            assert uk_postcode(record.address) is not None

    def test_uk_nation_only_for_gb(self, path):
        record = _load(path)
        if record.country != "gb":
            assert record.uk_nation == ""

    def test_email_syntax(self, path):
        record = _load(path)
        if record.email:
            assert EMAIL_RE.match(record.email)

    def test_has_sources(self, path):
        assert _load(path).sources

    def test_sources_are_urls_or_named(self, path):
        for source in _load(path).sources:
            if source.startswith(("http://", "https://")):
                assert URL_RE.match(source), source
            else:
                assert NAMED_SOURCE_RE.search(source), f"not a named source: {source!r}"

    def test_checked_and_quality(self, path):
        record = _load(path)
        assert record.last_checked is not None
        assert record.quality in ("verified", "unverified")

    def test_web_links_are_urls(self, path):
        record = _load(path)
        for url in (record.web, record.webform):
            if url:
                assert URL_RE.match(url), url


def test_enough_records():
    assert len(RECORD_FILES) >= 60


def test_slugs_unique(records):
    slugs = [record.slug for record in records.values()]
    assert len(slugs) == len(set(slugs))


def test_starting_slugs_present(records):
    assert STARTING_SLUGS <= set(records)


@pytest.mark.parametrize("slug", sorted(CRA_ADDRESSES))
def test_cra_addresses_match_legal(records, slug):
    name, address = CRA_ADDRESSES[slug]
    record = records[slug]
    assert record.name == name
    assert record.address == address
    assert record.country == "gb"
    assert "credit_reference_agency" in record.categories


def test_equifax_email_matches_legal(records):
    assert records["equifax-gb"].email == "UKDPO@equifax.com"


def test_transunion_alias_callcredit(records):
    assert "Callcredit" in records["transunion-gb"].aliases


def test_ico_is_the_supervisory_authority(records):
    ico = records["ico-gb"]
    assert ico.is_authority
    assert ico.address == ICO_ADDRESS
    assert ico.complaint_language == "en"
    assert {"supervisory_authority", "public_body"} <= set(ico.categories)


def test_only_the_ico_is_an_authority(records):
    authorities = {slug for slug, record in records.items() if record.is_authority}
    assert authorities == {"ico-gb"}


def test_schufa_is_german(records):
    schufa = records["schufa-de"]
    assert schufa.country == "de"
    assert schufa.request_language == "de"


def test_most_records_are_uk(records):
    uk = sum(1 for record in records.values() if record.country == "gb")
    assert uk > len(records) / 2
