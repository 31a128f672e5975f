"""The directory's tables: organisations (the validated record as JSON plus the columns we
filter on), suggested corrections awaiting review, and a little bookkeeping."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, String, func
from sqlalchemy.orm import Mapped, mapped_column

from dsar.db import Base
from dsar.directory.schema import OrgRecord, load_record


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(30), default="company")
    country: Mapped[str] = mapped_column(String(2), index=True)
    quality: Mapped[str] = mapped_column(String(20))
    # "curated" (shipped YAML), "imported" (datenanfragen), "corrected" (accepted suggestion) or
    # "preferred_import" (imported over a curated record with --prefer-import). Curated reloads
    # replace only "curated" and "imported" rows.
    origin: Mapped[str] = mapped_column(String(20), default="curated")
    record: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )

    def to_record(self) -> OrgRecord:
        return load_record(self.record)


class Correction(Base):
    """A change someone suggested to a record; never shown publicly until a reviewer accepts it."""

    __tablename__ = "directory_correction"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    org_slug: Mapped[str] = mapped_column(String(120), index=True)
    changes: Mapped[dict] = mapped_column(JSON)  # {field: new value as typed}
    source_url: Mapped[str] = mapped_column(String(500))
    comment: Mapped[str] = mapped_column(String(2000), default="")
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    # A keyed hash of the client's IP address: enough to count suggestions per hour, not to
    # know who sent them.
    client_hash: Mapped[str] = mapped_column(String(64), index=True)
    # The same for the client's network: its IPv6 /64 (which one subscriber gets whole), or
    # its IPv4 address. Empty for suggestions sent before it was recorded.
    network_hash: Mapped[str] = mapped_column(String(64), index=True, server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class DirectoryMeta(Base):
    """Small facts about the directory, e.g. the digest of the curated records last loaded."""

    __tablename__ = "directory_meta"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class AdminSession(Base):
    """A reviewer's signed-in session. The cookie holds a random id; only its hash is stored.
    Signing out deletes the row, so a copied or replayed cookie no longer works."""

    __tablename__ = "admin_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class AdminLoginFailure(Base):
    """One failed reviewer sign-in, counted per client (a keyed hash of its address) to lock
    out whoever keeps guessing."""

    __tablename__ = "admin_login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_hash: Mapped[str] = mapped_column(String(64), index=True)
    failed_at: Mapped[datetime] = mapped_column(DateTime, index=True)
