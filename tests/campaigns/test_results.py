"""Pooled results: 12 participants' letters to Experian were sent (7 answered on time, two of
them refusals; 2 late; 3 never answered), 3 to Equifax. The figures are counted from the real
event logs, a figure from fewer than 5 people says "fewer than 5" (null in the open data), one
that would give such a figure away by subtraction says "withheld", Equifax (3 letters) shows
nothing, the charts are SVG with no script and nothing to fetch, the scorecard is public only
once published, and another team finds nothing."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from dsar.campaigns import charts, results
from dsar.campaigns.joining import join_campaign
from dsar.campaigns.models import CampaignLetter, CampaignLetterResult, CampaignTarget, Participant
from dsar.campaigns.open_data import csv_text, safe_cell
from dsar.campaigns.results import LetterFacts, pool
from dsar.campaigns.results_store import load_results
from dsar.requests.models import DataRequest, Event
from dsar.teams.models import AuditEvent
from tests.conftest import TODAY, csrf_token

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC).replace(tzinfo=None)
SENT = date(2026, 9, 1)  # by email: received the same day, due 2026-10-01
ON_TIME_DAYS = (10, 12, 14, 16, 18, 20, 22)  # the last two of these are refusals
LATE_DAYS = (44, 49)
NAMES = [f"Participant {n:02d}" for n in range(12)]


def _add(session, request_id: int, kind: str, day: date, data: dict | None = None) -> None:
    session.add(Event(request_id=request_id, kind=kind, occurred_on=day, data=data or {}))


def _letters(session, campaign, org_slug: str) -> list[int]:
    """The request ids of the campaign's letters to one organisation, in joining order."""
    return list(session.scalars(
        select(CampaignLetter.request_id).join(CampaignTarget).join(Participant)
        .where(Participant.campaign_id == campaign.id, CampaignTarget.org_slug == org_slug)
        .order_by(Participant.id)))


MARKS = {"confirmation": "answered", "c": "missing", "h": "not_applicable", "d": None}


@pytest.fixture
def pooled(campaign, db_session):
    """12 participants (every other one sharing their name with the organiser), their letters
    recorded as the tracking page records them."""
    for n, name in enumerate(NAMES):
        join_campaign(db_session, campaign, {"name": name, "address": ["1 Road", "Leeds"]},
                      share_named=n % 2 == 0, today=TODAY, now=NOW)
    experian = _letters(db_session, campaign, "experian-gb")
    for request_id in experian:
        _add(db_session, request_id, "sent", SENT, {"channel": "email"})
    replies = list(zip(experian, (*ON_TIME_DAYS, *LATE_DAYS), strict=False))
    for index, (request_id, days) in enumerate(replies):
        day = SENT + timedelta(days=days)
        if index in (5, 6):
            _add(db_session, request_id, "refused", day, {"reason": "exemption", "note": "Private words"})
            continue
        _add(db_session, request_id, "response_received", day, {"completeness": "partial"})
        copy = "partly" if index in (0, 1) else "answered"
        _add(db_session, request_id, "reply_checked", day, {"marks": {**MARKS, "copy": copy}})
    for request_id in experian[7:]:  # the 2 late and the 3 never answered
        _add(db_session, request_id, "complaint_to_regulator", date(2026, 11, 20))
    for request_id in experian[9:]:
        _add(db_session, request_id, "complaint_to_controller", date(2026, 11, 1), {"channel": "email"})
    for request_id in _letters(db_session, campaign, "equifax-gb")[:3]:  # 9 never sent
        _add(db_session, request_id, "sent", SENT, {"channel": "email"})
        _add(db_session, request_id, "response_received", SENT + timedelta(days=5))
    db_session.commit()
    return campaign


