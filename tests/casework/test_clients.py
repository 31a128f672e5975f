"""Clients: added with every detail (kept when a field is wrong), shown, changed, noted,
handed over and closed; read-only members look but do not touch; every view and change is
an audit event without personal data."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from dsar.casework.models import Client
from dsar.teams import audit
from dsar.teams.models import Account, AuditEvent
from tests.casework.conftest import CLIENT_FORM
from tests.conftest import csrf_token


def _add(world, form=CLIENT_FORM):
    page = world.worker.get(f"/t/{world.team.slug}/clients/new").get_data(as_text=True)
    return world.worker.post(f"/t/{world.team.slug}/clients/new",
                             data={"csrf_token": csrf_token(page), **form})


def test_add_a_client_with_every_detail(world, db_session):
    response = _add(world)
    assert response.status_code == 302
    client = db_session.scalar(select(Client))
    assert (client.name, client.safe_contact) == ("Jo Bloggs", True)
    assert client.address == ["1 Safe Street", "Leeds", "LS1 1AA"]
    assert client.previous_addresses == [["3 Old Road", "Leeds", "LS2 2BB"],
                                         ["9 Older Lane", "York", "YO1 1AA"]]
    assert client.date_of_birth == date(1980, 3, 27)
    assert client.identifiers == {"": {"Customer number": "12345678"},
                                  "experian-gb": {"CreditExpert account number": "CE-998877"}}
    worker = db_session.scalar(select(Account).where(Account.email == "worker@leeds.example"))
    assert client.caseworker_id == worker.id
    page = world.worker.get(response.headers["Location"]).get_data(as_text=True)
    assert "Safe contact: never write to the client's home" in page and "27 March 1980" in page


def test_a_bad_field_is_named_and_everything_typed_is_kept(world, db_session):
    form = {**CLIENT_FORM, "email": "jo@@example", "dob-year": "99999999999", "identifiers": "no colon here"}
    response = _add(world, form)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#email"' in html and 'href="#dob-day"' in html and 'href="#identifiers"' in html
    assert 'value="Jo Bloggs"' in html and "3 Old Road" in html and 'value="jo@@example"' in html
    assert db_session.scalar(select(Client)) is None


def test_change_details_and_the_audit_names_fields_not_values(world, db_session):
    _add(world)
    client = db_session.scalar(select(Client))
    url = f"/t/{world.team.slug}/clients/{client.public_id}/edit"
    page = world.worker.get(url).get_data(as_text=True)
    assert "experian-gb / CreditExpert account number: CE-998877" in page  # shown as typed
    world.worker.post(url, data={"csrf_token": csrf_token(page), **CLIENT_FORM, "phone": "0113 496 0001"})
    db_session.expire_all()
    assert db_session.get(Client, client.id).phone == "0113 496 0001"
    change = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "client_changed"))
    assert change.detail == {"fields": ["phone"]} and change.object_id == client.public_id
    everything = " ".join(str((e.detail, e.object_id)) for e in db_session.scalars(select(AuditEvent)))
    assert "Jo Bloggs" not in everything and "0113" not in everything and "Safe Street" not in everything


def test_viewing_a_client_is_audited(world, db_session):
    _add(world)
    client = db_session.scalar(select(Client))
    world.reader.get(f"/t/{world.team.slug}/clients/{client.public_id}")
    reader = db_session.scalar(select(Account).where(Account.email == "reader@leeds.example"))
    viewed = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "client_viewed",
                                                        AuditEvent.actor == reader.public_id))
    assert viewed is not None and viewed.object_id == client.public_id
    assert audit.verify(db_session, world.team.id).ok


def test_read_only_members_can_look_but_not_change(world, db_session):
    _add(world)
    client = db_session.scalar(select(Client))
    base = f"/t/{world.team.slug}/clients/{client.public_id}"
    page = world.reader.get(base)
    assert page.status_code == 200 and "Add a note" not in page.get_data(as_text=True)
    token = csrf_token(page.get_data(as_text=True))
    assert world.reader.get(f"/t/{world.team.slug}/clients/new").status_code == 403
    assert world.reader.get(f"{base}/edit").status_code == 403
    for action in ("notes", "close", "caseworker"):
        response = world.reader.post(f"{base}/{action}", data={"csrf_token": token, "note": "x"})
        assert response.status_code == 403


def test_notes_handover_and_closing(world, db_session):
    _add(world)
    client = db_session.scalar(select(Client))
    base = f"/t/{world.team.slug}/clients/{client.public_id}"
    token = csrf_token(world.worker.get(base).get_data(as_text=True))
    empty = world.worker.post(f"{base}/notes", data={"csrf_token": token, "note": "  "})
    assert empty.status_code == 400 and "Write the note" in empty.get_data(as_text=True)
    world.worker.post(f"{base}/notes", data={"csrf_token": token, "note": "Called Experian; no reply yet."})
    assert "Called Experian; no reply yet." in world.worker.get(base).get_data(as_text=True)
    admin = db_session.scalar(select(Account).where(Account.email == "admin@leeds.example"))
    world.worker.post(f"{base}/caseworker", data={"csrf_token": token, "caseworker": admin.public_id})
    db_session.expire_all()
    assert db_session.get(Client, client.id).caseworker_id == admin.id
    world.worker.post(f"{base}/close", data={"csrf_token": token})
    db_session.expire_all()
    assert db_session.get(Client, client.id).closed_on == date(2026, 11, 26)
    listing = world.worker.get(f"/t/{world.team.slug}/clients").get_data(as_text=True)
    assert "Jo Bloggs" not in listing  # closed clients are hidden unless asked for
    assert "Jo Bloggs" in world.worker.get(f"/t/{world.team.slug}/clients?closed=1").get_data(as_text=True)


def test_hand_over_every_client_of_a_caseworker(world, db_session):
    _add(world)
    _add(world, {**CLIENT_FORM, "name": "Sam Second"})
    worker = db_session.scalar(select(Account).where(Account.email == "worker@leeds.example"))
    admin = db_session.scalar(select(Account).where(Account.email == "admin@leeds.example"))
    token = csrf_token(world.admin.get(f"/t/{world.team.slug}/staff").get_data(as_text=True))
    own = csrf_token(world.worker.get(f"/t/{world.team.slug}/clients").get_data(as_text=True))
    assert world.worker.post(f"/t/{world.team.slug}/staff/{worker.public_id}/hand-over",
                             data={"csrf_token": own, "caseworker": admin.public_id}).status_code == 403
    world.admin.post(f"/t/{world.team.slug}/staff/{worker.public_id}/hand-over",
                     data={"csrf_token": token, "caseworker": admin.public_id})
    db_session.expire_all()
    assert {c.caseworker_id for c in db_session.scalars(select(Client))} == {admin.id}
