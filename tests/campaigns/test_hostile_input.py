"""Hostile input on the campaign forms (the fuzzer's corpus, tests/security/fuzzing.py):
never a server error, never the marker unescaped, and nothing stored from a refused form."""

from __future__ import annotations

from sqlalchemy import func, select

from dsar.campaigns.models import Campaign, Participant
from tests.campaigns.conftest import PERSON_FORM, join_page
from tests.campaigns.test_admin import FORM
from tests.casework.conftest import post_form
from tests.security.fuzzing import HOSTILE, MARKER


def test_join_form_survives_hostile_values(client, campaign, db_session):
    answers = set()
    for i, value in enumerate(HOSTILE):
        for name in ("name", "address", "email", "consent", "share_named"):
            # Each from its own address, under the join page's rate limit.
            client.environ_base["REMOTE_ADDR"] = f"10.0.{i}.{len(name)}"
            response = join_page(client, campaign.slug, {**PERSON_FORM, name: value})
            answers.add(response.status_code)
            assert response.status_code in (302, 400), (name, value, response.status_code)
            assert MARKER not in response.get_data(as_text=True)
    assert answers == {302, 400}
    # Only the joins whose every field was acceptable were stored, each with two letters.
    joined = db_session.scalar(select(func.count()).select_from(Participant))
    assert 0 < joined < len(HOSTILE) * 5


def test_campaign_form_survives_hostile_values(world, db_session):
    url = f"/t/{world.team.slug}/campaigns/new"
    for value in dict.fromkeys([*HOSTILE[::3], MARKER]):
        for name in ("title", "description", "organiser_paragraph", "right", "jurisdiction",
                     "language", "starts_on", "ends_on", "orgs"):
            response = post_form(world.admin, url, {**FORM, name: value})
            assert response.status_code in (302, 400), (name, value, response.status_code)
            assert MARKER not in response.get_data(as_text=True)
    # A title may be any text; it is shown escaped, in the team's pages and on the join page.
    slug = db_session.scalar(select(Campaign.slug).where(Campaign.title == MARKER))
    for page in (world.admin.get(f"/t/{world.team.slug}/campaigns"),
                 world.admin.get(f"/t/{world.team.slug}/campaigns/{slug}"), world.admin.get(f"/c/{slug}")):
        assert page.status_code == 200
        assert MARKER not in page.get_data(as_text=True)
