"""The caseload: every request of a team with its derived status and due date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from dsar.casework.models import Client
from dsar.requests.models import DataRequest
from dsar.requests.services import case_state


@dataclass(frozen=True)
class CaseloadRow:
    client_id: str
    client_name: str
    request_id: str
    organisation: str
    right: str
    status: str
    due: date | None
    days_left: int | None


def _row(client: Client, req: DataRequest, today: date) -> CaseloadRow:
    state = case_state(req, today=today)
    return CaseloadRow(
        client_id=client.public_id, client_name=client.name, request_id=req.public_id,
        organisation=(req.recipient or {}).get("name", ""), right=req.right,
        status=state.status, due=state.due, days_left=state.days_left,
    )


def caseload(session: Session, team_id: int, *, today: date) -> list[CaseloadRow]:
    clients = session.scalars(
        select(Client).where(Client.team_id == team_id)
        .options(selectinload(Client.workspace))
    ).all()
    rows = []
    for client in clients:
        requests = session.scalars(
            select(DataRequest).where(DataRequest.workspace_id == client.workspace_id)
            .options(selectinload(DataRequest.events))
        ).all()
        rows.extend(_row(client, req, today) for req in requests)
    rows.sort(key=lambda r: (r.due is None, r.due or date.max))
    return rows


def client_requests(session: Session, client: Client, *, today: date) -> list[CaseloadRow]:
    requests = session.scalars(
        select(DataRequest).where(DataRequest.workspace_id == client.workspace_id)
        .options(selectinload(DataRequest.events)).order_by(DataRequest.id)
    ).all()
    return [_row(client, req, today) for req in requests]
