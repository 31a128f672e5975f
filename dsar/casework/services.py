"""Clients of a team: create, change, hand over, close, note. Every function takes the team
it acts for, and every lookup is scoped by it: nothing is ever loaded by id alone."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.casework.models import CaseNote, Client
from dsar.casework.state import move_clients
from dsar.requests.services import create_workspace
from dsar.teams.models import Account, Membership

CLIENT_FIELDS = ("name", "address", "previous_addresses", "date_of_birth", "email", "phone",
                 "preferred_language", "identifiers", "safe_contact")


def get_client(session: Session, team_id: int, public_id: str) -> Client | None:
    return session.scalar(select(Client).where(Client.team_id == team_id, Client.public_id == public_id))


def list_clients(session: Session, team_id: int, *, caseworker_id: int | None = None,
                 include_closed: bool = False) -> list[Client]:
    query = select(Client).where(Client.team_id == team_id).order_by(Client.name)
    if caseworker_id is not None:
        query = query.where(Client.caseworker_id == caseworker_id)
    if not include_closed:
        query = query.where(Client.closed_on.is_(None))
    return list(session.scalars(query))


def create_client(session: Session, team_id: int, values: dict, *, caseworker_id: int | None) -> Client:
    """A new client with their own (never shared) workspace for their requests."""
    workspace, _token = create_workspace(session, kind="client")
    client = Client(team_id=team_id, workspace_id=workspace.id, caseworker_id=caseworker_id,
                    **{k: values[k] for k in CLIENT_FIELDS})
    session.add(client)
    session.flush()
    return client


def update_client(client: Client, values: dict) -> list[str]:
    """Apply the form's values; return the names of the fields that changed (for the audit
    trail, which records which fields changed but never their values)."""
    changed = [k for k in CLIENT_FIELDS if getattr(client, k) != values[k]]
    for k in changed:
        setattr(client, k, values[k])
    return changed


def caseworkers(session: Session, team_id: int) -> list[Account]:
    """Members who can hold cases (caseworkers and admins), by name."""
    return list(session.scalars(
        select(Account).join(Membership).where(Membership.team_id == team_id,
                                               Membership.role.in_(("admin", "caseworker")))
        .order_by(Account.name, Account.email)
    ))


def member_account(session: Session, team_id: int, public_id: str) -> Account | None:
    return session.scalar(select(Account).join(Membership).where(
        Membership.team_id == team_id, Account.public_id == public_id,
        Membership.role.in_(("admin", "caseworker"))))


def reassign(session: Session, team_id: int, *, to: Account, client: Client | None = None,
             from_account: Account | None = None) -> list[Client]:
    """Hand one client, or every client of ``from_account``, to ``to``."""
    if client is not None:
        moved = [client]
    else:
        moved = list(session.scalars(select(Client).where(
            Client.team_id == team_id, Client.caseworker_id == from_account.id)))
    for c in moved:
        c.caseworker_id = to.id
    move_clients(session, [c.id for c in moved], to.id)
    return moved


def add_note(session: Session, client: Client, author_id: int, text: str) -> CaseNote:
    note = CaseNote(client_id=client.id, author_id=author_id, text=text)
    session.add(note)
    session.flush()
    return note


def notes_of(session: Session, client: Client) -> list[CaseNote]:
    return list(session.scalars(select(CaseNote).where(CaseNote.client_id == client.id)
                                .order_by(CaseNote.created_at.desc(), CaseNote.id.desc())))


def close_client(client: Client, today: date) -> None:
    client.closed_on = today


def reopen_client(client: Client) -> None:
    client.closed_on = None