def test_the_figures_counted_and_withheld(pooled, db_session):
    found = load_results(db_session, pooled, TODAY)
    experian, equifax = found.lines
    assert experian.key == "experian-gb"
    assert experian.counts == {
        "sent": 12, "replies": 9, "on_time": 7, "late": 2, "no_reply": 3, "overdue": 3,
        "refused": 2, "refused:exemption": 2, "to_regulator": 5, "to_controller": 3,
        "item:confirmation:checked": 7, "item:confirmation:answered": 7,
        "item:copy:checked": 7, "item:copy:answered": 5, "item:copy:partly": 2,
        "item:c:checked": 7, "item:c:missing": 7}
    assert sorted(experian.days) == [10, 12, 14, 16, 18, 20, 22, 44, 49]
    assert experian.median_days == 18
    shown = {name: experian.value(name) for name in (
        "sent", "replies", "on_time", "late", "no_reply", "overdue", "waiting", "refused",
        "to_regulator", "to_controller", "item:copy:answered", "item:copy:partly", "item:c:answered")}
    assert shown == {"sent": 12, "replies": None, "on_time": 7, "late": None, "no_reply": None,
                     "overdue": None, "waiting": 0, "refused": None, "to_regulator": 5,
                     "to_controller": None, "item:copy:answered": None, "item:copy:partly": None,
                     "item:c:answered": 0}
    # 3 no reply is "fewer than 5"; 9 replies would give it away (12 - 9): withheld.
    assert (experian.mark("no_reply"), experian.mark("replies")) == ("fewer_than_5", "withheld")
    assert experian.share("item:confirmation:answered", "item:confirmation:checked") == 100.0
    assert experian.share("item:c:answered", "item:c:checked") == 0.0
    assert experian.share("item:copy:answered", "item:copy:checked") is None
    assert found.items == ["confirmation", "copy", "c"]  # not_applicable and unmarked: left out
    assert equifax.counts["sent"] == 3 and equifax.withheld_whole
    assert (equifax.value("sent"), equifax.median_days, equifax.mark("on_time")) == (
        None, None, "fewer_than_5")
    assert found.left_out == 1 and found.overall.value("sent") == 12  # Equifax left out of the sum
    assert db_session.scalar(select(CampaignLetterResult.facts).where(
        CampaignLetterResult.letter_id == 1))["sent"] is True


def test_a_new_event_is_counted_at_once(pooled, db_session):
    assert load_results(db_session, pooled, TODAY).lines[0].value("on_time") == 7
    late_one = _letters(db_session, pooled, "experian-gb")[11]
    _add(db_session, late_one, "response_received", date(2026, 11, 25))
    db_session.commit()
    again = load_results(db_session, pooled, TODAY).lines[0]
    assert (again.counts["replies"], again.counts["late"], again.counts["overdue"]) == (10, 3, 2)


def test_a_column_cannot_give_away_a_small_organisation():
    """Two organisations of 6 letters: one of them has 2 late replies. The line for all of them
    would give those 2 away (all − the other), so it withholds its "late" too."""
    def letters(late: int) -> list[LetterFacts]:
        due = date(2026, 10, 1)
        return [LetterFacts(sent=True, receipt=SENT, due=due,
                            answered_on=due + timedelta(days=5) if n < late else SENT)
                for n in range(6)]

    found = pool({"a": letters(2), "b": letters(0)}, TODAY)
    a, b = found.lines
    assert (a.value("late"), b.value("late"), found.overall.mark("late")) == (None, 0, "fewer_than_5")
    assert (a.value("on_time"), b.value("on_time")) == (None, 6)  # 6 − 4 would give away the 2
    assert found.overall.value("on_time") is None and found.overall.value("sent") == 12


