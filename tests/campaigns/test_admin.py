"""The team's campaign pages: admins create and edit, caseworkers and read-only members
look, and another team's admin finds nothing (404) of this team's campaigns."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from dsar.campaigns.models import Campaign
from dsar.teams.models import AuditEvent
from tests.campaigns.conftest import PARAGRAPH, join_page
from tests.casework.conftest import post_form

FORM = {"title": "Fair credit scores", "description": "Ask the agencies.",
        "orgs": ["experian-gb", "equifax-gb"], "right": "access", "jurisdiction": "", "language": "",
        "organiser_paragraph": PARAGRAPH,
        "starts_on": "", "ends_on": "2027-03-31", "action": "save"}


def test_admin_creates_a_campaign_on_the_web(world, db_session):
    base = f"/t/{world.team.slug}/campaigns"
    response = post_form(world.admin, f"{base}/new", FORM)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    campaign = db_session.scalar(select(Campaign))
    assert response.headers["Location"] == f"{base}/{campaign.slug}"
    assert (campaign.title, campaign.version, campaign.ends_on.isoformat()) == (
        "Fair credit scores", 1, "2027-03-31")
    assert [t.org_slug for t in campaign.targets] == ["experian-gb", "equifax-gb"]
    page = world.admin.get(f"{base}/{campaign.slug}").get_data(as_text=True)
    assert f'<a href="http://127.0.0.1:5000/c/{campaign.slug}">' in page
    assert "Open: people can join" in page
    listing = world.reader.get(base).get_data(as_text=True)
    assert "Fair credit scores" in listing
    assert db_session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())) == "campaign_created"


def test_bad_settings_are_shown_with_what_was_typed(world, db_session):
    response = post_form(world.admin, f"/t/{world.team.slug}/campaigns/new",
                         {**FORM, "title": "", "orgs": [], "ends_on": "31/03/2027"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Give the campaign a title" in text
    assert "Choose at least one organisation to write to" in text
    assert "Enter a date like 2027-01-31, or leave it empty" in text
    assert PARAGRAPH in text
    assert db_session.scalar(select(Campaign)) is None


def test_editing_the_paragraph_on_the_web_makes_version_2(world, campaign, db_session, client):
    join_page(client, campaign.slug)
    base = f"/t/{world.team.slug}/campaigns/{campaign.slug}"
    response = post_form(world.admin, f"{base}/edit", {
        **FORM, "organiser_paragraph": "Now also about scores.", "status": "open"})
    assert response.status_code == 302
    page = world.admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "people who join from now on are on version 2" in page
    versions = re.findall(r'id="version-(\d)">Version \d</h3>.*?People who joined</dt><dd>(\d+)</dd>',
                          page, re.S)
    assert versions == [("2", "0"), ("1", "1")]


@pytest.mark.parametrize("member", ["worker", "reader"])
def test_caseworkers_and_readers_view_but_do_not_change(world, campaign, member):
    client = getattr(world, member)
    base = f"/t/{world.team.slug}/campaigns"
    assert client.get(base).status_code == 200
    assert client.get(f"{base}/{campaign.slug}").status_code == 200
    assert client.get(f"{base}/new").status_code == 403
    assert client.get(f"{base}/{campaign.slug}/edit").status_code == 403
    assert client.post(f"{base}/{campaign.slug}/edit", data=FORM).status_code in (400, 403)


def test_another_teams_admin_gets_404(world, campaign, make_team, join):
    _team_b, token = make_team("Team B", "b-admin@b.example", slug="team-b")
    b_admin = join(token)
    for path in ("", f"/{campaign.slug}", f"/{campaign.slug}/edit"):
        assert b_admin.get(f"/t/{world.team.slug}/campaigns{path}").status_code == 404
        if path:  # through B's own area, A's campaign is not found either
            assert b_admin.get(f"/t/team-b/campaigns{path}").status_code == 404
    assert "Fair credit scores" not in b_admin.get("/t/team-b/campaigns").get_data(as_text=True)
