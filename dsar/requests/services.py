"""Requests and workspaces: create them, find them (always scoped to a workspace), and turn a
stored request back into the plain values compose() takes."""

from __future__ import annotations

import re
import secrets
import unicodedata
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dsar.casework.state import refresh_request_state
from dsar.letters.compose import calendar_for
from dsar.letters.inputs import recipient_from_dict, representative_from_dict, stored_person
from dsar.letters.model import LetterRequest
from dsar.requests.models import DataRequest, Event, RequestDraft, Workspace, hash_token
from dsar.requests.status import CaseState, EventValue, derive, post_days_for

# Crockford base32 without I, L, O, U: unambiguous when read out on the phone or retyped.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


# Words of a name that say what kind of body it is rather than which one.
_GENERIC_WORDS = {"the", "ltd", "limited", "plc", "llp", "llc", "inc", "co", "gmbh", "ag", "se",
                  "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "kg", "uk", "group", "holding",
                  "holdings"}


def reference_prefix(organisation: str) -> str:
    """Up to three letters naming the organisation ("Experian Ltd" → "EXP"), so that a
    reference says whom it was sent to; "REF" for a name with no Latin letters."""
    ascii_name = unicodedata.normalize("NFKD", organisation).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", ascii_name)
    named = [w for w in words if w.lower() not in _GENERIC_WORDS] or words
    return named[0][:3].upper() if named else "REF"


def new_reference(organisation: str) -> str:
    """A short random reference such as EXP-7K3M-Q9XT: the organisation's first letters and
    40 random bits, in letters that cannot be misread."""
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"{reference_prefix(organisation)}-{chars[:4]}-{chars[4:]}"


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


def unused_reference(session: Session, organisation: str) -> str:
    """A new reference for a letter to ``organisation`` that no stored request has yet."""
    while True:
        reference = new_reference(organisation)
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
        reference=unused_reference(session, recipient.get("name", "")),
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
        # A copy handed to an adviser (casework/share.py) cites the reference the organisation knows.
        reference=details.get("original_reference") or request.reference,
        # Tolerant: a value stored under older rules must not stop the letter (see stored_person).
        person=stored_person(request.person)[0],
        recipient=recipient_from_dict(request.recipient),
        today=date.fromisoformat(details["letter_date"]),
        channel=details.get("channel", "letter"),
        reasons=details.get("reasons", ""),
        corrections=tuple(details.get("corrections", ())),
        erasure_ground=details.get("erasure_ground", ""),
        restriction_ground=details.get("restriction_ground", ""),
        decision=details.get("decision", ""),
        representative=representative_from_dict(details.get("representative")),
        **previous_request(details),
    )


def previous_request(details: dict) -> dict:
    """A repeated request's previous round, as its letter names it (issue 13 item 6)."""
    previous = details.get("previous_request")
    if not isinstance(previous, dict) or not previous.get("on"):
        return {}
    return {"previous_request_on": date.fromisoformat(previous["on"]),
            "previous_reference": str(previous.get("reference") or "")}


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
    """The holiday calendar of the organisation's location (Regulation 1182/71 Art 3(4); ICO guidance)."""
    return calendar_for(recipient_from_dict(request.recipient))


def case_state(request: DataRequest, today: date, events: list[EventValue] | None = None) -> CaseState:
    """Derived from the events every time: status is never stored (DESIGN.md)."""
    values = event_values(request) if events is None else events
    return derive(values, today=today, post_days=post_days_for(request.person, request.recipient),
                  **calendar_of(request))


DRAFT_KINDS = ("complaint_controller", "complaint_regulator", "cca_correction", "cca_complaint")


def get_draft(session: Session, request: DataRequest, kind: str) -> dict:
    """What the person last saved for this follow-up ({} if nothing)."""
    content = session.scalar(select(RequestDraft.content).where(
        RequestDraft.request_id == request.id, RequestDraft.kind == kind))
    return dict(content or {})


def save_draft(session: Session, request: DataRequest, kind: str, content: dict) -> None:
    """Keep what the person typed for a follow-up, so it is there next time. Each kind is a
    row of its own: two drafts saved at the same moment cannot overwrite each other."""
    if kind not in DRAFT_KINDS:
        raise ValueError(f"unknown draft kind {kind!r}")
    where = (RequestDraft.request_id == request.id, RequestDraft.kind == kind)
    if session.execute(update(RequestDraft).where(*where).values(content=content)).rowcount:
        return
    try:
        with session.begin_nested():  # the first save of this kind, unless another just won
            session.add(RequestDraft(request_id=request.id, kind=kind, content=content))
    except IntegrityError:
        session.execute(update(RequestDraft).where(*where).values(content=content))