def test_the_results_page_table_and_chart(pooled, world, db_session):
    page = world.reader.get(f"/t/{world.team.slug}/campaigns/{pooled.slug}/results")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    row = re.search(r'<tr><th scope="row">Experian Ltd</th>(.*?)</tr>', html, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
    assert cells == ["12", "withheld", "7", "fewer than 5", "fewer than 5", "fewer than 5", "0", "18"]
    equifax = re.search(r'<tr><th scope="row">Equifax Ltd</th>(.*?)</tr>', html, re.S).group(1)
    assert equifax.count("fewer than 5") == 8
    assert "1 organisation is left out of that line." in html
    images = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"', html)
    assert len(images) == 2 and all(alt for _data, alt in images)
    svg = base64.b64decode(images[0][0]).decode()
    assert svg.startswith("<svg ") and 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert "<title>What became of the letters</title>" in svg
    assert "<script" not in svg and "Equifax" not in svg
    assert re.findall(r"https?://[^\"' ]+", svg) == ["http://www.w3.org/2000/svg"]  # a name, not fetched
    for name in NAMES:
        assert name not in html
    assert "Publish the scorecard" not in html  # a read-only member cannot


def test_scorecard_is_public_only_once_published(pooled, world, db_session, client):
    for path in ("scorecard", "scorecard.csv", "scorecard.json"):
        assert client.get(f"/c/{pooled.slug}/{path}").status_code == 404
    base = f"/t/{world.team.slug}/campaigns/{pooled.slug}/results"
    assert world.worker.post(f"{base}/publish", data={"publish": "yes"}).status_code in (400, 403)
    response = _publish(world.admin, base, "yes")
    assert response.status_code == 302
    last_audit = db_session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc()))
    assert last_audit == "scorecard_published"
    html = client.get(f"/c/{pooled.slug}/scorecard").get_data(as_text=True)
    assert "Scorecard: Fair credit scores" in html and "fewer than 5" in html
    assert f'href="/c/{pooled.slug}/scorecard.csv"' in html
    assert "See the campaign" in client.get(f"/c/{pooled.slug}").get_data(as_text=True)

    data = json.loads(client.get(f"/c/{pooled.slug}/scorecard.json").get_data(as_text=True))
    experian, equifax = data["organisations"]
    assert experian["figures"]["letters_sent"] == 12 and experian["figures"]["replied_on_time"] == 7
    assert experian["figures"]["replies"] is None and experian["figures"]["no_reply"] is None
    assert experian["withheld"]["no_reply"] == "fewer than 5 people"
    assert experian["withheld"]["replies"].startswith("withheld so that")
    assert experian["figures"]["median_days_to_reply"] == 18
    assert experian["figures"]["checklist_confirmation_share_answered_percent"] == 100.0
    assert experian["figures"]["complaints_to_regulator"] == 5
    assert set(equifax["figures"].values()) == {None}
    assert data["all_organisations"]["organisations_left_out"] == 1

    text = client.get(f"/c/{pooled.slug}/scorecard.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    sent = [r for r in rows if r["figure"] == "letters_sent"]
    assert [(r["organisation"], r["value"], r["note"]) for r in sent] == [
        ("experian-gb", "12", ""), ("equifax-gb", "", "fewer than 5 people"), ("", "12", "")]
    everything = json.dumps(data) + html
    for name in NAMES:
        assert name not in everything
    assert "Private words" not in everything

    assert _publish(world.admin, base, "no").status_code == 302
    assert client.get(f"/c/{pooled.slug}/scorecard").status_code == 404


def _publish(admin, base: str, choice: str):
    page = admin.get(base).get_data(as_text=True)
    return admin.post(f"{base}/publish", data={"csrf_token": csrf_token(page), "publish": choice})


def test_another_team_finds_nothing(pooled, make_team, join, db_session):
    _team, token = make_team(name="Other Team", admin_email="other@example.org", slug="other")
    other = join(token, name="Otto Other")
    assert other.get(f"/t/other/campaigns/{pooled.slug}/results").status_code == 404
    assert other.post(f"/t/other/campaigns/{pooled.slug}/results/publish",
                      data={"publish": "yes"}).status_code in (400, 404)


def test_open_data_cannot_start_a_formula():
    assert [safe_cell(v) for v in ("=HYPERLINK(1)", "+1", "-2", "@x", "Fair", 12, None)] == [
        "'=HYPERLINK(1)", "'+1", "'-2", "'@x", "Fair", "12", ""]
    data = {"campaign": {"title": "=cmd|' /C calc'!A0", "slug": "x"}, "as_of": "2026-11-26",
            "organisations": [], "all_organisations": {"figures": {"letters_sent": 5}, "withheld": {}}}
    assert "'=cmd" in csv_text(data)


def test_svg_cleaning_takes_out_the_script():
    found = pool({"a": [LetterFacts(sent=True, receipt=SENT, due=SENT, answered_on=SENT)] * 5}, TODAY)
    svg = charts.outcomes_chart(found, {"a": "Acme"}, {o: o for o in results.OUTCOMES}, "T", "D")
    assert "<script" not in svg and "<!--" not in svg and "<title>T</title><desc>D</desc>" in svg
    assert nothing_to_fetch(svg)


def nothing_to_fetch(svg: str) -> bool:
    """Nothing to fetch: no URL but the SVG namespace's name."""
    return re.findall(r"(?:https?:)?//[^\"' <]+", svg) == ["http://www.w3.org/2000/svg"]


def test_letter_facts_from_a_request(pooled, db_session):
    from dsar.requests.services import case_state

    request = db_session.get(DataRequest, _letters(db_session, pooled, "experian-gb")[5])
    facts = results.letter_facts(case_state(request, TODAY))
    assert facts == LetterFacts(sent=True, receipt=SENT, due=date(2026, 10, 1),
                                answered_on=date(2026, 9, 21), refused=True, refusal_reason="exemption")
    assert LetterFacts.from_json(facts.to_json()) == facts
