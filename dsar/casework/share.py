"""A citizen hands their case to an adviser with a one-time share code (issue 12 item 10).

In their private workspace the citizen agrees to the wording of templates/requests/_share.html
and gets a code; a caseworker who enters it gets a *copy* of the workspace's requests (with
their events, saved drafts and files) under a new client of their team. The two are never
linked afterwards: the team does not see the citizen's workspace or what the citizen adds to
it later, and the citizen's requests, events and files are left exactly as they were.

- The code is 12 characters of the Crockford alphabet (60 random bits), shown once; only its
  SHA-256 is stored. It works once, for 7 days, and a newer code cancels any still open.
- The share row is the consent record: the wording's version, when the code was made, when
  and by which team it was used (the caller writes the team's audit line).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from dsar.casework.models import Client, ShareCode
from dsar.casework.services import create_client
from dsar.casework.state import refresh_request_state
from dsar.letters.inputs import InputError, parse_person
from dsar.requests import uploads as up
from dsar.requests.models import DataRequest, Event, RequestDraft, Upload, Workspace, hash_token
from dsar.requests.services import unused_reference

# Crockford base32 without I, L, O, U: unambiguous when read out on the phone or retyped.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12
VALID_DAYS = 7
# The version of the consent wording in templates/requests/_share.html: change it whenever
# that wording changes, so that each share row says which wording the citizen agreed to.
CONSENT_VERSION = "share-2026-12"
# What people type for what they mean (Crockford's decoding rules); hyphens and spaces are
# only there for reading.
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015]+")


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def format_code(code: str) -> str:
    """7K3MQ9XTABCD → 7K3M-Q9XT-ABCD."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def canonical(typed: str) -> str | None:
    """The code as stored (upper case, no separators), or None if it cannot be one."""
    code = _SEPARATORS.sub("", (typed or "")[:64]).upper().translate(_LOOKALIKES)
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def create_share_code(session: Session, workspace: Workspace, *, now: datetime) -> tuple[str, ShareCode]:
    """A new code for the workspace (formatted for reading) and its row; any earlier code
    not yet used stops working. The caller commits."""
    session.execute(update(ShareCode).where(
        ShareCode.workspace_id == workspace.id, ShareCode.used_at.is_(None),
        ShareCode.cancelled_at.is_(None)).values(cancelled_at=now))
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    row = ShareCode(workspace_id=workspace.id, code_hash=hash_token(code), consent_version=CONSENT_VERSION,
                    created_at=now, expires_at=now + timedelta(days=VALID_DAYS))
    session.add(row)
    session.flush()
    return format_code(code), row


@dataclass(frozen=True)
class Redeemed:
    client: Client
    consent_version: str
    requests: int
    files: int


def _claim(session: Session, typed: str, team_id: int, now: datetime) -> ShareCode | None:
    """Mark the code used by this team, if it is valid; a single conditional UPDATE, so two
    caseworkers entering the same code at once cannot both get the copy."""
    code = canonical(typed)
    if code is None:
        return None
    row = session.scalar(select(ShareCode).where(ShareCode.code_hash == hash_token(code)))
    if row is None:
        return None
    claimed = session.execute(update(ShareCode).where(
        ShareCode.id == row.id, ShareCode.used_at.is_(None), ShareCode.cancelled_at.is_(None),
        ShareCode.expires_at > now).values(used_at=now, used_by_team_id=team_id))
    if claimed.rowcount != 1:
        return None
    session.refresh(row)
    return row


def redeem(session: Session, team_id: int, typed: str, *, caseworker_id: int, uploads_dir: Path,
           now: datetime) -> Redeemed | None:
    """The new client holding a copy of the shared workspace's requests, or None when the code
    is wrong, expired, cancelled or already used (the caller says the same for all four).
    The caller commits."""
    share = _claim(session, typed, team_id, now)
    if share is None:
        return None
    originals = list(session.scalars(select(DataRequest).where(
        DataRequest.workspace_id == share.workspace_id).order_by(DataRequest.id)))
    client = create_client(session, team_id, client_values(originals), caseworker_id=caseworker_id)
    written: list[Upload] = []
    try:
        for original in originals:
            written += copy_request(session, original, client.workspace_id, uploads_dir)
    except BaseException:
        for upload in written:  # no half-copied files left behind
            (uploads_dir / upload.stored_name).unlink(missing_ok=True)
        raise
    return Redeemed(client, share.consent_version, len(originals), len(written))


