"""The curated organisation directory: every YAML record is valid and follows the conventions."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import yaml

from dsar.directory.schema import EMAIL_RE, SLUG_RE, RecordError, parse_record, uk_postcode

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
# The ICO's published address (ico.org.uk, "Directions to our head office"), below its name.
ICO_ADDRESS = (
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


def _parsed() -> dict[str, object]:
    """Every record file that parses, by file name (test_every_record_is_valid names the rest)."""
    parsed = {}
    for path in RECORD_FILES:
        try:
            parsed[path.name] = _load(path)
        except (RecordError, yaml.YAMLError):
            continue
    return parsed


def _assert_every_record(check) -> None:
    """Run ``check(record)`` (a list of problems) on every record and name every bad file at once."""
    failures = [f"{name}: {problem}" for name, record in _parsed().items() for problem in check(record)]
    assert not failures, f"{len(failures)} problem(s):\n" + "\n".join(failures)


@pytest.fixture(scope="module")
def records():
    return {name.removesuffix(".yaml"): record for name, record in _parsed().items()}


def test_every_record_is_valid():
    failures = []
    for path in RECORD_FILES:
        try:
            _load(path)
        except (RecordError, yaml.YAMLError) as error:
            failures.append(f"{path.name}: {error}")
    assert not failures, "\n".join(failures)


def test_slug_matches_file_name():
    failures = [f"{name}: slug {record.slug!r}" for name, record in _parsed().items()
                if name != f"{record.slug}.yaml"]
    assert not failures, "\n".join(failures)


def test_slug_convention():
    def check(record):
        if not SLUG_RE.match(record.slug):
            yield f"slug {record.slug!r} is not lower-case words joined by hyphens"
        if not record.slug.endswith(f"-{record.country}"):
            yield f"slug {record.slug!r} does not end with -{record.country}"

    _assert_every_record(lambda r: list(check(r)))


def test_uk_addresses_have_a_postcode():
    _assert_every_record(lambda r: [f"no UK postcode in {r.address}"]
                         if r.country == "gb" and r.address and uk_postcode(r.address) is None else [])


def _folded(line: str) -> str:
    """Case, accents and punctuation ignored (independent of the renderers' own fold)."""
    return "".join(c for c in unicodedata.normalize("NFKD", line).casefold() if c.isalnum())


def test_address_does_not_repeat_the_name():
    # Letters print the name above the address: a first line repeating it shows twice in
    # the envelope window.
    _assert_every_record(lambda r: [f"first address line repeats the name: {r.address[0]!r}"]
                         if r.address and _folded(r.address[0]) == _folded(r.name) else [])


def test_uk_nation_only_for_gb():
    _assert_every_record(lambda r: [f"uk_nation {r.uk_nation!r} outside gb"]
                         if r.country != "gb" and r.uk_nation else [])


def test_email_syntax():
    _assert_every_record(lambda r: [f"email {r.email!r}"] if r.email and not EMAIL_RE.match(r.email) else [])


def test_sources_are_given_as_urls_or_named():
    def check(record):
        if not record.sources:
            yield "no sources"
        for source in record.sources:
            if source.startswith(("http://", "https://")):
                if not URL_RE.match(source):
                    yield f"not a web address: {source!r}"
            elif not NAMED_SOURCE_RE.search(source):
                yield f"not a named source: {source!r}"

    _assert_every_record(lambda r: list(check(r)))


def test_checked_and_quality():
    def check(record):
        if record.last_checked is None:
            yield "no last_checked date"
        if record.quality not in ("verified", "unverified"):
            yield f"quality {record.quality!r}"

    _assert_every_record(lambda r: list(check(r)))


def test_web_links_are_urls():
    _assert_every_record(lambda r: [f"not a web address: {url!r}" for url in (r.web, r.webform)
                                    if url and not URL_RE.match(url)])


def test_enough_records():
    assert len(RECORD_FILES) >= 60


def test_slugs_unique(records):
    slugs = [record.slug for record in records.values()]
    assert len(slugs) == len(set(slugs))


def test_starting_slugs_present(records):
    assert STARTING_SLUGS <= set(records)


@pytest.mark.parametrize("slug", sorted(CRA_ADDRESSES))
def test_cra_addresses_match_their_notice(records, slug):
    name, address = CRA_ADDRESSES[slug]
    record = records[slug]
    assert record.name == name
    assert record.address == address
    assert record.country == "gb"
    assert "credit_reference_agency" in record.categories


def test_equifax_email_matches_its_notice(records):
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
