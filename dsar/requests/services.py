"""Requests and workspaces: create them, find them (always scoped to a workspace), and turn a
stored request back into the plain values compose() takes."""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.casework.state import refresh_request_state
from dsar.letters.compose import LetterRequest, calendar_for
from dsar.letters.inputs import parse_person, recipient_from_dict
from dsar.requests.models import DataRequest, Event, Workspace, hash_token
from dsar.requests.status import CaseState, EventValue, derive

# Crockford base32 without I, L, O, U: unambiguous when read out on the phone or retyped.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference() -> str:
    """A short random reference such as DSAR-7K3M-Q9XT (40 random bits)."""
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"DSAR-{chars[:4]}-{chars[4:]}"


def create_workspace(session: Session, kind: str = "private") -> tuple[Workspace, str]:
    """A new workspace and its secret token; only the token's hash is stored."""
    token = secrets.token_urlsafe(24)
    workspace = Workspace(kind=kind, token_hash=hash_token(token))
    session.add(workspace)
    session.flush()
    return workspace, token


def find_workspace(session: Session, token: str) -> Workspace | None:
    if not token or len(token) > 100:
        return None
    return session.scalar(select(Workspace).where(Workspace.token_hash == hash_token(token)))


def _unused_reference(session: Session) -> str:
    while True:
        reference = new_reference()
        taken = session.scalar(select(DataRequest.id).where(DataRequest.reference == reference))
        if taken is None:
            return reference


def create_request(
    session: Session,
    workspace: Workspace,
    *,
    right: str,
    jurisdiction: str,
    language: str,
    org_slug: str | None,
    recipient: dict,
    person: dict,
    details: dict,
    today: date,
) -> DataRequest:
    request = DataRequest(
        workspace_id=workspace.id,
        reference=_unused_reference(session),
        right=right,
        jurisdiction=jurisdiction,
        language=language,
        org_slug=org_slug,
        recipient=recipient,
        person=person,
        details={**details, "letter_date": today.isoformat()},
    )
    session.add(request)
    session.flush()
    session.add(Event(request_id=request.id, kind="created", occurred_on=today, data={}))
    refresh_request_state(session, request, today)
    return request


def workspace_requests(session: Session, workspace: Workspace) -> list[DataRequest]:
    query = (
        select(DataRequest)
        .where(DataRequest.workspace_id == workspace.id)
        .order_by(DataRequest.id)
    )
    return list(session.scalars(query))


def get_request(session: Session, workspace: Workspace, public_id: str) -> DataRequest | None:
    """Scoped: a request is found only through the workspace that owns it."""
    return session.scalar(
        select(DataRequest).where(
            DataRequest.workspace_id == workspace.id, DataRequest.public_id == public_id
        )
    )


def letter_request(request: DataRequest) -> LetterRequest:
    details = request.details or {}
    return LetterRequest(
        right=request.right,
        jurisdiction=request.jurisdiction,
        locale=request.language,
        reference=request.reference,
        person=parse_person(request.person),
        recipient=recipient_from_dict(request.recipient),
        today=date.fromisoformat(details["letter_date"]),
        channel=details.get("channel", "letter"),
        reasons=details.get("reasons", ""),
        corrections=tuple(details.get("corrections", ())),
        erasure_ground=details.get("erasure_ground", ""),
        restriction_ground=details.get("restriction_ground", ""),
        decision=details.get("decision", ""),
    )


def created_on(request: DataRequest) -> date:
    """The request's own date (the day it was written), which no event may precede."""
    return date.fromisoformat((request.details or {})["letter_date"])


def event_values(request: DataRequest) -> list[EventValue]:
    return [
        EventValue(kind=e.kind, occurred_on=e.occurred_on, data=dict(e.data or {}), id=e.id,
                   supersedes=e.supersedes_id)
        for e in request.events
    ]


def calendar_of(request: DataRequest) -> dict[str, str]:
    """The holiday calendar of the organisation's location (LEGAL.md §1)."""
    return calendar_for(recipient_from_dict(request.recipient))


def case_state(request: DataRequest, today: date, events: list[EventValue] | None = None) -> CaseState:
    """Derived from the events every time: status is never stored (DESIGN.md)."""
    values = event_values(request) if events is None else events
    return derive(values, today=today, **calendar_of(request))


def set_reminders(workspace: Workspace, *, email: str, locale: str, now: datetime) -> None:
    """Opt in: reminders go to ``email`` in ``locale``; ``now`` records the consent."""
    workspace.reminder_email = email
    workspace.reminder_locale = locale
    workspace.reminders_consented_at = now


def stop_reminders(workspace: Workspace) -> None:
    """Opt out: the address is forgotten, not just switched off."""
    workspace.reminder_email = None
    workspace.reminder_locale = None
    workspace.reminders_consented_at = None


def save_draft_text(request: DataRequest, key: str, values: dict) -> None:
    """Keep what the person typed for a follow-up (complaint wording), so it is there next
    time. These are drafts of letters, not facts about the case: they live in ``details``."""
    request.details = {**(request.details or {}), key: values}
