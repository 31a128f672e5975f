"""Workspaces, requests and their append-only events.

Status and deadlines are never stored: they are derived from the events by pure functions.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from dsar.db import Base


def new_public_id() -> str:
    return secrets.token_urlsafe(12)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Workspace(Base):
    """Who owns requests: a private citizen (secret link), an agency or a campaign."""

    __tablename__ = "workspace"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True, default=new_public_id)
    kind: Mapped[str] = mapped_column(String(20), default="private")
    # Only a hash of the secret link's token is stored: a database leak reveals no links.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    # Reminders by email are double opt-in: the address, the UI language to write in and when
    # the address's owner confirmed it by following the emailed link. An address with no
    # confirmation time is pending: it gets nothing but the one confirmation email.
    reminder_email: Mapped[str | None] = mapped_column(String(320), nullable=True)
    reminder_locale: Mapped[str | None] = mapped_column(String(10), nullable=True)
    reminders_consented_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    requests: Mapped[list[DataRequest]] = relationship(back_populates="workspace")


class DataRequest(Base):
    __tablename__ = "request"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True, default=new_public_id)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    right: Mapped[str] = mapped_column(String(40))
    jurisdiction: Mapped[str] = mapped_column(String(4))
    language: Mapped[str] = mapped_column(String(10), default="en")
    org_slug: Mapped[str | None] = mapped_column(String(120), nullable=True)
    # The recipient as written in the letter (a snapshot: the directory may change later).
    recipient: Mapped[dict] = mapped_column(JSON)
    person: Mapped[dict] = mapped_column(JSON)
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    # The request whose reply named this organisation as a recipient (the cascade), and the
    # earlier round this one repeats; SET NULL: deleting one request never deletes another.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("request.id", ondelete="SET NULL", name="fk_request_parent_id_request"),
        nullable=True, index=True)
    previous_round_id: Mapped[int | None] = mapped_column(
        ForeignKey("request.id", ondelete="SET NULL", name="fk_request_previous_round_id_request"),
        nullable=True, index=True)
    # How often the person means to repeat this request, in months (None: not planned).
    repeat_months: Mapped[int | None] = mapped_column(Integer, nullable=True)

    workspace: Mapped[Workspace] = relationship(back_populates="requests")
    events: Mapped[list[Event]] = relationship(
        back_populates="request", order_by="Event.occurred_on, Event.id"
    )


class Event(Base):
    """Append-only: rows are inserted, never updated in place (corrections are new events)."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    occurred_on: Mapped[date] = mapped_column(Date)
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    # An edit is a new event naming the one it corrects (or retracts); the old row stays.
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("event.id", ondelete="SET NULL", name="fk_event_supersedes_id_event"), nullable=True
    )

    request: Mapped[DataRequest] = relationship(back_populates="events")


class Upload(Base):
    """A file the person received (a reply, a data export). The bytes live under
    instance/uploads/ with a random name; this row holds what we know about them."""

    __tablename__ = "upload"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True, default=new_public_id)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))  # sniffed on the server, never trusted
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class SentReminder(Base):
    """One row per reminder email sent: the unique key makes "send" safe to run from cron at
    any frequency, even twice at once. A changed due date is a new key, so a new reminder."""

    __tablename__ = "sent_reminder"
    __table_args__ = (UniqueConstraint("request_id", "kind", "due_on", name="uq_sent_reminder_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    due_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())


class ReminderConfirmation(Base):
    """One row per confirmation email sent: the emailed link's token (only its SHA-256), how
    long it is valid, and keyed hashes of the address and the client that asked for it: enough
    to enforce the limits on confirmation emails, no address or IP address in the clear."""

    __tablename__ = "reminder_confirmation"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    address_hash: Mapped[str] = mapped_column(String(64), index=True)
    client_hash: Mapped[str] = mapped_column(String(64), index=True)
    sent_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    # Set when the link is used, or when a newer address (or "stop") makes it void.
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class RequestDraft(Base):
    """What the person typed for a follow-up (the complaint's wording, the regulator form),
    one row per request and kind, so that saving one draft never rewrites another."""

    __tablename__ = "request_draft"
    __table_args__ = (UniqueConstraint("request_id", "kind", name="uq_request_draft_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    content: Mapped[dict] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now())
