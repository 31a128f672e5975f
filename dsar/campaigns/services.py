"""Campaigns of a team: check their settings, create and edit them, keep their versions, and
say which participants joined under which version. Plain values in, rows out; no Flask.

Every lookup goes through the team (``get_campaign(session, team_id, slug)``), except the
public join page's (``public_campaign``), which finds a campaign by its slug alone."""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dsar import validation
from dsar.campaigns.models import (
    Campaign,
    CampaignLetter,
    CampaignTarget,
    CampaignVersion,
    Participant,
)
from dsar.campaigns.versions import changed_fields, letter_snapshot
from dsar.directory.schema import OrgRecord
from dsar.directory.services import get_organisation
from dsar.letters.compose import LETTER_LOCALES, available_locales
from dsar.requests.models import DataRequest
from dsar.rights import JURISDICTIONS, RIGHTS

MAX_TARGETS = 50
MAX_TITLE = 200
MAX_TEXT = 5000
# What a campaign can ask for: the kinds that need nothing more from each person (a ground,
# reasons or corrections are one person's own and cannot be written once for everyone).
CAMPAIGN_RIGHTS = tuple(key for key, right in RIGHTS.items() if not right.needs)
# Lower-case letters and digits without the look-alikes 0, 1, l and o: read out or retyped.
_SUFFIX_ALPHABET = "23456789abcdefghijkmnpqrstuvwxyz"
SUFFIX_LENGTH = 6  # 30 random bits: a slug cannot be guessed, yet reads as the title


class CampaignError(ValueError):
    """Settings that cannot be saved: ``errors`` maps each field to what is wrong with it
    (messages that can be shown as they are; the first is the exception's message)."""

    def __init__(self, errors: dict):
        super().__init__(next(iter(errors.values())))
        self.errors = errors


@dataclass(frozen=True)
class CampaignSettings:
    """What an organiser chooses (the web form and the command give these)."""

    title: str
    right: str
    org_slugs: tuple[str, ...]
    description: str = ""
    jurisdiction: str = ""  # "" = each organisation's own
    language: str = ""  # "" = each organisation's request language
    organiser_paragraph: str = ""
    starts_on: date | None = None
    ends_on: date | None = None


def _typed(message) -> str:
    """A message quoting what was typed, as plain text: a lazy string counts as safe markup
    in a template (its __html__), so the typed value would reach the page unescaped."""
    return str(message)


def check_settings(session: Session, settings: CampaignSettings) -> tuple[dict, list[OrgRecord]]:
    """Field → message for everything wrong, and the target organisations' records."""
    errors: dict = {}
    if problems := validation.check_line("title", settings.title, limit=MAX_TITLE, required=True):
        errors["title"] = (_l("Give the campaign a title") if problems[0].code == "missing"
                           else _l("Give the campaign a title of %(n)s characters or fewer", n=MAX_TITLE))
    for name in ("description", "organiser_paragraph"):
        if validation.check_text(name, getattr(settings, name), limit=MAX_TEXT):
            errors[name] = _l("Write %(n)s characters or fewer, without invisible control characters",
                              n=MAX_TEXT)
    if settings.right not in RIGHTS:
        errors["right"] = _typed(_l("Unknown request kind %(right)s: choose one of %(choices)s",
                                    right=repr(settings.right)[:60], choices=", ".join(CAMPAIGN_RIGHTS)))
    elif settings.right not in CAMPAIGN_RIGHTS:
        errors["right"] = _l("%(right)s needs details from each person; a campaign can ask for "
                             "one of %(choices)s", right=settings.right, choices=", ".join(CAMPAIGN_RIGHTS))
    records = []
    for slug in dict.fromkeys(settings.org_slugs):
        record = get_organisation(session, slug) if len(slug) <= 120 else None
        if record is None or record.kind == "supervisory_authority":
            errors.setdefault("orgs", _typed(_l("Unknown organisation %(slug)s: use its short name "
                                                "from the directory", slug=repr(slug)[:130])))
        else:
            records.append(record)
    if not settings.org_slugs:
        errors["orgs"] = _l("Choose at least one organisation to write to")
    elif len(records) > MAX_TARGETS:
        errors["orgs"] = _l("Choose %(n)s organisations or fewer", n=MAX_TARGETS)
    if settings.jurisdiction not in ("", *JURISDICTIONS):
        errors["jurisdiction"] = _typed(_l("Unknown law %(value)s: choose uk or eu",
                                           value=repr(settings.jurisdiction)[:20]))
    if settings.language and settings.language not in available_locales():
        errors["language"] = _typed(_l(
            "Unknown letter language %(value)s: choose one of %(choices)s",
            value=repr(settings.language)[:20],
            choices=", ".join(c for c in LETTER_LOCALES if c in available_locales())))
    if settings.starts_on and settings.ends_on and settings.ends_on < settings.starts_on:
        errors["ends_on"] = _l("The end date must be on or after the start date")
    return errors, records


