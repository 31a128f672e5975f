"""pick_authority: the ICO for UK cases, the residence country's authority for EU cases."""

from __future__ import annotations

import pytest

from dsar.db import make_engine, make_session_factory
from dsar.directory.authorities import NoAuthority, authorities_in, pick_authority


@pytest.fixture
def imported_session(with_import):
    engine = make_engine(with_import)
    with make_session_factory(engine)() as session:
        yield session
    engine.dispose()


def test_uk_goes_to_the_ico(app, session):
    ico = pick_authority(session, jurisdiction="uk", residence_country="gb")
    assert ico.slug == "ico-gb" and ico.is_authority
    assert ico.address[-1] == "SK9 5AF"


def test_eu_without_the_import_is_a_lookup_error(app, session):
    with pytest.raises(LookupError, match="no supervisory authority known for fr"):
        pick_authority(session, jurisdiction="eu", residence_country="fr")


def test_unknown_jurisdiction(app, session):
    with pytest.raises(ValueError, match="jurisdiction"):
        pick_authority(session, jurisdiction="us", residence_country="us")


def test_eu_residence_country(imported_session):
    cnil = pick_authority(imported_session, jurisdiction="eu", residence_country="fr")
    assert cnil.slug == "frcnil"
    assert cnil.kind == "supervisory_authority" and cnil.complaint_language == "fr"
    assert (cnil.webform, cnil.email) == ("https://www.cnil.fr/fr/plaintes", "")
    assert pick_authority(imported_session, jurisdiction="eu", residence_country="GR").slug == "grdpa"
    assert pick_authority(imported_session, jurisdiction="eu", residence_country="el").slug == "grdpa"


def test_germany_picks_the_federal_commissioner(imported_session):
    assert len(authorities_in(imported_session, "de")) > 10
    bfdi = pick_authority(imported_session, jurisdiction="eu", residence_country="de")
    assert bfdi.slug == "debfdi" and bfdi.email == "poststelle@bfdi.bund.de"


def test_override(imported_session):
    def pick(slug):
        return pick_authority(imported_session, jurisdiction="eu", residence_country="de", override_slug=slug)

    assert pick("debaylda").slug == "debaylda"
    with pytest.raises(NoAuthority):
        pick("experian-gb")  # a company is no regulator
    with pytest.raises(NoAuthority):
        pick("nope")


def test_uk_resident_with_an_eu_case_goes_to_the_organisations_country(imported_session):
    chosen = pick_authority(imported_session, jurisdiction="eu", residence_country="gb", org_country="ie")
    assert chosen.slug == "iedpc"


def test_every_eu_eea_country_has_an_authority(imported_session):
    from dsar.deadlines import EU_COUNTRIES

    for country in EU_COUNTRIES:
        record = pick_authority(imported_session, jurisdiction="eu", residence_country=country)
        assert record.country == country and (record.email or record.webform) and record.address
