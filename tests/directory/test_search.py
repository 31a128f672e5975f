"""Search: full text over names, aliases, brands and domains, prefixes, typos, ranking and
filters — through the CLI on the curated records and on the whole shared import."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from dsar.directory import ranking
from dsar.directory.models import Organisation
from dsar.directory.schema import OrgRecord
from dsar.directory.search import ScanSearchIndex
from dsar.directory.services import curated_records, save_record, search_organisations

EXPECTED_TOP = [
    ("schufa", "schufa-de"),
    ("Experain", "experian-gb"),  # a typo
    ("callcredit", "transunion-gb"),  # a former name
    ("acxiom", "acxiom-gb"),
    ("equi", "equifax-gb"),  # a prefix, as typed
    ("experian.co.uk", "experian-gb"),  # a web domain
    ("trans union", "transunion-gb"),
    ("equifx ltd", "equifax-gb"),
]


def _slugs(result) -> list[str]:
    assert result.exit_code == 0, result.stderr
    return [line.split("\t")[0] for line in result.stdout.splitlines()]


@pytest.mark.parametrize("query, slug", EXPECTED_TOP)
def test_cli_search_curated_only(cli_runner, query, slug):
    assert _slugs(cli_runner("orgs", "search", query))[0] == slug


@pytest.mark.parametrize("query, slug", EXPECTED_TOP)
def test_cli_search_with_the_shared_import(cli_runner, with_import, query, slug):
    slugs = _slugs(cli_runner("orgs", "search", query))
    assert slugs[0] == slug
    assert len(slugs) == len(set(slugs))


def test_uk_record_first_for_a_uk_user_and_others_follow(cli_runner, with_import):
    slugs = _slugs(cli_runner("orgs", "search", "experian"))
    assert slugs[0] == "experian-gb"
    assert "experian-de" in slugs  # the German one is still found


def test_output_is_slug_tab_name(cli_runner):
    assert cli_runner("orgs", "search", "schufa").stdout == "schufa-de\tSCHUFA Holding AG\n"


def test_filters(cli_runner, with_import):
    credit = _slugs(cli_runner("orgs", "search", "experian", "--category", "credit_reference_agency"))
    assert credit[0] == "experian-gb"
    german = _slugs(cli_runner("orgs", "search", "experian", "--country", "de"))
    assert german[0] == "experian-de" and "experian-gb" not in german
    assert _slugs(cli_runner("orgs", "search", "experian", "--country", "is")) == []
    bad = cli_runner("orgs", "search", "x", "--country", "germany")
    assert bad.exit_code == 2 and "two-letter" in bad.stderr


def test_authorities_only_when_asked(cli_runner):
    assert "ico-gb" not in _slugs(cli_runner("orgs", "search", "ICO"))
    assert _slugs(cli_runner("orgs", "search", "ICO", "--authorities"))[0] == "ico-gb"


def test_nothing_found_prints_nothing(cli_runner):
    assert _slugs(cli_runner("orgs", "search", "zzqxjw")) == []


def test_empty_query_lists_curated_companies_by_name(app, session):
    results = search_organisations(session, "", limit=25)
    names = [r.name for r in results]
    assert len(results) == 25
    assert names == sorted(names, key=str.lower)
    assert all(not r.is_authority for r in results)


def test_empty_query_puts_curated_before_imported(with_import):
    from dsar.db import make_engine, make_session_factory

    engine = make_engine(with_import)
    with make_session_factory(engine)() as session:
        results = search_organisations(session, "", limit=100)
        curated = {r.slug for r in curated_records() if not r.is_authority}
        assert {r.slug for r in results[: len(curated)]} == curated
        assert results[len(curated)].quality == "imported"
    engine.dispose()


# Query syntax (FTS5 operators, quotes, SQL, LIKE wildcards) is only ever text: each query
# below gives exactly this result from both indexes, without an error.
HOSTILE = [
    ('experian"', ["experian-gb"]),
    ("experian)", ["experian-gb"]),
    ("schufa*", ["schufa-de"]),
    ("NEAR(", []),
    ("'; DROP TABLE organisation; --", []),
    ("∂ø∆", []),
    ("a" * 500, []),
]
# Nothing but punctuation or blanks has no words: it is the empty query.
NO_WORDS = ['"', "*", "%", "_", "\\", "\x00", "   ", "()"]


@pytest.mark.parametrize("index", [search_organisations, ScanSearchIndex().search], ids=["fts5", "scan"])
def test_hostile_queries_are_just_text(app, session, index):
    organisations = session.scalar(select(func.count()).select_from(Organisation))
    for query, slugs in HOSTILE:
        results = index(session, query)
        assert all(isinstance(r, OrgRecord) for r in results), query
        assert [r.slug for r in results] == slugs, query
    listing = [r.slug for r in index(session, "")]
    assert listing[:3] == ["acxiom-gb", "amazon-europe-core-lu", "apple-distribution-ie"]
    for query in NO_WORDS:
        assert [r.slug for r in index(session, query)] == listing, repr(query)
    # "*" and "OR" are not operators: the words are searched as typed.
    assert index(session, "a* OR b") == index(session, "a or b")
    assert session.scalar(select(func.count()).select_from(Organisation)) == organisations


def test_index_follows_changes(app, session):
    record = next(r for r in curated_records() if r.slug == "acxiom-gb")
    renamed = type(record)(**{**vars(record), "aliases": ("Zebracorn Data",)})
    save_record(session, renamed, "corrected")  # keeps the index in step
    assert search_organisations(session, "zebracorn")[0].slug == "acxiom-gb"
    # The new word joined the vocabulary, so a typo in it is forgiven too.
    assert search_organisations(session, "zebrakorn")[0].slug == "acxiom-gb"


def test_scan_index_agrees_on_the_curated_records(app, session):
    """The portable fallback (any database) ranks the same way as FTS5 for the key queries."""
    scan = ScanSearchIndex()
    for query, slug in EXPECTED_TOP:
        assert scan.search(session, query)[0].slug == slug, query
    assert [r.slug for r in scan.search(session, "", limit=5)] == [
        r.slug for r in search_organisations(session, "", limit=5)]


def test_index_is_rebuilt_when_it_is_new(app, session):
    """A database migrated from before the index existed gets everything indexed on start."""
    count = session.scalar(text("SELECT count(*) FROM org_search"))
    assert count == len(session.scalars(select(Organisation)).all())


def test_ranking_tiers():
    assert ranking.match_tier(["experian"], ["Experian Ltd"]) == 4
    assert ranking.match_tier(["experian", "lt"], ["Experian Ltd"]) == 3
    assert ranking.match_tier(["ltd"], ["Experian Ltd"]) == 2
    assert ranking.match_tier(["uk"], ["Experian Ltd"]) == 1
    assert ranking.osa_distance("experain", "experian") == 1
    assert ranking.osa_distance("equifx", "equifax") == 1
    domains = ranking.domains("https://www.experian.co.uk/x", "dpo@equifax.com")
    assert domains == ["experian.co.uk", "equifax.com"]
