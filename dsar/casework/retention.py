"""A client's own rights over their file, and the team's retention rule.

- ``export_client``: the whole file as a ZIP (client.json with details, notes, requests and
  their events; every letter as a PDF; every uploaded file), for a subject access request by
  the client to the charity itself, or to move the case.
- ``delete_client``: the client, their requests, events, notes, authorities and files — the
  stored files too. What remains is the audit line the caller writes, which holds ids only.
- ``purge``: closed cases older than each team's retention period (``python run.py retention
  purge``, safe from cron: it deletes only what has expired, and ``dry_run`` deletes nothing).
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from dsar.casework.models import Authority, CaseNote, Client
from dsar.deadlines import add_months
from dsar.letters.compose import compose
from dsar.letters.formats import render
from dsar.requests.models import DataRequest, Upload, Workspace
from dsar.requests.services import letter_request
from dsar.requests.uploads import download_name
from dsar.teams.models import Team

STORED_NAME_CHARS = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class PurgeReport:
    clients: int
    requests: int
    files: int


def _requests(session: Session, client: Client) -> list[DataRequest]:
    return list(session.scalars(select(DataRequest).where(DataRequest.workspace_id == client.workspace_id)
                                .order_by(DataRequest.id)))


def _stored_files(session: Session, client: Client) -> list[str]:
    """Names of every file kept for this client (request uploads and signed authorities)."""
    request_ids = [r.id for r in _requests(session, client)]
    names = list(session.scalars(select(Upload.stored_name).where(Upload.request_id.in_(request_ids))))
    names += [a.stored_name for a in client.authorities if a.stored_name]
    return [n for n in names if n and set(n) <= STORED_NAME_CHARS]


def export_client(session: Session, client: Client, uploads_dir: Path, out: IO[bytes]) -> None:
    """Write the client's whole file as a ZIP to ``out``."""
    requests = _requests(session, client)
    notes = session.scalars(select(CaseNote).where(CaseNote.client_id == client.id)
                            .order_by(CaseNote.id)).all()
    data = {
        "client": {
            "name": client.name, "address": client.address, "previous_addresses": client.previous_addresses,
            "date_of_birth": client.date_of_birth.isoformat() if client.date_of_birth else None,
            "email": client.email, "phone": client.phone, "preferred_language": client.preferred_language,
            "identifiers": client.identifiers, "safe_contact": client.safe_contact,
            "closed_on": client.closed_on.isoformat() if client.closed_on else None,
        },
        "notes": [{"written": n.created_at.isoformat(), "text": n.text} for n in notes],
        "authorities": [{"organisations": a.organisations, "rights": a.rights,
                         "expires_on": a.expires_on.isoformat(),
                         "signed_on": a.signed_on.isoformat() if a.signed_on else None}
                        for a in client.authorities],
        "requests": [{
            "reference": r.reference, "right": r.right, "organisation": (r.recipient or {}).get("name"),
            "jurisdiction": r.jurisdiction, "language": r.language,
            "events": [{"kind": e.kind, "on": e.occurred_on.isoformat(), "data": e.data} for e in r.events],
        } for r in requests],
    }
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("client.json", json.dumps(data, ensure_ascii=False, indent=2))
        for r in requests:
            archive.writestr(f"letters/{r.reference}.pdf", render(compose(letter_request(r)), "pdf").content)
            uploads = session.scalars(select(Upload).where(Upload.request_id == r.id).order_by(Upload.id))
            for upload in uploads:
                path = uploads_dir / upload.stored_name
                if path.is_file():
                    archive.write(path, f"received/{r.reference}/{upload.id}-{download_name(upload)}")
        for a in client.authorities:
            if a.stored_name and (uploads_dir / a.stored_name).is_file():
                archive.write(uploads_dir / a.stored_name, f"authority/{a.public_id}")


def delete_client(session: Session, client: Client, uploads_dir: Path) -> tuple[int, int]:
    """Delete the client's whole file; return (requests, files) deleted. The database rows go
    by cascade from the client's workspace; the stored files are removed after the rows."""
    files = _stored_files(session, client)
    request_count = len(_requests(session, client))
    workspace_id = client.workspace_id
    session.execute(delete(Authority).where(Authority.client_id == client.id))
    session.execute(delete(CaseNote).where(CaseNote.client_id == client.id))
    session.execute(delete(Client).where(Client.id == client.id))
    session.execute(delete(Workspace).where(Workspace.id == workspace_id))
    session.flush()
    session.expunge(client)
    for name in files:
        (uploads_dir / name).unlink(missing_ok=True)
    return request_count, len(files)


def expired_clients(session: Session, today: date) -> list[tuple[Team, Client]]:
    found = []
    for team in session.scalars(select(Team).order_by(Team.id)):
        cutoff = add_months(today, -team.retention_months)
        for client in session.scalars(select(Client).where(
                Client.team_id == team.id, Client.closed_on.is_not(None), Client.closed_on <= cutoff)):
            found.append((team, client))
    return found


def purge(session: Session, today: date, uploads_dir: Path, *, dry_run: bool = False,
          on_delete=None) -> PurgeReport:
    """Delete every closed case past its team's retention period (nothing when ``dry_run``).
    ``on_delete(team, client_public_id)`` is called for each, e.g. to write the audit line."""
    clients = requests = files = 0
    for team, client in expired_clients(session, today):
        clients += 1
        if dry_run:
            requests += len(_requests(session, client))
            files += len(_stored_files(session, client))
            continue
        public_id = client.public_id
        deleted_requests, deleted_files = delete_client(session, client, uploads_dir)
        requests, files = requests + deleted_requests, files + deleted_files
        if on_delete is not None:
            on_delete(team, public_id)
    return PurgeReport(clients, requests, files)
