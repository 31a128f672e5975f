"""A rendering of a campaign's letters into one output folder: what it covers, how far it
got, and whether it is still the one that counts.

A run covers the campaign's letters up to ``last_letter_id`` (people who join later are
the next run's). Its chunk tasks carry the run's ``generation``: a resumed run (after a
worker was killed) gets a new generation, so a task of the old one still in the queue
finds itself out of date and does nothing, and no letter is rendered by two tasks at once."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dsar.db import Base

# running: chunks are being rendered; finishing: one task writes the print file and the
# manifest; done; failed (``error`` says why); superseded: a newer run of the campaign
# took over (a second render, perhaps into another folder).
RUN_STATUSES = ("running", "finishing", "done", "failed", "superseded")
UNFINISHED = ("running", "finishing")


class RenderRun(Base):
    __tablename__ = "campaign_render"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    out_dir: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="running")
    generation: Mapped[int] = mapped_column(Integer, default=0)
    chunk_size: Mapped[int] = mapped_column(Integer)
    last_letter_id: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    # Letters whose file was already in the folder when the run started (a rerun's).
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    pages: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the print file's
    error: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


# Where a run writes: OUT/letters/<reference>.pdf, each first written under a temporary
# folder (TEMP_PREFIX) beside it and moved into place whole.
TEMP_PREFIX = ".part-"


def letters_dir(out_dir: str | Path) -> Path:
    return Path(out_dir) / "letters"


def letter_file(out_dir: str | Path, reference: str) -> Path:
    return letters_dir(out_dir) / f"{reference}.pdf"
