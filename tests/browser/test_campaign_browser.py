"""Joining a campaign in real headless Chromium, without JavaScript's help being needed: the
join page, its error summary, the letters page and the private tracking page it links to,
each checked by axe-core in English and Welsh."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from dsar.campaigns import services
from dsar.teams import accounts

pytestmark = pytest.mark.browser


def _campaign(live_app) -> str:
    with live_app.app_context():
        session = live_app.extensions["dsar_sessions"]()
        team, _token = accounts.create_team(session, "Fair Data Campaign", "a@fair.example")
        campaign = services.create_campaign(session, team.id, services.CampaignSettings(
            title="Fair credit scores", right="access", org_slugs=("experian-gb", "equifax-gb"),
            description="Ask the agencies for everything they hold about you.",
            organiser_paragraph="We are collecting what credit agencies hold, to show how scores are made."))
        session.commit()
        slug = campaign.slug
        session.close()
    return slug


def test_join_a_campaign(page, live_server, live_app, audit):
    slug = _campaign(live_app)
    page.goto(f"{live_server}/c/{slug}")
    assert page.get_by_role("heading", level=1).inner_text() == "Fair credit scores"
    audit.check()

    page.get_by_role("button", name="Join and get my letters").click()
    summary = page.locator(".error-summary")
    assert "Enter your full name" in summary.inner_text()
    assert "Tick the box to take part in the campaign" in summary.inner_text()
    audit.check()

    page.get_by_label("Full name").fill("Siân Llŵyd")
    page.get_by_label("Postal address").fill("12 Heol y Frenhines\nCardiff\nCF10 1AA")
    page.get_by_label("I want to take part").check()
    page.get_by_role("button", name="Join and get my letters").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your letters are ready"
    assert page.locator(".request-card").count() == 2
    audit.check()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF (to print and post) (Experian Ltd)").click()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(
        open(download.value.path(), "rb").read())).pages)
    assert "Siân Llŵyd" in text

    page.get_by_role("link", name="Open my private tracking page").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Your requests"
    assert page.get_by_role("link", name="Experian Ltd").count() == 1
    audit.check()
