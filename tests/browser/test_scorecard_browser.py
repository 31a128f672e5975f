"""The public scorecard in real headless Chromium: the charts (SVG images under the page's
strict Content-Security-Policy) load and draw, the table beside them holds the same figures
with the small ones withheld, and axe-core finds nothing in English or Welsh."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from dsar.campaigns import services
from dsar.campaigns.joining import join_campaign
from dsar.campaigns.models import CampaignLetter
from dsar.requests.models import Event
from dsar.teams import accounts
from tests.conftest import TODAY

pytestmark = pytest.mark.browser
SENT = date(2026, 9, 1)


def _published_campaign(live_app) -> str:
    """12 participants; their letters to Experian all sent by email and answered, 5 on time and
    7 late (the due date is 2026-10-01), each checked; 2 letters to Equifax sent, unanswered."""
    with live_app.app_context():
        session = live_app.extensions["dsar_sessions"]()
        team, _token = accounts.create_team(session, "Fair Data Campaign", "a@fair.example")
        campaign = services.create_campaign(session, team.id, services.CampaignSettings(
            title="Fair credit scores", right="access", org_slugs=("experian-gb", "equifax-gb")))
        for n in range(12):
            joined = join_campaign(session, campaign, {"name": f"Person {n}", "address": ["1 Road"]},
                                   share_named=False, today=TODAY, now=datetime.now(UTC).replace(tzinfo=None))
            experian = session.get(CampaignLetter, joined.participant.id * 2 - 1).request_id
            session.add(Event(request_id=experian, kind="sent", occurred_on=SENT, data={"channel": "email"}))
            day = SENT + timedelta(days=10 + 5 * n)
            session.add(Event(request_id=experian, kind="response_received", occurred_on=day, data={}))
            session.add(Event(request_id=experian, kind="reply_checked", occurred_on=day, data={
                "marks": {"confirmation": "answered", "copy": "answered" if n < 3 else "missing"}}))
            if n < 2:
                session.add(Event(request_id=experian + 1, kind="sent", occurred_on=SENT,
                                  data={"channel": "email"}))
        campaign.scorecard_published = True
        session.commit()
        slug = campaign.slug
        session.close()
    return slug


def test_public_scorecard(page, live_server, live_app, audit):
    slug = _published_campaign(live_app)
    page.goto(f"{live_server}/c/{slug}/scorecard")
    assert page.get_by_role("heading", level=1).inner_text() == "Scorecard: Fair credit scores"
    row = page.locator("#outcomes-table tbody tr").first
    assert row.locator("th").inner_text() == "Experian Ltd"
    assert row.locator("td").all_inner_texts() == ["12", "12", "5", "7", "0", "0", "0", "37.5"]
    equifax = page.locator("#outcomes-table tbody tr").nth(1).locator("td").all_inner_texts()
    assert set(equifax) == {"fewer than 5"}
    charts = page.locator("figure.chart img")
    assert charts.count() == 2
    for n in range(2):  # drawn: the data: URL was allowed and the SVG parsed
        assert charts.nth(n).evaluate("img => img.complete && img.naturalWidth") == 720
        assert charts.nth(n).get_attribute("alt")
    audit.check()