def new_slug(session: Session, title: str) -> str:
    """The title's words and a random suffix ("fair-scores-k3m7qx"), unused so far."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:40].strip("-")
    while True:
        suffix = "".join(secrets.choice(_SUFFIX_ALPHABET) for _ in range(SUFFIX_LENGTH))
        slug = f"{words}-{suffix}" if words else suffix
        if session.scalar(select(Campaign.id).where(Campaign.slug == slug)) is None:
            return slug


def _apply(campaign: Campaign, settings: CampaignSettings) -> None:
    campaign.title = " ".join(settings.title.split())
    campaign.description = settings.description.strip()
    campaign.right = settings.right
    campaign.jurisdiction = settings.jurisdiction
    campaign.language = settings.language
    campaign.organiser_paragraph = settings.organiser_paragraph.strip()
    campaign.starts_on, campaign.ends_on = settings.starts_on, settings.ends_on


def _set_targets(session: Session, campaign: Campaign, records: list[OrgRecord]) -> None:
    """Targets in the order chosen; one no longer chosen stays (its letters name it), inactive."""
    existing = {t.org_slug: t for t in campaign.targets}
    for position, record in enumerate(records):
        target = existing.pop(record.slug, None)
        if target is None:
            target = CampaignTarget(org_slug=record.slug)
            campaign.targets.append(target)
        target.position, target.active = position, True
    for target in existing.values():
        target.active = False
    session.flush()


def current_snapshot(session: Session, campaign: Campaign) -> dict:
    """The snapshot a version made now would hold (active targets as the directory has them)."""
    records = [get_organisation(session, t.org_slug) for t in campaign.targets if t.active]
    return letter_snapshot(right=campaign.right, jurisdiction=campaign.jurisdiction,
                           language=campaign.language, organiser_paragraph=campaign.organiser_paragraph,
                           targets=[r for r in records if r is not None])


def current_version(session: Session, campaign: Campaign) -> CampaignVersion | None:
    return session.scalar(select(CampaignVersion).where(
        CampaignVersion.campaign_id == campaign.id, CampaignVersion.number == campaign.version))


def ensure_version(session: Session, campaign: Campaign) -> tuple[CampaignVersion, bool]:
    """The version that new letters are written under: the current one while nothing that
    shapes the letter has changed, else a new one (returned with True). Two processes making
    the same new version at once: the loser of the unique key takes the winner's."""
    snapshot = current_snapshot(session, campaign)
    version = current_version(session, campaign)
    if version is not None and not changed_fields(version.snapshot, snapshot):
        return version, False
    number = (session.scalar(select(func.max(CampaignVersion.number))
                             .where(CampaignVersion.campaign_id == campaign.id)) or 0) + 1
    made = CampaignVersion(campaign_id=campaign.id, number=number, snapshot=snapshot,
                           template_digest=snapshot["template_digest"])
    try:
        with session.begin_nested():
            session.add(made)
    except IntegrityError:
        session.refresh(campaign)
        return ensure_version(session, campaign)
    campaign.version = number
    session.flush()
    return made, True


def create_campaign(session: Session, team_id: int, settings: CampaignSettings) -> Campaign:
    """A new open campaign with its version 1 (CampaignError, nothing stored, if any setting
    is wrong). The caller commits."""
    errors, records = check_settings(session, settings)
    if errors:
        raise CampaignError(errors)
    campaign = Campaign(team_id=team_id, slug=new_slug(session, settings.title), status="open",
                        version=0)
    _apply(campaign, settings)
    session.add(campaign)
    session.flush()
    _set_targets(session, campaign, records)
    ensure_version(session, campaign)
    return campaign


