"""Clients of a team, the authorities they sign and the caseworkers' notes.

A client's requests are ordinary requests with their append-only event log: each client
owns a workspace of kind "client" (whose secret token is never handed out), so status and
deadlines are derived exactly as for a citizen. Every row belongs to one team, and every
query goes through that team."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dsar.db import Base
from dsar.requests.models import Workspace, new_public_id


class Client(Base):
    __tablename__ = "client"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True, default=new_public_id)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), index=True)
    caseworker_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="SET NULL"), nullable=True, index=True
    )
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[list] = mapped_column(JSON, default=list)
    previous_addresses: Mapped[list] = mapped_column(JSON, default=list)
    date_of_birth: Mapped[date | None] = mapped_column(Date, nullable=True)
    email: Mapped[str] = mapped_column(String(320), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    preferred_language: Mapped[str] = mapped_column(String(10), default="en")
    # {"experian-gb": {"CreditExpert account number": "…"}, "": {"Customer number": "…"}}:
    # an identifier goes only to the organisation it is filed under ("" = any that asks).
    identifiers: Mapped[dict] = mapped_column(JSON, default=dict)
    # Safe contact: never write to the client's home; replies go to the team.
    safe_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    # "authority": letters go out from the team on the client's behalf, with the signed
    # authority enclosed; "own_name": the client writes in their own name (recorded choice).
    acting_mode: Mapped[str] = mapped_column(String(20), default="authority")
    closed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    workspace: Mapped[Workspace] = relationship()
    authorities: Mapped[list[Authority]] = relationship(back_populates="client", order_by="Authority.id")


class Authority(Base):
    """A letter of authority: generated for the client to sign, then the signed copy."""

    __tablename__ = "authority"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True, default=new_public_id)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    organisations: Mapped[list] = mapped_column(JSON, default=list)  # slugs; [] = any organisation
    rights: Mapped[list] = mapped_column(JSON, default=list)
    expires_on: Mapped[date] = mapped_column(Date)
    # The document as generated: its date and language (so it is re-rendered as signed).
    issued_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    language: Mapped[str] = mapped_column(String(10), default="en", server_default="en")
    signed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    # The signed copy (PDF, PNG or JPEG), stored like other uploads under a random name.
    stored_name: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    media_type: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())

    client: Mapped[Client] = relationship(back_populates="authorities")


class CaseNote(Base):
    """A caseworker's private note on a client (never in a letter, never in an export to
    anyone but the team)."""

    __tablename__ = "case_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True, default=new_public_id)
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("account.id", ondelete="SET NULL"), nullable=True
    )
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class ShareCode(Base):
    """A one-time code a citizen gives an adviser to hand over a copy of their requests.

    Only the code's SHA-256 is kept (a database leak hands over no case). The row records
    the consent: which version of the wording the citizen agreed to, when, and which team
    used it. A newer code for the same workspace cancels any still open."""

    __tablename__ = "share_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    consent_version: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    used_by_team_id: Mapped[int | None] = mapped_column(
        ForeignKey("team.id", ondelete="SET NULL"), nullable=True)
