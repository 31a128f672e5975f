"""Importing members whose mandates a group collected offline (issue 14 item 3): a CSV read
twice as a stream. The first pass checks every row and keeps only a bounded list of errors;
nothing is written while any row is bad, unless the organiser asked for the valid rows only.
The second pass writes the rows in batches of bulk inserts, one transaction per batch.

Each imported member gets what joining on the page gives (joining.join_campaign): a workspace,
one request per target of the current version with its ``created`` event, written from the
same letter service (build_letter_request) with the same reference scheme, and the
campaign's letter rows. The per-person join service costs ~10 queries a person; the batches
here cost ~6 statements per 1,000 people (bench/campaign_import.py measures both).

Duplicates (same person at the same address, person_key) are merged: within the file, and
against the campaign's participants, so a rerun of the same file imports nothing new. The
consent is the group's mandate: ``consent_version`` "mandate" and the mandate's reference."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from dsar.campaigns.import_rows import HeaderError, Row, RowError, mandate_digest, person_key, read_rows
from dsar.campaigns.joining import WORKSPACE_KIND
from dsar.campaigns.models import Campaign, CampaignLetter, CampaignTarget, Participant
from dsar.campaigns.services import availability, ensure_version
from dsar.directory.schema import OrgRecord
from dsar.directory.services import get_organisation
from dsar.letters.identifiers import disclosed_to
from dsar.letters.inputs import build_letter_request, person_to_dict, recipient_to_dict, request_details
from dsar.requests.models import DataRequest, Event, Workspace, hash_token, new_public_id
from dsar.requests.services import _ALPHABET as REFERENCE_ALPHABET
from dsar.requests.services import reference_prefix
from dsar.rights import CATALOGUE
from dsar.validation import Problem

MANDATE_CONSENT = "mandate"  # consent_version of an imported member: the group holds the mandate
SOURCE = "import"
MAX_ERRORS = 200  # errors kept for the report; the rest are counted
BATCH = 1000
FATAL = ("unreadable", "line_too_long")  # the file cannot be read to its end: nothing is imported

__all__ = ["HeaderError", "ImportRefused", "ImportReport", "import_members"]


class ImportRefused(ValueError):
    """The campaign takes no members now (``reason``: availability()'s answer), or none of
    its organisations is in the directory any more ("no_targets")."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


@dataclass
class ImportReport:
    rows: int = 0  # data rows read (blank lines not counted)
    bad_rows: int = 0
    errors: list[RowError] = field(default_factory=list)  # the first MAX_ERRORS
    more_errors: int = 0  # errors found beyond those
    duplicates: int = 0  # rows merged into an earlier row of the file
    existing: int = 0  # rows merged into someone already in the campaign
    imported: int = 0  # new participants written
    requests: int = 0  # their requests (one per target)
    fatal: bool = False
    valid_only: bool = False

    @property
    def refused(self) -> bool:
        """Nothing was imported because of the bad rows."""
        return self.fatal or (self.bad_rows > 0 and not self.valid_only)

    @property
    def merged(self) -> int:
        return self.duplicates + self.existing

    def add_error(self, error: RowError) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error)
        else:
            self.more_errors += 1

    def counts(self) -> dict:
        """What the audit line records: numbers only, never a name or a reference."""
        return {"rows": self.rows, "bad_rows": self.bad_rows, "merged": self.merged,
                "imported": self.imported, "requests": self.requests, "valid_only": self.valid_only}


@dataclass
class _Seen:
    """What the campaign already holds, and what the file added so far, as small numbers
    (~150 bytes a row; the rows themselves are never kept): person keys, and each mandate
    reference's person key and line (0: already in the campaign), packed into one number."""

    existing: set[int]
    mandates: dict[int, int]  # mandate digest → person key << 32 | line
    in_file: set[int] = field(default_factory=set)


def _small(key: str) -> int:
    """A person key's first 64 bits: a clash in a million people has odds of 1 in 30 million."""
    return int(key[:16], 16)


