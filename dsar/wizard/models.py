"""Server-side wizard drafts: what a person has typed so far, keyed by a random token that
lives only in their session cookie (the cookie holds no personal data).

A draft is stored at its first save, under a new token and bound to a new session id (both
kept only as hashes): a session cookie planted before that save never reaches the draft, and
a draft token alone, without its session id, is not enough."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, String, func
from sqlalchemy.orm import Mapped, mapped_column

from dsar.db import Base


class WizardDraft(Base):
    __tablename__ = "wizard_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    sid_hash: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    # Abandoned drafts are purged a day after their last change (python run.py drafts purge).
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now(), index=True
    )
