"""Corrections suggested by the public, kept pending until a reviewer accepts or rejects them.

A suggestion is a set of field-level changes ("email: the new address") with a source URL.
It is checked the way an accepted one would be applied (the changed record must still pass
``parse_record``), so the reviewer sees only changes that can be applied. Accepting one updates
the record, dates it, appends the source and marks it "corrected", which curated reloads
leave alone. Suggestions are counted per client address, per network, per organisation and
in all (keyed hashes of the address and network, never the address itself) to limit them.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
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
from dsar.web.problems import message

# The fields a person may correct, in the order the form offers them.
LIST_FIELDS = ("address", "aliases", "brands")  # one entry per line
FIELDS = ("name", "address", "email", "webform", "web", "phone", "aliases", "brands", "description")
ROWS = 3  # change rows on the form; more than three at once is rare
MAX_VALUE, MAX_URL, MAX_COMMENT = 2000, 500, 1000
# Suggestions accepted per hour: from one address, from one network (an IPv6 /64, which one
# subscriber gets whole, so changing addresses inside it does not help), about one
# organisation, and from everyone together (what a reviewer can get through).
PER_HOUR = 5
PER_NETWORK_PER_HOUR = 10
PER_ORGANISATION_PER_HOUR = 10
ALL_PER_HOUR = 100


class CorrectionError(ValueError):
    """A suggestion that cannot be reviewed as asked (gone, already reviewed, no longer valid)."""


@dataclass(frozen=True)
class Client:
    """Keyed hashes of the client's address and network: enough to count, not to identify."""

    address: str
    network: str


def _normalised(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address as one canonical value (IPv4-mapped IPv6 is IPv4; a zone is dropped)."""
    try:
        parsed = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        return parsed.ipv4_mapped
    return parsed


def network_of(address: str) -> str:
    """The IPv6 /64 an address belongs to, or the IPv4 address itself; anything unparsable
    stands for itself."""
    parsed = _normalised(address)
    if parsed is None:
        return address or "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def _keyed(secret: str, value: str) -> str:
    return hmac.new(secret.encode(), value.encode(), hashlib.sha256).hexdigest()


def client_of(secret: str, address: str) -> Client:
    """Counts suggestions per client without storing anyone's IP address."""
    parsed = _normalised(address or "")
    return Client(address=_keyed(secret, str(parsed) if parsed else (address or "unknown")),
                  network=_keyed(secret, "network:" + network_of(address or "")))


def limit_reached(session: Session, client: Client, slug: str, now: datetime) -> str | None:
    """Which hourly limit a new suggestion would break ("address", "network",
    "organisation", "all"), or None."""
    since = now - timedelta(hours=1)

    def count(*conditions) -> int:
        return session.scalar(select(func.count()).select_from(Correction)
                              .where(Correction.created_at >= since, *conditions)) or 0

    if count(Correction.client_hash == client.address) >= PER_HOUR:
        return "address"
    if count(Correction.network_hash == client.network) >= PER_NETWORK_PER_HOUR:
        return "network"
    if count(Correction.org_slug == slug) >= PER_ORGANISATION_PER_HOUR:
        return "organisation"
    if count() >= ALL_PER_HOUR:
        return "all"
    return None


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
                result.errors[f"value-{i}"] = _field_message(name, exc)
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


def _field_message(name: str, error: RecordError):
    """The shared rules' message where the problem is one of theirs (dsar/validation.py)."""
    if error.problem is not None and error.problem.code not in ("missing", "email_format"):
        return message(error.problem)
    if name == "email":
        return _l("Enter an email address like name@example.com")
    if name in ("web", "webform"):
        return _l("Enter a web address starting with https://")
    if name == "address":
        return _l("Enter the postal address, one line per line")
    return _l("This value cannot be used: %(detail)s", detail=str(error))


def submit(session: Session, slug: str, suggestion: Suggestion, *, client: Client,
           now: datetime) -> Correction:
    correction = Correction(
        public_id=secrets.token_urlsafe(12), org_slug=slug, changes=dict(suggestion.changes),
        source_url=suggestion.values["source_url"], comment=suggestion.values["comment"],
        status="pending", client_hash=client.address, network_hash=client.network, created_at=now,
    )
    session.add(correction)
    return correction


@dataclass(frozen=True)
class PendingPage:
    """One page of the suggestions waiting for review, oldest first."""

    items: list[tuple[Correction, OrgRecord | None]]
    number: int
    pages: int
    total: int
    first: int  # position of the first item shown (1-based; 0 when there are none)
    last: int


def pending(session: Session, *, page: int = 1, per_page: int = 25) -> PendingPage:
    """A page past the end shows the last page (after reviewing its last suggestion)."""
    waiting = Correction.status == "pending"
    total = session.scalar(select(func.count()).select_from(Correction).where(waiting)) or 0
    pages = max(1, math.ceil(total / per_page))
    number = min(max(1, page), pages)
    rows = list(session.scalars(
        select(Correction).where(waiting).order_by(Correction.created_at, Correction.id)
        .offset((number - 1) * per_page).limit(per_page)))
    first = (number - 1) * per_page + 1 if rows else 0
    return PendingPage(items=[(c, get_organisation(session, c.org_slug)) for c in rows],
                       number=number, pages=pages, total=total, first=first,
                       last=first + len(rows) - 1 if rows else 0)


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
