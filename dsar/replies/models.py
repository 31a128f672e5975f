"""The text read out of a reply's files, kept beside the files themselves.

One row per document: a stored file (an Upload), or one file inside a stored ZIP. The text
is what the person reads beside the checklist; it is derived from the file and can be read
again, so it is not part of the event log (the reply's ``response_received`` event names the
files)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from dsar.db import Base
from dsar.requests.models import new_public_id


class ReplyText(Base):
    __tablename__ = "reply_text"

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True, default=new_public_id)
    request_id: Mapped[int] = mapped_column(ForeignKey("request.id", ondelete="CASCADE"), index=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("upload.id", ondelete="CASCADE"), index=True)
    # What the person sees as its name: the file's, or "archive.zip › letter.pdf".
    name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))  # extract.READ / TRUNCATED / NO_TEXT / UNREADABLE
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
