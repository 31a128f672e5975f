"""The datenanfragen.de format both ways (pure mapping), then import and export through the CLI."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from dsar.directory.datenanfragen import AUTHORITIES, COMPANIES, MappingError, to_datenanfragen, to_record
from dsar.directory.schema import RecordError
from dsar.directory.services import curated_records

from .conftest import SHARED_AUTHORITIES, SHARED_BAD_EMAILS, SHARED_COMPANIES

BROKER = {
    "slug": "example-broker-gb",
    "relevant-countries": ["gb"],
    "categories": ["addresses", "ads", "church"],
    "name": "Example Broker Ltd.",
    "runs": ["ListCo", "AdGraph"],
    "address": "1 High Street\nLeeds\nLS1 1AA\nUnited Kingdom",
    "phone": "+44 113 000 0000",
    "fax": "+44 113 000 0001",
    "email": "privacy@example-broker.co.uk",
    "web": "https://www.example-broker.co.uk",
    "sources": ["https://www.example-broker.co.uk/privacy"],
    "required-elements": [
        {"desc": "Name", "type": "name"},
        {"desc": "Customer number", "type": "input", "optional": True},
        {"desc": "Geburtsdatum", "type": "birthdate"},
    ],
    "needs-id-document": True,
    "suggested-transport-medium": "fax",
    "comments": ["Replies slowly.", "Second comment."],
    "custom-access-template": "access-example.txt",
    "quality": "tested",
    "facet-group": "church",
}


def test_company_fields_map_to_ours():
    record = to_record(BROKER, COMPANIES)
    assert record.slug == "example-broker-gb"
    assert record.country == "gb"
    assert record.relevant_countries == ()  # just its own country
    assert record.address == ("1 High Street", "Leeds", "LS1 1AA")  # UK: no country line
    assert record.categories == ("data_broker", "marketing_lists", "adtech_identity_graph", "other")
    assert record.brands == ("ListCo", "AdGraph")
    assert record.quality == "imported"
    assert record.suggested_channel == "letter"  # we send no faxes; the number is kept
    assert record.fax == "+44 113 000 0001"
    assert [(i.field, i.optional, i.description) for i in record.identity] == [
        ("name", False, ""), ("other", True, "Customer number"), ("date_of_birth", False, "Geburtsdatum"),
        ("id_document", False, ""),
    ]
    assert record.notes == "Replies slowly.\n\nSecond comment."
    assert "datenanfragen.de company database, record example-broker-gb (CC0)" in record.sources
    assert record.last_checked is None


def test_all_countries_and_foreign_country_line():
    german = {"relevant-countries": ["all"], "address": "Hauptstr. 1\n10115 Berlin\nDeutschland"}
    record = to_record(BROKER | german, COMPANIES)
    assert record.country == "de"
    assert record.relevant_countries == ("all",)
    assert record.address[-1] == "Deutschland"  # abroad, letters need the country


def test_their_record_comes_back_unchanged():
    folder, back = to_datenanfragen(to_record(BROKER, COMPANIES))
    assert folder == COMPANIES
    assert back == BROKER
    assert list(back) == list(BROKER)  # key order too, for clean diffs upstream


def test_our_changes_win_on_export():
    record = to_record(BROKER, COMPANIES)
    changed = type(record)(**{**vars(record), "email": "dpo@example-broker.co.uk",
                              "sources": record.sources + ("https://www.example-broker.co.uk/contact",)})
    _folder, back = to_datenanfragen(changed)
    assert back["email"] == "dpo@example-broker.co.uk"
    assert back["sources"][-1] == "https://www.example-broker.co.uk/contact"
    assert back["quality"] == "tested" and back["custom-access-template"] == "access-example.txt"


COMMON_FIELDS = ("name", "country", "address", "email", "webform", "web", "phone", "fax", "brands",
                 "notes", "request_language", "complaint_language", "kind", "suggested_channel")


def _round_trip_problems(record) -> list[str]:
    """What is lost or changed when a curated record goes out in their format and comes back."""
    folder, theirs = to_datenanfragen(record)
    problems = []
    if folder != (AUTHORITIES if record.is_authority else COMPANIES):
        problems.append(f"exported to {folder}")
    problems += [f"{name} empty in the export" for name in ("slug", "name", "address", "sources",
                                                             "relevant-countries") if not theirs.get(name)]
    problems += [f"source {s!r} is not a web address" for s in theirs.get("sources", ())
                 if not s.startswith(("http://", "https://"))]
    back = to_record(json.loads(json.dumps(theirs)), folder)
    problems += [f"{name}: {getattr(record, name)!r} came back as {getattr(back, name)!r}"
                 for name in COMMON_FIELDS if getattr(back, name) != getattr(record, name)]
    # The import names the upstream record it came from; everything else is as it was.
    upstream = {f"datenanfragen.de company database, record {theirs['slug']} (CC0)"}
    if not set(record.sources) <= set(back.sources) or set(back.sources) - set(record.sources) - upstream:
        problems.append(f"sources {record.sources} came back as {back.sources}")
    # Upstream cannot say "only the US": such a record goes out as relevant to "all".
    expressible = record.relevant_countries or record.country in {"gb", "de", "ie", "fr", "lu", "nl", "it"}
    if expressible and back.relevant_countries != record.relevant_countries:
        problems.append(f"relevant countries {record.relevant_countries} came back as "
                        f"{back.relevant_countries}")
    return problems


def test_curated_common_fields_survive_both_ways():
    problems = [f"{record.slug}: {problem}" for record in curated_records()
                for problem in _round_trip_problems(record)]
    assert not problems, "\n".join(problems)


def test_curated_record_exports_under_the_upstream_slug_it_names():
    transunion = next(r for r in curated_records() if r.slug == "transunion-gb")
    assert to_datenanfragen(transunion)[1]["slug"] == "callcredit-gb"
    ico = next(r for r in curated_records() if r.slug == "ico-gb")
    folder, theirs = to_datenanfragen(ico)
    assert (folder, theirs["slug"]) == (AUTHORITIES, "gbico")
    assert "quality" not in theirs and "categories" not in theirs


def test_authority_maps_to_ours():
    data = {"slug": "xxdpa", "relevant-countries": ["fr"], "name": "Autorité X",
            "address": "3 Place de Fontenoy\n75007 Paris\nFrance", "webform": "https://x.example/plainte",
            "sources": ["https://x.example"], "complaint-language": "fr"}
    record = to_record(data, AUTHORITIES)
    assert record.is_authority and record.country == "fr"
    assert record.categories == ("supervisory_authority", "public_body")
    assert record.complaint_language == "fr" and record.suggested_channel == "webform"
    assert to_datenanfragen(record)[1] == data


@pytest.mark.parametrize("broken, error, reason", [
    ({"name": None}, MappingError, "required field(s) missing: name"),
    ({"sources": []}, MappingError, "required field(s) missing: sources"),
    ({"email": "not-an-address"}, RecordError, "email: not an email address"),
    ({"email": "a,b@example.org"}, RecordError, "email: use an address with only plain letters"),
    ({"address": "", "email": None}, MappingError, "required field(s) missing: address"),
])
def test_invalid_records_are_rejected(broken, error, reason):
    data = {k: v for k, v in (BROKER | broken).items() if v is not None}
    with pytest.raises(error, match=re.escape(reason)):
        to_record(data, COMPANIES)


# ---------------------------------------------------------------- import and export (CLI)

def test_import_the_shared_copy_twice(cli_runner, shared_dir):
    first = cli_runner("orgs", "import-datenanfragen", str(shared_dir))
    assert first.exit_code == 1  # the records with an unusable email, each reported
    assert f"read {SHARED_COMPANIES + SHARED_AUTHORITIES}," in first.stdout
    assert f"invalid {len(SHARED_BAD_EMAILS)}" in first.stdout
    assert [line.split(": ")[1] for line in first.stderr.splitlines()] == list(SHARED_BAD_EMAILS)
    counts = dict(part.strip().rsplit(" ", 1) for part in first.stdout.split("(")[0].split(","))
    assert (int(counts["imported new"]) + int(counts["kept curated"]) + len(SHARED_BAD_EMAILS)
            == SHARED_COMPANIES + SHARED_AUTHORITIES)
    assert int(counts["kept curated"]) > 40  # experian-gb, gbico → ico-gb, callcredit-gb → transunion-gb …
    second = cli_runner("orgs", "import-datenanfragen", str(shared_dir))
    assert second.exit_code == 1
    assert "imported new 0, updated 0," in second.stdout
    assert f"unchanged {counts['imported new']}," in second.stdout
    listing = cli_runner("orgs", "list").stdout.splitlines()
    assert len(listing) == len(set(listing)) == int(counts["imported new"]) + len(curated_records())
    assert "gbico\t" not in "\n".join(listing)  # the ICO once, as our curated record


def _small_copy(shared_dir, tmp_path):
    target = tmp_path / "dn"
    (target / "companies").mkdir(parents=True)
    (target / "supervisory-authorities").mkdir()
    for name in ("acxiom.json", "schufa.json", "1blu.json"):
        shutil.copy(shared_dir / "companies" / name, target / "companies" / name)
    shutil.copy(shared_dir / "supervisory-authorities" / "debfdi.json", target / "supervisory-authorities")
    return target


def test_a_broken_record_is_reported_and_the_rest_imported(cli_runner, shared_dir, tmp_path):
    target = _small_copy(shared_dir, tmp_path)
    (target / "companies" / "1blu.json").write_text('{"slug": "1blu", "name": ', encoding="utf-8")
    data = json.loads((target / "companies" / "acxiom.json").read_text(encoding="utf-8"))
    del data["name"]
    (target / "companies" / "acxiom.json").write_text(json.dumps(data), encoding="utf-8")
    result = cli_runner("orgs", "import-datenanfragen", str(target))
    assert result.exit_code == 1
    assert "companies/1blu.json: not valid JSON" in result.stderr
    assert "companies/acxiom.json: required field(s) missing: name" in result.stderr
    assert "read 4, imported new 1, updated 0, unchanged 0, kept curated 1, invalid 2" in result.stdout
    names = cli_runner("orgs", "list").stdout
    assert "debfdi\t" in names and "acxiom\t" not in names and "1blu\t" not in names


@pytest.mark.parametrize("email, reason", [
    ("jörg@example.org", "use an address with only plain letters, digits and . _ - + before the @"),
    ("a,b@example.org", "use an address with only plain letters, digits and . _ - + before the @"),
    (f"dpo@{'x' * 64}.example", "not an email address"),
])
def test_a_record_with_an_unusable_email_is_a_bad_row_with_its_line(cli_runner, tmp_path, email, reason):
    target = tmp_path / "dn"
    (target / "companies").mkdir(parents=True)
    good = {**BROKER, "slug": "good-co", "name": "Good Co"}
    bad = {**BROKER, "slug": "bad-co", "name": "Bad Co", "email": email}
    (target / "companies" / "good-co.json").write_text(json.dumps(good, indent=4), encoding="utf-8")
    (target / "companies" / "bad-co.json").write_text(json.dumps(bad, indent=4), encoding="utf-8")
    result = cli_runner("orgs", "import-datenanfragen", str(target))
    assert result.exit_code == 1
    line = json.dumps(bad, indent=4).splitlines().index(f'    "email": {json.dumps(email)},') + 1
    assert result.stderr == f"invalid: companies/bad-co.json: line {line}: email: {reason}\n"
    assert "imported new 1," in result.stdout and "invalid 1" in result.stdout
    listing = cli_runner("orgs", "list").stdout
    assert "good-co\t" in listing and "bad-co\t" not in listing


def test_missing_directory_is_one_line_and_exit_2(cli_runner, tmp_path):
    result = cli_runner("orgs", "import-datenanfragen", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert "nowhere" in result.stderr and result.stdout == ""


def test_directory_without_the_folders_is_exit_2(cli_runner, tmp_path):
    result = cli_runner("orgs", "import-datenanfragen", str(tmp_path))
    assert result.exit_code == 2
    assert "companies/" in result.stderr and result.stderr.count("\n") == 1


def test_prefer_import_replaces_curated_and_sticks(cli_runner, shared_dir, tmp_path):
    target = _small_copy(shared_dir, tmp_path)
    result = cli_runner("orgs", "import-datenanfragen", str(target), "--prefer-import")
    assert "kept curated 0" in result.stdout and result.exit_code == 0
    again = cli_runner("orgs", "import-datenanfragen", str(target), "--prefer-import")
    assert "imported new 0, updated 0, unchanged 4" in again.stdout
    listing = cli_runner("orgs", "list").stdout
    assert "schufa-de\tSCHUFA Holding AG" in listing  # their record, under our slug
    plain = cli_runner("orgs", "import-datenanfragen", str(target))
    assert "updated 0" in plain.stdout  # the operator's preference is not undone


def test_export_round_trip(cli_runner, shared_dir, tmp_path):
    target = _small_copy(shared_dir, tmp_path)
    cli_runner("orgs", "import-datenanfragen", str(target))
    out = tmp_path / "out"
    result = cli_runner("orgs", "export-datenanfragen", str(out))
    assert result.exit_code == 0, result.stderr
    for folder, name in (("companies", "acxiom.json"), ("supervisory-authorities", "debfdi.json"),
                         ("companies", "1blu.json")):
        exported, original = out / folder / name, target / folder / name
        assert json.loads(exported.read_text()) == json.loads(original.read_text())
    # Our own records go out under the upstream slug they stand for, so fixes can go upstream.
    assert json.loads((out / "companies" / "callcredit-gb.json").read_text())["name"] == (
        "TransUnion International UK Ltd")
    assert (out / "supervisory-authorities" / "gbico.json").exists()
    curated = tmp_path / "curated"
    cli_runner("orgs", "export-datenanfragen", str(curated), "--curated-only")
    files = [*(curated / "companies").glob("*.json"), *(curated / "supervisory-authorities").glob("*")]
    assert len(files) == len(curated_records())
    assert not (curated / "companies" / "1blu.json").exists()
    # And back: importing our export changes none of our records.
    again = cli_runner("orgs", "import-datenanfragen", str(curated))
    assert again.exit_code == 0 and f"kept curated {len(curated_records())}" in again.stdout


def test_export_to_a_file_is_exit_2(cli_runner, tmp_path):
    (tmp_path / "file").write_text("x")
    result = cli_runner("orgs", "export-datenanfragen", str(tmp_path / "file"))
    assert result.exit_code == 2 and "not a directory" in result.stderr