def _existing(session: Session, campaign: Campaign) -> _Seen:
    keys: set[int] = set()
    mandates: dict[int, int] = {}
    rows = session.execute(select(Participant.person_key, Participant.mandate_reference).where(
        Participant.campaign_id == campaign.id, Participant.person_key.is_not(None)))
    for key, reference in rows:
        keys.add(_small(key))
        if reference:
            mandates[mandate_digest(reference)] = _small(key) << 32
    # People who joined on the page have no stored key: their first request's person says it.
    joined = (select(DataRequest.workspace_id, DataRequest.person)
              .join(Participant, Participant.workspace_id == DataRequest.workspace_id)
              .where(Participant.campaign_id == campaign.id, Participant.person_key.is_(None))
              .order_by(DataRequest.workspace_id, DataRequest.id))
    last_workspace = None
    for workspace_id, person in session.execute(joined):
        if workspace_id != last_workspace:
            person = person if isinstance(person, dict) else {}
            keys.add(_small(person_key(person.get("name") or "", person.get("address") or ())))
            last_workspace = workspace_id
    return _Seen(keys, mandates)


def _verdicts(rows: Iterator[Row], seen: _Seen) -> Iterator[tuple[Row, str]]:
    """Each row with "bad", "duplicate", "existing" or "new". Deterministic from the file and
    the campaign, so the writing pass reaches the verdicts the checking pass reported."""
    for row in rows:
        key = _small(row.key) if row.key else 0
        if row.errors:
            yield row, "bad"
        elif key in seen.in_file:
            yield row, "duplicate"
        elif key in seen.existing:
            yield row, "existing"
        else:
            digest = mandate_digest(row.mandate_reference)
            owner = seen.mandates.get(digest)
            if owner is not None and owner >> 32 != key:
                line = owner & 0xFFFFFFFF
                code = "mandate_reused" if line else "mandate_taken"
                row.errors.append(RowError(row.line, "", _problem(code, line or None)))
                yield row, "bad"
                continue
            seen.in_file.add(key)
            seen.mandates[digest] = key << 32 | row.line
            yield row, "new"


def _problem(code: str, limit: int | None) -> Problem:
    return Problem("mandate_reference", code, limit)


@dataclass(frozen=True)
class _Target:
    target: CampaignTarget
    record: OrgRecord
    right: str
    jurisdiction: str
    language: str


def _targets(session: Session, campaign: Campaign, version) -> list[_Target]:
    by_slug = {t.org_slug: t for t in campaign.targets}
    found = []
    for entry in version.snapshot["targets"]:
        record = get_organisation(session, entry["slug"])
        if record is not None:  # gone from the directory since: no letter can be addressed
            found.append(_Target(by_slug[entry["slug"]], record, version.snapshot["right"],
                                 entry["jurisdiction"], entry["language"]))
    if not found:
        raise ImportRefused("no organisation of this campaign is in the directory any more", "no_targets")
    return found


def import_members(session: Session, campaign: Campaign, open_stream, *, valid_only: bool,
                   today: date, now: datetime, batch: int = BATCH) -> ImportReport:
    """Check the file ``open_stream()`` returns (a binary stream; called once per pass), then,
    unless a row is bad and ``valid_only`` is false, write its new members. HeaderError for a
    file that cannot be read as members, ImportRefused for a campaign that takes nobody now;
    nothing is written then. Commits each batch (the caller commits its audit line)."""
    reason = availability(campaign, today)
    if reason != "open":
        raise ImportRefused(f"the campaign takes nobody now ({reason.replace('_', ' ')})", reason)
    version, _made = ensure_version(session, campaign)
    targets = _targets(session, campaign, version)
    report = ImportReport(valid_only=valid_only)
    with open_stream() as stream:
        for row, verdict in _verdicts(read_rows(stream, today), _existing(session, campaign)):
            report.rows += 1
            if verdict == "bad":
                report.bad_rows += 1
                report.fatal |= any(e.problem.code in FATAL for e in row.errors)
                for error in row.errors:
                    report.add_error(error)
            elif verdict == "duplicate":
                report.duplicates += 1
            elif verdict == "existing":
                report.existing += 1
    if report.fatal:
        report.rows -= 1  # the unreadable rest is no row
    session.commit()  # the version, if a template change made a new one
    if report.refused:
        return report
    with open_stream() as stream:
        pending: list[Row] = []
        for row, verdict in _verdicts(read_rows(stream, today), _existing(session, campaign)):
            if verdict == "new":
                pending.append(row)
                if len(pending) >= batch:
                    _write(session, campaign.id, version.id, targets, pending, today, now, report)
                    pending = []
        if pending:
            _write(session, campaign.id, version.id, targets, pending, today, now, report)
    return report