@dataclass(frozen=True)
class Edited:
    version: int  # the version new participants join under
    new_version: bool
    changed: tuple[str, ...] = ()  # what made the new version ("organiser_paragraph", "targets" …)


def edit_campaign(session: Session, campaign: Campaign, settings: CampaignSettings,
                  status: str | None = None) -> Edited:
    """Save new settings. A change to anything that shapes the letter makes a new version;
    participants who joined before stay on theirs (participants_by_version says who)."""
    errors, records = check_settings(session, settings)
    if status is not None and status not in ("open", "closed"):
        errors["status"] = _l("Choose whether the campaign is open or closed")
    if errors:
        raise CampaignError(errors)
    before = current_version(session, campaign)
    _apply(campaign, settings)
    if status is not None:
        campaign.status = status
    _set_targets(session, campaign, records)
    version, made = ensure_version(session, campaign)
    changed = tuple(changed_fields(before.snapshot, version.snapshot)) if made and before else ()
    return Edited(version.number, made, changed)


def get_campaign(session: Session, team_id: int, slug: str) -> Campaign | None:
    """Scoped: a campaign is found only through the team that runs it."""
    return session.scalar(select(Campaign).where(Campaign.team_id == team_id, Campaign.slug == slug))


def public_campaign(session: Session, slug: str) -> Campaign | None:
    if not slug or len(slug) > 80:
        return None
    return session.scalar(select(Campaign).where(Campaign.slug == slug))


def team_campaigns(session: Session, team_id: int) -> list[tuple[Campaign, int]]:
    """The team's campaigns, newest first, each with its number of participants."""
    counts = (select(Participant.campaign_id, func.count().label("n"))
              .group_by(Participant.campaign_id).subquery())
    rows = session.execute(
        select(Campaign, func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.campaign_id == Campaign.id)
        .where(Campaign.team_id == team_id).order_by(Campaign.id.desc()))
    return [(campaign, count) for campaign, count in rows]


def availability(campaign: Campaign, today: date) -> str:
    """"open", or why nobody can join now: "closed", "not_started" or "ended"."""
    if campaign.status != "open":
        return "closed"
    if campaign.starts_on and today < campaign.starts_on:
        return "not_started"
    if campaign.ends_on and today > campaign.ends_on:
        return "ended"
    return "open"


@dataclass(frozen=True)
class ParticipantRow:
    public_id: str
    joined_at: datetime
    letters: int
    # Only for a participant who agreed to share their name with the organiser.
    name: str | None


@dataclass(frozen=True)
class VersionSummary:
    number: int
    created_at: datetime
    snapshot: dict
    participants: list[ParticipantRow] = field(default_factory=list)


def participants_by_version(session: Session, campaign: Campaign) -> list[VersionSummary]:
    """Every version, oldest first, with the participants who joined under it."""
    versions = session.scalars(select(CampaignVersion).where(
        CampaignVersion.campaign_id == campaign.id).order_by(CampaignVersion.number)).all()
    summaries = {v.id: VersionSummary(v.number, v.created_at, v.snapshot) for v in versions}
    participants = session.scalars(select(Participant).where(
        Participant.campaign_id == campaign.id).order_by(Participant.id)).all()
    letters = dict(session.execute(
        select(CampaignLetter.participant_id, func.count()).join(Participant)
        .where(Participant.campaign_id == campaign.id).group_by(CampaignLetter.participant_id)).all())
    for participant in participants:
        summaries[participant.version_id].participants.append(ParticipantRow(
            participant.public_id, participant.created_at, letters.get(participant.id, 0),
            _shared_name(session, participant) if participant.share_named else None))
    return list(summaries.values())


def _shared_name(session: Session, participant: Participant) -> str:
    person = session.scalar(select(DataRequest.person).where(
        DataRequest.workspace_id == participant.workspace_id).order_by(DataRequest.id).limit(1))
    return str((person or {}).get("name") or "")
