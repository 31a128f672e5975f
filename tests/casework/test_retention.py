"""The client's own rights over their file and the team's retention rule: the export ZIP
read back, deletion that leaves only an id-only audit line, and `retention purge` with an
injected date (dry run first)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

from pypdf import PdfReader
from sqlalchemy import func, select

from dsar.casework.models import CaseNote, Client
from dsar.requests.models import DataRequest, Event, Upload
from dsar.teams import audit
from dsar.teams.models import AuditEvent
from tests.casework.conftest import CLIENT_FORM, add_request
from tests.casework.test_clients import _add
from tests.conftest import csrf_token


def _client_with_a_request(world, db_session, app, *, closed_on=None):
    _add(world)
    client = db_session.scalars(select(Client).order_by(Client.id.desc())).first()
    request = add_request(db_session, client, today=date(2026, 1, 5))
    uploads = app.config["DSAR_SETTINGS"].instance_path / "uploads"
    uploads.mkdir(exist_ok=True)
    stored = "ab" * 16
    (uploads / stored).write_bytes(b"Experian's reply, as text")
    db_session.add(Upload(request_id=request.id, stored_name=stored, original_name="reply.txt",
                          media_type="text/plain", size=25, sha256="0" * 64))
    db_session.add(CaseNote(client_id=client.id, text="Rang Experian."))
    client.closed_on = closed_on
    db_session.commit()
    return client, request, uploads / stored


def test_export_zip_holds_details_notes_letters_and_files(world, db_session, app):
    client, request, _path = _client_with_a_request(world, db_session, app)
    response = world.worker.get(f"/t/{world.team.slug}/clients/{client.public_id}/export.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = set(archive.namelist())
    assert {"client.json", f"letters/{request.reference}.pdf"} <= names
    data = json.loads(archive.read("client.json"))
    assert data["client"]["name"] == "Jo Bloggs" and data["client"]["date_of_birth"] == "1980-03-27"
    assert data["notes"][0]["text"] == "Rang Experian."
    assert data["requests"][0]["events"][0]["kind"] == "created"
    received = [n for n in names if n.startswith(f"received/{request.reference}/")]
    assert len(received) == 1 and archive.read(received[0]) == b"Experian's reply, as text"
    letter = PdfReader(io.BytesIO(archive.read(f"letters/{request.reference}.pdf")))
    assert "Experian Ltd" in letter.pages[0].extract_text()
    assert world.reader.get(f"/t/{world.team.slug}/clients/{client.public_id}/export.zip").status_code == 403


def test_delete_on_request_leaves_only_an_id_only_audit_line(world, db_session, app):
    client, request, stored = _client_with_a_request(world, db_session, app)
    client_id, public_id = client.id, client.public_id
    url = f"/t/{world.team.slug}/clients/{public_id}/delete"
    assert world.reader.get(url).status_code == 403
    page = world.worker.get(url).get_data(as_text=True)
    wrong = world.worker.post(url, data={"csrf_token": csrf_token(page), "confirm": "Someone Else"})
    assert wrong.status_code == 400 and db_session.get(Client, client_id) is not None
    done = world.worker.post(url, data={"csrf_token": csrf_token(page), "confirm": "jo bloggs"})
    assert done.status_code == 302
    db_session.expire_all()
    for model in (Client, DataRequest, Event, Upload, CaseNote):
        assert db_session.scalar(select(func.count()).select_from(model)) == 0, model
    assert not stored.exists()
    line = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "client_deleted"))
    assert line.object_id == public_id and line.detail == {"requests": 1, "files": 1}
    assert "Jo" not in json.dumps([e.detail for e in db_session.scalars(select(AuditEvent))])
    assert audit.verify(db_session, world.team.id).ok


def test_retention_purge_with_an_injected_date(world, db_session, app, cli_runner, monkeypatch):
    # The command works on the app's own database (the web part of the test made the cases).
    monkeypatch.setenv("DSAR_DATABASE_URL", app.config["DSAR_SETTINGS"].database_url)
    old, _req, old_file = _client_with_a_request(world, db_session, app, closed_on=date(2025, 10, 31))
    _add(world, {**CLIENT_FORM, "name": "Recent Closed"})
    _add(world, {**CLIENT_FORM, "name": "Still Open"})
    recent = db_session.scalar(select(Client).where(Client.name == "Recent Closed"))
    recent.closed_on = date(2025, 12, 1)
    db_session.commit()
    # The team keeps closed cases 12 months (the default): on 30 Nov 2026 the case closed on
    # 31 Oct 2025 is due for deletion, the one closed on 1 Dec 2025 is not.
    dry = cli_runner("retention", "purge", "--dry-run", "--today", "2026-11-30")
    assert dry.exit_code == 0 and dry.output == "would delete\tclients=1\trequests=1\tfiles=1\n"
    assert old_file.exists()
    real = cli_runner("retention", "purge", "--today", "2026-11-30")
    assert real.output == "deleted\tclients=1\trequests=1\tfiles=1\n"
    db_session.expire_all()
    assert sorted(c.name for c in db_session.scalars(select(Client))) == ["Recent Closed", "Still Open"]
    assert not old_file.exists()
    again = cli_runner("retention", "purge", "--today", "2026-11-30")
    assert again.output == "deleted\tclients=0\trequests=0\tfiles=0\n"
    assert cli_runner("retention", "purge", "--today", "30/11/2026").exit_code == 2
