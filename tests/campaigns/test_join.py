"""Joining a campaign on its public page, without an account: one workspace (one private
tracking link) with a request and its due date per target, the consent recorded with its
wording's version, and each letter downloadable as a PDF naming the person."""

from __future__ import annotations

import io
import re
from datetime import date

from pypdf import PdfReader
from sqlalchemy import select

from dsar.campaigns import services
from dsar.campaigns.joining import CONSENT_VERSION
from dsar.campaigns.models import CampaignLetter, Participant
from dsar.requests.models import DataRequest, Event, Workspace
from dsar.requests.services import create_workspace
from tests.campaigns.conftest import PARAGRAPH, PERSON_FORM, join_page, settings
from tests.conftest import csrf_token


def _letters_page(client, response) -> tuple[str, str]:
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    location = response.headers["Location"]
    token = re.fullmatch(r"/w/([\w-]+)/campaign", location).group(1)
    return client.get(location).get_data(as_text=True), token


def test_join_page_says_what_is_asked_who_runs_it_and_what_is_shared(client, campaign):
    page = client.get(f"/c/{campaign.slug}").get_data(as_text=True)
    assert "Fair credit scores" in page
    assert "A campaign run by Leeds Debt Advice." in page
    assert "Experian Ltd" in page and "Equifax Ltd" in page
    assert PARAGRAPH in page
    assert "It does not see your name, your address or your letters." in page
    assert 'name="consent"' in page and 'name="share_named"' in page


def test_two_targets_give_two_requests_with_due_dates_in_one_workspace(client, campaign, db_session):
    page, token = _letters_page(client, join_page(client, campaign.slug, share_named="yes"))
    # 26 November 2026 is a Thursday. Experian: by post (the directory's suggestion), deemed
    # received on Monday 30 November, due 30 December. Equifax: by email, received that day,
    # due 26 December, a Saturday; 28 December is the Boxing Day holiday, so the 29th.
    assert re.findall(r'class="due-date">([^<]+)<', page) == [
        "30 December 2026 if you post it today", "29 December 2026 if you send it today"]
    assert "/w/" + token in page

    participant = db_session.scalar(select(Participant))
    assert (participant.consent_version, participant.share_named) == (CONSENT_VERSION, True)
    assert participant.consented_at is not None
    assert participant.version.number == 1
    workspace = db_session.get(Workspace, participant.workspace_id)
    assert workspace.kind == "campaign"
    requests = db_session.scalars(select(DataRequest).where(
        DataRequest.workspace_id == workspace.id).order_by(DataRequest.id)).all()
    assert [(r.org_slug, r.right, r.jurisdiction, r.language) for r in requests] == [
        ("experian-gb", "access", "uk", "en"), ("equifax-gb", "access", "uk", "en")]
    assert [r.person["name"] for r in requests] == ["Siân Llŵyd", "Siân Llŵyd"]
    events = db_session.scalars(select(Event.kind).where(
        Event.request_id.in_([r.id for r in requests]))).all()
    assert events == ["created", "created"]
    pairs = db_session.execute(select(CampaignLetter.participant_id, CampaignLetter.request_id)).all()
    assert sorted(pairs) == sorted((participant.id, r.id) for r in requests)


def test_the_tracking_link_opens_the_workspace_and_the_pdfs_name_the_person(client, campaign, db_session):
    page, token = _letters_page(client, join_page(client, campaign.slug))
    workspace_page = client.get(f"/w/{token}")
    assert workspace_page.status_code == 200
    text = workspace_page.get_data(as_text=True)
    assert "Experian Ltd" in text and "Equifax Ltd" in text
    pdf_links = re.findall(r'href="(/w/[\w-]+/r/[\w-]+/letter\.pdf)"', page)
    assert len(pdf_links) == 2
    for link in pdf_links:
        response = client.get(link)
        assert response.mimetype == "application/pdf"
        pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
        assert "Siân Llŵyd" in pdf_text
        assert "Article 15" in pdf_text
    eml_links = re.findall(r'href="(/w/[\w-]+/r/[\w-]+/letter\.eml)"', page)
    assert len(eml_links) == 2  # both agencies publish a privacy email address
    assert client.get(eml_links[0]).mimetype == "message/rfc822"
    assert page.count('href="mailto:') == 2


def test_consent_is_required_and_what_was_typed_is_kept(client, campaign, db_session):
    response = join_page(client, campaign.slug, consent="")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Tick the box to take part in the campaign" in text
    assert "12 Heol y Frenhines" in text
    assert db_session.scalar(select(Participant)) is None


def test_details_are_checked_as_in_the_wizard(client, campaign, db_session):
    response = join_page(client, campaign.slug, {"name": "", "address": "", "email": "not-an-address"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Enter your full name" in text
    assert "Enter your postal address" in text
    assert "Enter an email address in the correct format, like name@example.com" in text
    assert db_session.scalar(select(Participant)) is None


def test_letters_page_is_only_for_a_participants_workspace(client, campaign, db_session):
    _workspace, citizens_token = create_workspace(db_session)  # a citizen's, of no campaign
    db_session.commit()
    assert client.get(f"/w/{citizens_token}").status_code == 200
    assert client.get(f"/w/{citizens_token}/campaign").status_code == 404
    assert client.get("/w/not-a-token/campaign").status_code == 404
    assert client.get("/c/no-such-campaign").status_code == 404


def test_closed_campaign_refuses_joining_with_a_message(client, campaign, db_session):
    page = client.get(f"/c/{campaign.slug}")  # the form, shown while the campaign was open
    services.edit_campaign(db_session, campaign, settings(), status="closed")
    db_session.commit()
    response = client.post(f"/c/{campaign.slug}", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), **PERSON_FORM, "consent": "yes"})
    assert response.status_code == 409
    assert "Closed: nobody can join any more" in response.get_data(as_text=True)
    assert db_session.scalar(select(Participant)) is None
    shown = client.get(f"/c/{campaign.slug}").get_data(as_text=True)
    assert "Closed: nobody can join any more" in shown
    assert 'name="consent"' not in shown


def test_campaign_not_yet_started_or_ended_says_so(client, campaign, db_session):
    services.edit_campaign(db_session, campaign, settings(starts_on=date(2027, 1, 4)))
    db_session.commit()
    assert "Not started: people can join from 4 January 2027" in client.get(
        f"/c/{campaign.slug}").get_data(as_text=True)
    services.edit_campaign(db_session, campaign, settings(ends_on=date(2026, 11, 25)))
    db_session.commit()
    assert "Ended on 25 November 2026: nobody can join any more" in client.get(
        f"/c/{campaign.slug}").get_data(as_text=True)


def test_joining_needs_the_forms_csrf_token(client, campaign, db_session):
    response = client.post(f"/c/{campaign.slug}", data={**PERSON_FORM, "consent": "yes"})
    assert response.status_code == 400
    assert db_session.scalar(select(Participant)) is None
