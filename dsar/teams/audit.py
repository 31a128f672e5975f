"""The audit trail: append-only, one hash chain per team.

Each event's hash is SHA-256 over the previous event's hash and the event's own fields in a
canonical JSON form, so changing, inserting or deleting any row is detected by ``verify``
(``python run.py audit verify --team SLUG``). Events carry public ids and action names only —
never a client's name, address or any other personal data — so deleting a client's file
leaves an audit line that says what happened without saying about whom."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dsar.teams.models import AuditEvent

GENESIS = "0" * 64


def _digest(previous_hash: str, event: AuditEvent) -> str:
    content = {
        "team": event.team_id, "sequence": event.sequence,
        "at": event.at.replace(microsecond=0).isoformat(), "actor": event.actor,
        "action": event.action, "object_type": event.object_type, "object_id": event.object_id,
        "address": event.address, "detail": event.detail,
    }
    payload = previous_hash + json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode()).hexdigest()


def record(session: Session, team_id: int | None, action: str, *, actor: str = "",
           object_type: str = "", object_id: str = "", address: str = "",
           detail: dict | None = None, now: datetime | None = None) -> AuditEvent:
    """Append one event to the team's chain (in the caller's transaction)."""
    for _attempt in range(5):
        last = session.scalar(
            select(AuditEvent).where(AuditEvent.team_id.is_(team_id) if team_id is None
                                     else AuditEvent.team_id == team_id)
            .order_by(AuditEvent.sequence.desc()).limit(1)
        )
        event = AuditEvent(
            team_id=team_id, sequence=(last.sequence + 1) if last else 1,
            at=(now or datetime.now(UTC)).replace(tzinfo=None, microsecond=0), actor=actor,
            action=action, object_type=object_type, object_id=object_id, address=address[:64],
            detail=detail or {}, previous_hash=last.hash if last else GENESIS,
        )
        event.hash = _digest(event.previous_hash, event)
        try:
            with session.begin_nested():
                session.add(event)
            return event
        except IntegrityError:  # another process took this sequence number: chain on it
            continue
    raise RuntimeError("could not append to the audit trail")


@dataclass(frozen=True)
class ChainReport:
    events: int
    broken_at: int | None  # the sequence number of the first event that does not verify

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify(session: Session, team_id: int) -> ChainReport:
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.team_id == team_id).order_by(AuditEvent.sequence)
    ).all()
    previous = GENESIS
    for expected_sequence, event in enumerate(events, start=1):
        if (event.sequence != expected_sequence or event.previous_hash != previous
                or _digest(previous, event) != event.hash):
            return ChainReport(len(events), event.sequence)
        previous = event.hash
    return ChainReport(len(events), None)


def events_for(session: Session, team_id: int, *, limit: int = 50, offset: int = 0) -> list[AuditEvent]:
    return list(session.scalars(
        select(AuditEvent).where(AuditEvent.team_id == team_id)
        .order_by(AuditEvent.sequence.desc()).limit(limit).offset(offset)
    ))
