"""Joining a campaign: one private workspace (one tracking link), one ordinary request with
its ``created`` event per target, written by the shared letter-request service under the
campaign's current version, and the consent record. Plain values in; no Flask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.campaigns.models import Campaign, CampaignLetter, CampaignTarget, Participant
from dsar.campaigns.services import availability, ensure_version
from dsar.deadlines import compute_deadline
from dsar.directory.services import get_organisation
from dsar.letters.inputs import (
    InputError,
    build_letter_request,
    person_to_dict,
    recipient_to_dict,
    request_details,
)
from dsar.requests.models import DataRequest, Workspace
from dsar.requests.services import calendar_of, create_request, create_workspace
from dsar.requests.status import receipt_of

# The version of the consent wording in templates/campaigns/_consent.html: change it whenever
# that wording changes, so that each participant row says which wording the person agreed to.
CONSENT_VERSION = "campaign-2026-12"
WORKSPACE_KIND = "campaign"


class NotJoinable(Exception):
    """The campaign takes nobody now; ``reason`` is availability()'s answer."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Joined:
    participant: Participant
    token: str  # the private tracking link's secret: shown once, only its hash is stored
    requests: list[DataRequest]


def join_campaign(session: Session, campaign: Campaign, person: dict, *, share_named: bool,
                  today: date, now: datetime, source: str = "web") -> Joined:
    """Store the person's letters to every target of the current version. ``person`` is the
    person file's form (name, address lines, email); InputError (nothing stored) if the
    letter service refuses it, NotJoinable if the campaign is closed or out of its dates.
    The caller commits."""
    reason = availability(campaign, today)
    if reason != "open":
        raise NotJoinable(reason)
    # A template changed since the last version: the new letters are a new version.
    version, _made = ensure_version(session, campaign)
    targets = {t.org_slug: t for t in campaign.targets}
    letters = []
    for entry in version.snapshot["targets"]:
        record = get_organisation(session, entry["slug"])
        if record is None:  # gone from the directory since: no letter can be addressed
            continue
        letters.append((targets[entry["slug"]], record, build_letter_request(
            right=version.snapshot["right"], org=record, person=person, today=today,
            jurisdiction=entry["jurisdiction"], locale=entry["language"])))
    if not letters:
        raise InputError("no organisation of this campaign is in the directory any more")
    workspace, token = create_workspace(session, kind=WORKSPACE_KIND)
    participant = Participant(campaign_id=campaign.id, version_id=version.id, workspace_id=workspace.id,
                              consent_version=CONSENT_VERSION, consented_at=now,
                              share_named=share_named, source=source)
    session.add(participant)
    session.flush()
    requests = []
    for target, record, letter in letters:
        request = create_request(
            session, workspace, right=letter.right, jurisdiction=letter.jurisdiction,
            language=letter.locale, org_slug=record.slug, recipient=recipient_to_dict(letter.recipient),
            person=person_to_dict(letter.person), details=request_details(letter), today=today)
        session.add(CampaignLetter(participant_id=participant.id, target_id=target.id,
                                   request_id=request.id))
        requests.append(request)
    session.flush()
    return Joined(participant, token, requests)


def participant_of(session: Session, workspace: Workspace) -> Participant | None:
    """The participant whose workspace this is (None for a workspace of no campaign)."""
    return session.scalar(select(Participant).where(Participant.workspace_id == workspace.id))


@dataclass(frozen=True)
class LetterItem:
    request: DataRequest
    target_slug: str
    channel: str  # how the directory suggests sending it: letter, email or webform
    due_if_sent_today: date


def letters_of(session: Session, participant: Participant, today: date) -> list[LetterItem]:
    """The participant's letters in the campaign's order of targets, each with the date a
    reply is due if it is sent today (the clock starts when the organisation receives it)."""
    rows = session.execute(
        select(DataRequest, CampaignTarget.org_slug)
        .join(CampaignLetter, CampaignLetter.request_id == DataRequest.id)
        .join(CampaignTarget, CampaignTarget.id == CampaignLetter.target_id)
        .where(CampaignLetter.participant_id == participant.id,
               DataRequest.workspace_id == participant.workspace_id)
        .order_by(CampaignTarget.position, DataRequest.id)).all()
    items = []
    for request, slug in rows:
        record = get_organisation(session, slug)
        channel = record.suggested_channel if record else "letter"
        if channel == "email" and not (request.recipient or {}).get("email"):
            channel = "letter"
        calendar = calendar_of(request)
        due = compute_deadline(receipt_of(today, channel, **calendar), **calendar).due
        items.append(LetterItem(request, slug, channel, due))
    return items
