"""Letters from a client's file: one request and one letter per chosen organisation, in one go,
and one PDF to print them all.

Each letter is an ordinary stored request in the client's workspace (re-rendered from what is
stored, like a citizen's), written by ``build_letter_request``. Under an authority the team
is the sender and reply address and the letter says it acts for the client; when the client
writes in their own name the letter is theirs, as for a citizen.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.casework import authority as authorities
from dsar.casework.models import Client
from dsar.casework.state import refresh_request_state
from dsar.directory.services import get_organisation
from dsar.letters.compose import compose
from dsar.letters.inputs import (
    InputError,
    build_letter_request,
    person_to_dict,
    recipient_to_dict,
    request_details,
)
from dsar.letters.model import Letter
from dsar.requests.models import DataRequest, Event, Workspace
from dsar.requests.services import create_request, letter_request
from dsar.rights import get_right
from dsar.teams.models import Team

MAX_ORGANISATIONS = 20


@dataclass(frozen=True)
class LetterChoices:
    """What the caseworker chose on the form (checked by casework/letter_forms.py)."""

    org_slugs: tuple[str, ...]
    right: str
    reasons: str = ""
    corrections: str = ""
    ground: str = ""
    decision: str = ""
    posted_today: bool = True


def write_letters(session: Session, team: Team, client: Client, choices: LetterChoices,
                  today: date) -> list[DataRequest]:
    """One stored request per organisation (AuthorityProblem or InputError, nothing stored,
    when any of them cannot be written). Posted today: the 'sent' event starts the clock."""
    right = get_right(choices.right)
    records = []
    for slug in choices.org_slugs:
        record = get_organisation(session, slug)
        if record is None:
            raise InputError(f"unknown organisation {slug!r}")
        records.append(record)
    permitted = authorities.permissions(session, client, list(choices.org_slugs), right, today)
    if any(p.authority for p in permitted):
        authorities.check_team_address(team)
    letters = []
    for record, permission in zip(records, permitted, strict=True):
        held = permission.authority
        letters.append((record, build_letter_request(
            right=right.key, org=record, person=authorities.client_person(client),
            # The language the client's letters are written in (the client's file says).
            today=today, locale=client.preferred_language or None, reasons=choices.reasons,
            corrections=choices.corrections,
            ground=choices.ground if right.grounds else "", decision=choices.decision,
            representative=authorities.team_representative(team, client, held.expires_on)
            if held else None,
        )))
    workspace = session.get(Workspace, client.workspace_id)
    stored = []
    for record, letter in letters:
        request = create_request(
            session, workspace, right=letter.right, jurisdiction=letter.jurisdiction,
            language=letter.locale, org_slug=record.slug, recipient=recipient_to_dict(letter.recipient),
            person=person_to_dict(letter.person), details=request_details(letter), today=today)
        if choices.posted_today:
            session.add(Event(request_id=request.id, kind="sent", occurred_on=today,
                              data={"channel": "letter"}))
            # The caseload's cache follows the events (its sort, filters and CSV read it).
            session.flush()
            session.expire(request, ["events"])
            refresh_request_state(session, request, today)
        stored.append(request)
    session.flush()
    return stored


def client_request(session: Session, client: Client, public_id: str) -> DataRequest | None:
    """Scoped: found only through the client's own workspace."""
    return session.scalar(select(DataRequest).where(
        DataRequest.workspace_id == client.workspace_id, DataRequest.public_id == public_id))


def letter_of(request: DataRequest) -> Letter:
    return compose(letter_request(request))


def print_ready_pdf(letters: list[Letter]) -> bytes:
    """All the letters in one PDF for double-sided printing: each starts on a fresh sheet
    (a blank page follows a letter with an odd number of pages)."""
    from pypdf import PdfReader, PdfWriter

    from dsar.letters.pdf import render_pdf

    writer = PdfWriter()
    # One letter at a time in this process: this runs inside a web request, which must never
    # fork (dsar.letters.bulk is for the command line and jobs).
    for letter in letters:
        pages = PdfReader(io.BytesIO(render_pdf(letter))).pages
        for page in pages:
            writer.add_page(page)
        if len(pages) % 2:
            last = pages[-1].mediabox
            writer.add_blank_page(width=last.width, height=last.height)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
