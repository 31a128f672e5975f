"""Corrections suggested by the public, kept pending until a reviewer accepts or rejects them.

A suggestion is a set of field-level changes ("email: the new address") with a source URL.
It is checked the way an accepted one would be applied (the changed record must still pass
``parse_record``), so the reviewer sees only changes that can be applied. Accepting one updates
the record, dates it, appends the source and marks it "corrected", which curated reloads
leave alone. Suggestions are counted per client (a keyed hash of the IP address) to limit them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dsar.directory.models import Correction
from dsar.directory.schema import OrgRecord, RecordError, parse_record
from dsar.directory.services import get_organisation, save_record
from dsar.web.forms import FormResult

# The fields a person may correct, in the order the form offers them.
LIST_FIELDS = ("address", "aliases", "brands")  # one entry per line
FIELDS = ("name", "address", "email", "webform", "web", "phone", "aliases", "brands", "description")
ROWS = 3  # change rows on the form; more than three at once is rare
MAX_VALUE, MAX_URL, MAX_COMMENT = 2000, 500, 1000
PER_HOUR = 5


class CorrectionError(ValueError):
    """A suggestion that cannot be reviewed as asked (gone, already reviewed, no longer valid)."""


def client_hash(secret: str, address: str) -> str:
    """Counts suggestions per client without storing anyone's IP address."""
    return hmac.new(secret.encode(), (address or "unknown").encode(), hashlib.sha256).hexdigest()


def recent_count(session: Session, client: str, now: datetime) -> int:
    since = now - timedelta(hours=1)
    return session.scalar(
        select(func.count()).select_from(Correction)
        .where(Correction.client_hash == client, Correction.created_at >= since)
    ) or 0


def rate_limited(session: Session, client: str, now: datetime) -> bool:
    return recent_count(session, client, now) >= PER_HOUR


def _is_url(value: str) -> bool:
    return value.startswith(("https://", "http://")) and "." in value and not any(c.isspace() for c in value)


def _value(field_name: str, raw: str):
    if field_name in LIST_FIELDS:
        return [line.strip() for line in raw.split("\n") if line.strip()]
    return " ".join(raw.split()) if field_name != "description" else raw.strip()


def apply_changes(record: OrgRecord, changes: dict, source_url: str, today: date | None = None) -> OrgRecord:
    """The record with the changes made (raises RecordError if it would be invalid)."""
    data = record.to_dict()
    for name, raw in changes.items():
        data[name] = _value(name, raw)
    if source_url and source_url not in data.get("sources", []):
        data["sources"] = [*data.get("sources", []), source_url]
    if today is not None:
        data["last_checked"] = today
    return parse_record(data)


@dataclass
class Suggestion(FormResult):
    changes: dict = field(default_factory=dict)


def check_suggestion(record: OrgRecord, form) -> Suggestion:
    """Validate the form (a mapping of strings); keep what was typed for re-display."""
    result = Suggestion()
    for i in range(1, ROWS + 1):
        for key in (f"field-{i}", f"value-{i}"):
            result.values[key] = (form.get(key) or "").replace("\r\n", "\n").strip()[: MAX_VALUE + 1]
    result.values["source_url"] = (form.get("source_url") or "").strip()[: MAX_URL + 1]
    result.values["comment"] = (form.get("comment") or "").strip()[: MAX_COMMENT + 1]
    for i in range(1, ROWS + 1):
        name, raw = result.values[f"field-{i}"], result.values[f"value-{i}"]
        if not name and not raw:
            continue
        if name not in FIELDS:
            result.errors[f"field-{i}"] = _l("Choose which detail is wrong")
        elif name in result.changes:
            result.errors[f"field-{i}"] = _l("Choose each detail only once")
        elif not raw:
            result.errors[f"value-{i}"] = _l("Enter what it should say")
        elif len(raw) > MAX_VALUE:
            result.errors[f"value-{i}"] = _l("Must be %(n)s characters or fewer", n=MAX_VALUE)
        else:
            result.changes[name] = raw
            try:
                apply_changes(record, {name: raw}, "")
            except RecordError as exc:
                result.errors[f"value-{i}"] = _field_message(name, str(exc))
    if not result.changes and not result.errors:
        result.errors["field-1"] = _l("Choose a detail to correct and enter what it should say")
    url = result.values["source_url"]
    if not url:
        result.errors["source_url"] = _l("Enter the web address where the correct details are published")
    elif len(url) > MAX_URL or not _is_url(url):
        result.errors["source_url"] = _l("Enter a web address starting with https://")
    if len(result.values["comment"]) > MAX_COMMENT:
        result.errors["comment"] = _l("Must be %(n)s characters or fewer", n=MAX_COMMENT)
    return result


def _field_message(name: str, detail: str):
    if name == "email":
        return _l("Enter an email address like name@example.com")
    if name in ("web", "webform"):
        return _l("Enter a web address starting with https://")
    if name == "address":
        return _l("Enter the postal address, one line per line")
    return _l("This value cannot be used: %(detail)s", detail=detail)


def submit(session: Session, slug: str, suggestion: Suggestion, *, client: str, now: datetime) -> Correction:
    correction = Correction(
        public_id=secrets.token_urlsafe(12), org_slug=slug, changes=dict(suggestion.changes),
        source_url=suggestion.values["source_url"], comment=suggestion.values["comment"],
        status="pending", client_hash=client, created_at=now,
    )
    session.add(correction)
    return correction


def pending(session: Session) -> list[tuple[Correction, OrgRecord | None]]:
    rows = session.scalars(
        select(Correction).where(Correction.status == "pending").order_by(Correction.created_at)
    )
    return [(c, get_organisation(session, c.org_slug)) for c in rows]


def _pending_one(session: Session, public_id: str) -> Correction:
    correction = session.scalar(select(Correction).where(Correction.public_id == public_id))
    if correction is None or correction.status != "pending":
        raise CorrectionError(_l("That suggestion has already been reviewed or no longer exists."))
    return correction


def accept(session: Session, public_id: str, *, today: date, now: datetime) -> OrgRecord:
    correction = _pending_one(session, public_id)
    record = get_organisation(session, correction.org_slug)
    if record is None:
        raise CorrectionError(_l("The organisation of that suggestion is no longer in the directory."))
    try:
        updated = apply_changes(record, correction.changes, correction.source_url, today)
    except RecordError as exc:
        raise CorrectionError(_l("The change can no longer be applied: %(detail)s", detail=str(exc))) from exc
    save_record(session, updated, "corrected")  # the search index follows
    correction.status, correction.reviewed_at = "accepted", now
    return updated


def reject(session: Session, public_id: str, *, now: datetime) -> None:
    correction = _pending_one(session, public_id)
    correction.status, correction.reviewed_at = "rejected", now
