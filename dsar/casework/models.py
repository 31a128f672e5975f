"""Clients of a team, the authorities they sign and the caseworkers' notes.

A client's requests are ordinary requests with their append-only event log: each client
owns a workspace of kind "client" (whose secret token is never handed out), so status and
deadlines are derived exactly as for a citizen. Every row belongs to one team, and every
query goes through that team."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
)
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


# The due date stored for a request with no clock running (a draft, a wait for proof of
# identity): it sorts after every real date and is never "before today" or "this week".
NO_DUE = date(9999, 12, 31)


class RequestState(Base):
    """A cache of one client request's derived state, so the caseload can filter, sort, count
    and page 100,000 requests in SQL. Not the truth: rebuilt from the events whenever one is
    added (dsar/casework/state.py), and the rows shown to a person are derived afresh.

    Every column is independent of "today" except ``due_on`` while a clarification pause is
    running (the clock stops, so the date moves on each day): such rows are re-derived when
    ``computed_on`` is not the day asked about. Being overdue is left to the query, which
    compares ``overdue_from`` with today."""

    __tablename__ = "request_state"
    __table_args__ = (
        # Each filter is a range on one of these, in due-date order, ties by overdue_from and
        # the row id (the order the caseload sorts by): a page is read off an index.
        Index("ix_request_state_team_due", "team_id", "due_on", "overdue_from"),
        Index("ix_request_state_team_caseworker_due", "team_id", "caseworker_id", "due_on", "overdue_from"),
        # "Mine" with a status ("my drafts"): without it, a caseworker's every row is read.
        Index("ix_request_state_team_caseworker_status", "team_id", "caseworker_id", "status", "due_on",
              "overdue_from"),
        Index("ix_request_state_team_status_due", "team_id", "status", "due_on", "overdue_from"),
        Index("ix_request_state_team_organisation", "team_id", "organisation_key", "due_on", "overdue_from"),
        Index("ix_request_state_team_pause", "team_id", "pause_running", "computed_on"),
    )

    request_id: Mapped[int] = mapped_column(ForeignKey("request.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(ForeignKey("client.id", ondelete="CASCADE"), index=True)
    # The client's caseworker, copied here so "mine" is one index lookup; kept in step on hand-over.
    caseworker_id: Mapped[int | None] = mapped_column(ForeignKey("account.id", ondelete="SET NULL"),
                                                      nullable=True)
    organisation: Mapped[str] = mapped_column(String(200))
    # Case-folded, so "starts with" is a range on an index (LIKE could not use one in SQLite).
    organisation_key: Mapped[str] = mapped_column(String(200))
    right: Mapped[str] = mapped_column(String(40))
    # The derived status, except that "overdue" is stored as the clock's status ("sent" or
    # "extended"): whether the date has passed is the query's business.
    status: Mapped[str] = mapped_column(String(30))
    outcome: Mapped[str] = mapped_column(String(20))
    due_on: Mapped[date] = mapped_column(Date)  # NO_DUE when no clock is running
    settled: Mapped[bool] = mapped_column(Boolean)  # answered or closed: never overdue
    # The first day on which the request counts as overdue (NO_DUE: never, as things stand):
    # "overdue today" is one comparison, read from the indexes below.
    overdue_from: Mapped[date] = mapped_column(Date)
    pause_running: Mapped[bool] = mapped_column(Boolean)
    # While a complaint to the organisation awaits its acknowledgement (UK s.164A).
    complaint_ack_due: Mapped[date | None] = mapped_column(Date, nullable=True)
    reminded_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # the last reminder
    computed_on: Mapped[date] = mapped_column(Date)


class CaseloadStamp(Base):
    """A random stamp per team, replaced whenever any of its ``request_state`` rows change
    (dsar/casework/state.py): the caseload's counts are kept in each process under the stamp
    they were counted at, so a count is reused only while nothing it counted has changed. A
    stamp, not the truth: losing the row only makes the next page count again."""

    __tablename__ = "caseload_stamp"

    team_id: Mapped[int] = mapped_column(ForeignKey("team.id", ondelete="CASCADE"), primary_key=True)
    stamp: Mapped[int] = mapped_column(BigInteger)
