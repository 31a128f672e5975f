"""Campaigns, their targets, their frozen versions, their participants and the letters.

The unit of a letter is participant × target × version: a ``CampaignLetter`` row names the
participant (who joined under one version) and the target, and points at the ordinary
``DataRequest`` that carries the letter and its event log. Its unique key makes the later
bulk steps (CSV import, rendering by a job queue) safe to rerun: a pair is written once.

Personal data stays where a citizen's does: the person's name and address live only in
their requests (``DataRequest.person``); a participant row holds ids, the consent record
and the sharing choice."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dsar.db import Base
from dsar.requests.models import new_public_id

STATUSES = ("open", "closed")


class Campaign(Base):
    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True, default=new_public_id)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    # Readable and hard to guess: the title's words and a random suffix (services.new_slug).
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    right: Mapped[str] = mapped_column(String(40))
    # "" = each organisation's own law and request language (from its country, the directory).
    jurisdiction: Mapped[str] = mapped_column(String(4), default="")
    language: Mapped[str] = mapped_column(String(10), default="")
    # Shown to people before they join; the letter's legal text is the catalogue's, unchanged.
    organiser_paragraph: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    ends_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    # The number of the version new participants join under (CampaignVersion.number).
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    targets: Mapped[list[CampaignTarget]] = relationship(
        back_populates="campaign", order_by="CampaignTarget.position")


class CampaignTarget(Base):
    """An organisation the campaign writes to. Never deleted while letters name it: a target
    dropped by an edit is marked inactive, and the versions say who was targeted when."""

    __tablename__ = "campaign_target"
    __table_args__ = (UniqueConstraint("campaign_id", "org_slug", name="uq_campaign_target_org"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    org_slug: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    campaign: Mapped[Campaign] = relationship(back_populates="targets")


class CampaignVersion(Base):
    """Everything that shapes the letter, frozen when made (services.letter_snapshot): the
    kind, the law and language per target, the organiser's paragraph, and a digest of the
    letter templates' text, so that a changed template is noticed (a new version)."""

    __tablename__ = "campaign_version"
    __table_args__ = (UniqueConstraint("campaign_id", "number", name="uq_campaign_version_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict] = mapped_column(JSON)
    template_digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class Participant(Base):
    """A person who joined: their workspace (one private tracking link for every target's
    request), the version they joined under, and the consent record (the wording's version
    and when they agreed; whether they also share their name and replies)."""

    __tablename__ = "campaign_participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True, default=new_public_id)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_version.id", ondelete="CASCADE"), index=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"), unique=True)
    consent_version: Mapped[str] = mapped_column(String(20))
    consented_at: Mapped[datetime] = mapped_column(DateTime)
    share_named: Mapped[bool] = mapped_column(Boolean, default=False)
    # "web" (the join page); a later CSV import says "import".
    source: Mapped[str] = mapped_column(String(20), default="web")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    version: Mapped[CampaignVersion] = relationship()


class CampaignLetter(Base):
    """One participant's letter to one target: the request that carries it, and when a
    rendering job last stored its files (None until a job has)."""

    __tablename__ = "campaign_letter"
    __table_args__ = (UniqueConstraint("participant_id", "target_id", name="uq_campaign_letter_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("campaign_participant.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("campaign_target.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id", ondelete="CASCADE"), unique=True)
    rendered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