def _reference(prefix: str) -> str:
    """requests.services.new_reference's scheme (the organisation's first letters and 40
    random bits in its alphabet), from one call to the system's random source instead of
    eight: the writing pass makes one per letter."""
    bits = int.from_bytes(secrets.token_bytes(5), "big")
    chars = "".join(REFERENCE_ALPHABET[(bits >> (5 * i)) & 31] for i in range(8))
    return f"{prefix}-{chars[:4]}-{chars[4:]}"


def _references(session: Session, prefixes: list[str]) -> list[str]:
    """A new reference per letter, none already stored nor repeated in the batch."""
    references = [_reference(prefix) for prefix in prefixes]
    while True:
        taken = set(session.scalars(select(DataRequest.reference).where(
            DataRequest.reference.in_(references))))
        if not taken and len(set(references)) == len(references):
            return references
        used: set[str] = set()
        for i, reference in enumerate(references):
            if reference in taken or reference in used:
                references[i] = _reference(prefixes[i])
            used.add(references[i])


def _write(session: Session, campaign_id: int, version_id: int, targets: list[_Target],
           rows: list[Row], today: date, now: datetime, report: ImportReport) -> None:
    """One batch: workspaces, participants, requests, their events and letter rows, as bulk
    inserts of the tables (no ORM objects) in one transaction."""
    # What each target's letter says apart from the person: the letter service's answer for
    # the batch's first person holds for all (only the person differs between members).
    letters = [build_letter_request(right=t.right, org=t.record, person=rows[0].person, today=today,
                                    jurisdiction=t.jurisdiction, locale=t.language) for t in targets]
    fixed = [{"right": letter.right, "jurisdiction": letter.jurisdiction, "language": letter.locale,
              "org_slug": t.record.slug, "recipient": recipient_to_dict(letter.recipient),
              "details": {**request_details(letter), "letter_date": today.isoformat()}}
             for t, letter in zip(targets, letters, strict=True)]
    kind = CATALOGUE.get(targets[0].right)
    workspace_ids = _insert(session, Workspace, [
        {"public_id": new_public_id(), "kind": WORKSPACE_KIND,
         # Nobody holds the link yet: a token is made and only its hash kept, as for any workspace.
         "token_hash": hash_token(secrets.token_urlsafe(24))} for _ in rows])
    participant_ids = _insert(session, Participant, [
        {"public_id": new_public_id(), "campaign_id": campaign_id, "version_id": version_id,
         "workspace_id": workspace_id, "consent_version": MANDATE_CONSENT, "consented_at": now,
         "share_named": False, "source": SOURCE, "mandate_reference": row.mandate_reference,
         "person_key": row.key} for row, workspace_id in zip(rows, workspace_ids, strict=True)])
    prefixes = [reference_prefix(letter.recipient.name) for letter in letters]
    references = iter(_references(session, prefixes * len(rows)))
    # Each organisation is told only what it needs of the person, as build_letter_request does.
    request_ids = _insert(session, DataRequest, [
        {**values, "public_id": new_public_id(), "workspace_id": workspace_id,
         "reference": next(references), "person": person_to_dict(disclosed_to(row.person, kind, t.record))}
        for row, workspace_id in zip(rows, workspace_ids, strict=True)
        for t, values in zip(targets, fixed, strict=True)])
    session.execute(insert(Event.__table__), [
        {"request_id": request_id, "kind": "created", "occurred_on": today, "data": {}}
        for request_id in request_ids])
    pairs = [(participant_id, t.target.id) for participant_id in participant_ids for t in targets]
    session.execute(insert(CampaignLetter.__table__), [
        {"participant_id": participant_id, "target_id": target_id, "request_id": request_id}
        for (participant_id, target_id), request_id in zip(pairs, request_ids, strict=True)])
    session.commit()
    report.imported += len(rows)
    report.requests += len(request_ids)


def _insert(session: Session, model, rows: list[dict]) -> list[int]:
    """Insert the rows in one executemany, then their new ids in the order given, found by
    their random public ids (portable, unlike trusting ids to be consecutive; and a RETURNING
    that keeps the order runs row by row on SQLite)."""
    table = model.__table__
    session.execute(insert(table), rows)
    ids = dict(session.execute(select(table.c.public_id, table.c.id).where(
        table.c.public_id.in_([row["public_id"] for row in rows]))).all())
    return [ids[row["public_id"]] for row in rows]