def client_values(requests: list[DataRequest]) -> dict:
    """The client's details from the person in the most recent request (as the citizen last
    wrote them); the caseworker checks and completes them on the client page."""
    latest = max(requests, key=lambda r: (r.created_at, r.id), default=None)
    stored = dict(latest.person) if latest else {}
    try:
        person = parse_person(stored)
        name, address, email = person.name, list(person.address), person.email
        date_of_birth, previous = person.date_of_birth, [list(a) for a in person.previous_addresses]
        numbers = dict(person.customer_numbers)
    except InputError:  # stored before today's rules: keep what is usable
        name, address, email = str(stored.get("name") or ""), [], ""
        date_of_birth, previous, numbers = None, [], {}
    return {
        "name": name[:200], "address": address, "previous_addresses": previous,
        "date_of_birth": date_of_birth, "email": email[:320], "phone": "",
        "preferred_language": latest.language if latest else "en",
        "identifiers": {"": numbers} if numbers else {}, "safe_contact": False,
    }


def copy_request(session: Session, original: DataRequest, workspace_id: int,
                 uploads_dir: Path) -> list[Upload]:
    """A copy of one request in another workspace: its events in order (corrections still
    pointing at what they correct), its saved drafts and its files under new random names.
    References are unique, so the copy gets a new one; the original's is kept in its details
    (it is the one the organisation knows). Returns the copied files' rows."""
    copy = DataRequest(
        workspace_id=workspace_id, right=original.right,
        reference=unused_reference(session, (original.recipient or {}).get("name", "")),
        jurisdiction=original.jurisdiction, language=original.language, org_slug=original.org_slug,
        recipient=dict(original.recipient), person=dict(original.person),
        details={**(original.details or {}), "original_reference": original.reference},
    )
    session.add(copy)
    session.flush()
    files = _copy_files(session, original, copy, uploads_dir)
    new_file_ids = {old: new.public_id for old, new in files.items()}
    new_event_ids: dict[int, int] = {}
    for event in sorted(original.events, key=lambda e: e.id):
        data = dict(event.data or {})
        if "files" in data:
            data["files"] = [new_file_ids[f] for f in data["files"] if f in new_file_ids]
        row = Event(request_id=copy.id, kind=event.kind, occurred_on=event.occurred_on, data=data,
                    recorded_at=event.recorded_at, supersedes_id=new_event_ids.get(event.supersedes_id))
        session.add(row)
        session.flush()
        new_event_ids[event.id] = row.id
    for draft in session.scalars(select(RequestDraft).where(RequestDraft.request_id == original.id)):
        session.add(RequestDraft(request_id=copy.id, kind=draft.kind, content=dict(draft.content or {})))
    session.flush()
    session.expire(copy, ["events"])
    refresh_request_state(session, copy)  # without its cache row the copy is not in the caseload
    return list(files.values())


def _copy_files(session: Session, original: DataRequest, copy: DataRequest,
                uploads_dir: Path) -> dict[str, Upload]:
    """Each of the original's files that is still on disk, stored again for the copy:
    {original public id: the copy's row}."""
    copied = {}
    for upload in up.request_uploads(session, original):
        try:
            content = up.read_upload(upload, uploads_dir)
        except (OSError, up.UploadError):
            continue  # gone from disk: there is nothing to copy
        item = up.IncomingFile(upload.original_name, content)
        copied[upload.public_id] = up.store(session, copy, [(item, upload.media_type)], uploads_dir)[0]
    return copied
