"""Taking in a reply: files (each sniffed and size-limited, a ZIP opened with care) or a
pasted email, stored with the request, their text read out for the checklist.

Everything is checked before anything is stored: a refused file or archive leaves no file on
disk and no row behind. Recording the first reply also records ``response_received`` (dated
as the person says), so the clock and the status know a reply came.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.casework.state import refresh_request_state
from dsar.replies import archive
from dsar.replies.extract import Extracted, extract
from dsar.replies.models import ReplyText
from dsar.requests import uploads as up
from dsar.requests.models import DataRequest, Event
from dsar.requests.status import REPLY_INTAKE, CaseState

MAX_PASTED_CHARS = 200_000
PASTED_NAME = "pasted-email.txt"
DATE_FIELDS = ("reply-date-day", "reply-date-month", "reply-date-year")


@dataclass
class ReplySubmission:
    """What the intake form sent, checked: values to show again, errors by field name."""

    values: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    received_on: date | None = None
    checked: list = field(default_factory=list)  # (IncomingFile, media type)
    archives: dict = field(default_factory=dict)  # index in ``checked`` -> [archive.Entry]

    @property
    def ok(self) -> bool:
        return not self.errors


def reply_event(state: CaseState):
    """The reply already recorded (the latest in effect), or None."""
    return next((e for e in reversed(state.events) if e.kind == "response_received"), None)


def _parse_date(form, result: ReplySubmission, state: CaseState, today: date) -> None:
    parts = [(form.get(name) or "").strip()[:8] for name in DATE_FIELDS]
    result.values.update(zip(DATE_FIELDS, parts, strict=True))
    try:
        day = date(int(parts[2]), int(parts[1]), int(parts[0]))
        if day.year < 1900:
            raise ValueError
    except ValueError:
        result.errors["reply-date-day"] = _l("Enter a real date, like 1 9 2026")
        return
    if day > today:
        result.errors["reply-date-day"] = _l("The date cannot be in the future")
    elif state.sent_on is not None and day < state.sent_on:
        result.errors["reply-date-day"] = _l("The date cannot be before you sent the request (%(date)s)",
                                             date=format_date(state.sent_on, format="long"))
    result.received_on = day


def validate(form, files: list[up.IncomingFile], *, state: CaseState, today: date) -> ReplySubmission:
    """Check the intake form; ZIPs are opened (in memory) and refused as a whole if unsafe."""
    result = ReplySubmission()
    if state.sent_on is None:
        result.errors["reply-files"] = _l("Record when you sent the request first")
        return result
    if reply_event(state) is None:
        _parse_date(form, result, state, today)
    pasted = (form.get("pasted") or "").replace("\r\n", "\n").strip()
    result.values["pasted"] = pasted[: MAX_PASTED_CHARS + 1]
    if len(pasted) > MAX_PASTED_CHARS:
        result.errors["pasted"] = _l("Must be %(n)s characters or fewer", n=MAX_PASTED_CHARS)
        return result
    incoming = list(files)
    if pasted:
        incoming.append(up.IncomingFile(PASTED_NAME, pasted.encode("utf-8")))
    if not incoming:
        result.errors["reply-files"] = _l("Choose the files they sent, or paste their email")
        return result
    try:
        result.checked = up.check(incoming)
        for index, (item, media_type) in enumerate(result.checked):
            if media_type == "application/zip":
                result.archives[index] = archive.entries(item.content, up.clean_filename(item.name))
    except up.UploadError as exc:
        result.errors["pasted" if pasted and not files else "reply-files"] = exc.args[0]
    return result


def _texts_of(name: str, content: bytes, media_type: str, entries) -> list[tuple[str, str, Extracted]]:
    """(name, media type, text) for a file, or for each file inside an archive."""
    if entries is None:
        return [(name, media_type, extract(content, media_type))]
    found = []
    for entry in entries:
        shown = up.clean_filename(entry.name)
        inner_type = up.sniff(entry.content, shown) or "application/octet-stream"
        # A ZIP inside a ZIP is kept (inside its archive) but not opened.
        found.append((f"{name} › {entry.name[:150]}", inner_type, extract(entry.content, inner_type)))
    return found


def record(session: Session, request: DataRequest, submission: ReplySubmission, state: CaseState,
           uploads_dir: Path) -> list[ReplyText]:
    """Store the files and their text; record the reply if it is the first. Caller commits."""
    stored = up.store(session, request, submission.checked, uploads_dir)
    texts = []
    for index, (upload, (item, media_type)) in enumerate(zip(stored, submission.checked, strict=True)):
        for name, kind, extracted in _texts_of(upload.original_name, item.content, media_type,
                                               submission.archives.get(index)):
            texts.append(ReplyText(request_id=request.id, upload_id=upload.id, name=name[:255],
                                   media_type=kind, status=extracted.status, text=extracted.text))
    session.add_all(texts)
    if reply_event(state) is None:
        assert submission.received_on is not None
        session.add(Event(request_id=request.id, kind="response_received",
                          occurred_on=submission.received_on,
                          data={"files": [u.public_id for u in stored], "source": REPLY_INTAKE}))
    session.flush()
    session.expire(request, ["events"])
    refresh_request_state(session, request)
    return texts


def reply_texts(session: Session, request: DataRequest) -> list[ReplyText]:
    return list(session.scalars(
        select(ReplyText).where(ReplyText.request_id == request.id).order_by(ReplyText.id)))
