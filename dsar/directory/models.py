"""The organisation table: the validated record as JSON plus the columns we filter on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, String, func
from sqlalchemy.orm import Mapped, mapped_column

from dsar.db import Base
from dsar.directory.schema import OrgRecord, parse_record


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(30), default="company")
    country: Mapped[str] = mapped_column(String(2), index=True)
    quality: Mapped[str] = mapped_column(String(20))
    # "curated" (shipped YAML), "imported" (datenanfragen) or "corrected" (accepted suggestion)
    origin: Mapped[str] = mapped_column(String(20), default="curated")
    record: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )

    def to_record(self) -> OrgRecord:
        return parse_record(self.record)
