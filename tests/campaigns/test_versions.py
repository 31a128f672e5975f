"""Frozen versions: an edit to anything that shapes the letter makes a new version, other
edits do not, participants stay on the version they joined under, and a change in the
letter templates' text is noticed as a new version."""

from __future__ import annotations

from datetime import UTC, date, datetime

from dsar.campaigns import services, versions
from dsar.campaigns.joining import join_campaign
from tests.campaigns.conftest import PARAGRAPH, settings
from tests.conftest import TODAY

PERSON = {"name": "Siân Llŵyd", "address": ["12 Heol y Frenhines", "Cardiff", "CF10 1AA"]}
NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC).replace(tzinfo=None)


def _join(db_session, campaign, name: str):
    return join_campaign(db_session, campaign, {**PERSON, "name": name}, share_named=True,
                         today=TODAY, now=NOW).participant


def _who_is_where(db_session, campaign) -> list[tuple[int, list[str]]]:
    return [(v.number, [p.name for p in v.participants])
            for v in services.participants_by_version(db_session, campaign)]


def test_version_1_freezes_what_shapes_the_letter(campaign, db_session):
    version = services.current_version(db_session, campaign)
    assert version.number == 1
    snapshot = version.snapshot
    assert snapshot["right"] == "access"
    assert snapshot["organiser_paragraph"] == PARAGRAPH
    assert snapshot["targets"] == [
        {"slug": "experian-gb", "name": "Experian Ltd", "jurisdiction": "uk", "language": "en"},
        {"slug": "equifax-gb", "name": "Equifax Ltd", "jurisdiction": "uk", "language": "en"}]
    assert version.template_digest == snapshot["template_digest"]
    assert version.template_digest == versions.template_digest("access", ["en"])
    assert len(version.template_digest) == 64


def test_editing_the_paragraph_makes_version_2_and_says_who_got_which(campaign, db_session):
    _join(db_session, campaign, "Ann Early")
    _join(db_session, campaign, "Bob Early")
    edited = services.edit_campaign(db_session, campaign, settings(organiser_paragraph="New words."))
    assert (edited.version, edited.new_version, edited.changed) == (2, True, ("organiser_paragraph",))
    late = _join(db_session, campaign, "Cat Late")
    db_session.commit()
    assert late.version.number == 2
    assert _who_is_where(db_session, campaign) == [(1, ["Ann Early", "Bob Early"]), (2, ["Cat Late"])]
    assert services.current_version(db_session, campaign).snapshot["organiser_paragraph"] == "New words."


def test_editing_the_title_or_dates_keeps_the_version(campaign, db_session):
    edited = services.edit_campaign(db_session, campaign, settings(
        title="Fairer credit scores", description="Other words", ends_on=date(2027, 3, 31)))
    assert (edited.version, edited.new_version) == (1, False)
    assert campaign.title == "Fairer credit scores"


def test_a_new_target_or_language_is_a_new_version(campaign, db_session):
    edited = services.edit_campaign(db_session, campaign, settings(
        org_slugs=("experian-gb", "equifax-gb", "transunion-gb")))
    assert (edited.version, edited.changed) == (2, ("targets",))
    edited = services.edit_campaign(db_session, campaign, settings(
        org_slugs=("experian-gb", "equifax-gb", "transunion-gb"), language="cy"))
    assert edited.version == 3
    assert set(edited.changed) == {"language", "targets", "template_digest"}
    # Dropping a target keeps its row (older letters name it), inactive.
    services.edit_campaign(db_session, campaign, settings(org_slugs=("experian-gb",), language="cy"))
    assert [(t.org_slug, t.active) for t in campaign.targets] == [
        ("experian-gb", True), ("equifax-gb", False), ("transunion-gb", False)]


def test_a_changed_template_is_noticed_and_the_next_person_gets_a_new_version(
        campaign, db_session, tmp_path, monkeypatch):
    first = _join(db_session, campaign, "Ann Early")
    assert first.version.number == 1
    # The access kind's text as if someone had edited it since version 1 was made.
    edited_part = tmp_path / "part.j2"
    edited_part.write_text("{% do p(_('An edited sentence.')) %}\n")
    original = versions.template_files
    monkeypatch.setattr(versions, "template_files",
                        lambda right, languages: [*original(right, languages), edited_part])
    assert services.current_snapshot(db_session, campaign)["template_digest"] != first.version.template_digest
    second = _join(db_session, campaign, "Bob Late")
    assert second.version.number == 2
    assert campaign.version == 2
    assert _who_is_where(db_session, campaign) == [(1, ["Ann Early"]), (2, ["Bob Late"])]


def test_names_are_shown_only_for_those_who_opted_in(campaign, db_session):
    join_campaign(db_session, campaign, {**PERSON, "name": "Private Person"}, share_named=False,
                  today=TODAY, now=NOW)
    _join(db_session, campaign, "Open Person")
    rows = services.participants_by_version(db_session, campaign)[0].participants
    assert [(row.name, row.letters) for row in rows] == [(None, 2), ("Open Person", 2)]
