"""A citizen hands a copy of their requests to an adviser with a one-time code: made in the
private workspace after consenting, entered by a caseworker, copied (events, corrections,
files) under a new client; the citizen's workspace untouched; bad codes all get one answer;
the code is never stored; other teams and read-only members get nothing; tries are limited."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta

from sqlalchemy import func, select

from dsar.casework.models import Client, ShareCode
from dsar.casework.share import CONSENT_VERSION
from dsar.letters.compose import compose
from dsar.requests.models import DataRequest, Event, RequestDraft, Upload
from dsar.requests.services import letter_request
from dsar.teams.models import AuditEvent
from tests.conftest import csrf_token
from tests.requests.conftest import make_tracked, record, submit  # noqa: F401 - fixture
from tests.teams.conftest import sign_in

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" \
      b"trailer<</Root 1 0 R>>\n%%EOF\n"
CSV = "name,score\nSiân,412\n".encode()
REFUSED = "This code is not valid, has expired or was already used"
CODE = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}\b")
NOW = datetime(2026, 11, 26, 10, 0)


def text(response) -> str:
    return response.get_data(as_text=True)


def create_code(citizen, token: str, consent: bool = True):
    data = {"share_consent": "yes"} if consent else {}
    return submit(citizen, f"/w/{token}/share", data, form_url=f"/w/{token}")


def code_of(response) -> str:
    assert response.status_code == 200, text(response)[:500]
    return CODE.search(text(response)).group(0)


def redeem(member, team, code: str, **kwargs):
    return submit(member, f"/t/{team.slug}/clients/from-code", {"code": code}, **kwargs)


def citizen_case(citizen, make_tracked):  # noqa: F811 - the imported fixture
    """Two requests; the first sent (then corrected) and answered with two files."""
    first = make_tracked()
    make_tracked(token=first.token)
    record(citizen, first, "sent", "2026-09-01", channel="letter")
    session_events = citizen.application.extensions["dsar_sessions"]()
    sent = session_events.scalar(select(Event).where(Event.kind == "sent"))
    session_events.close()
    submit(citizen, f"{first.url}/events/{sent.id}/edit",
           {"date-day": "2", "date-month": "9", "date-year": "2026", "channel": "letter"})
    response = record(citizen, first, "response_received", "2026-09-28", completeness="partial",
                      note="Only the credit file",
                      files=[(io.BytesIO(PDF), "Their reply.pdf"), (io.BytesIO(CSV), "scores.csv")])
    assert response.status_code == 302
    return first


def snapshot(session, workspace_id: int, uploads_dir) -> list:
    """Everything about a workspace's requests, to compare before and after."""
    session.expire_all()
    result = []
    for req in session.scalars(select(DataRequest).where(DataRequest.workspace_id == workspace_id)
                               .order_by(DataRequest.id)):
        uploads = session.scalars(select(Upload).where(Upload.request_id == req.id).order_by(Upload.id))
        result.append((req.reference, req.recipient, req.person, req.details,
                       [(e.id, e.kind, e.occurred_on, e.data, e.supersedes_id) for e in req.events],
                       [(u.public_id, u.stored_name, (uploads_dir / u.stored_name).read_bytes())
                        for u in uploads]))
    return result


def test_a_citizen_hands_a_copy_of_their_case_to_an_adviser(world, client, make_tracked, db_session,  # noqa: F811
                                                             instance_path):
    tracked = citizen_case(client, make_tracked)
    uploads_dir = instance_path / "uploads"
    workspace_id = db_session.scalar(select(DataRequest.workspace_id))
    db_session.add(RequestDraft(request_id=db_session.scalar(select(DataRequest.id)),
                                kind="complaint_controller", content={"reasons": "They ignored me"}))
    db_session.commit()
    before = snapshot(db_session, workspace_id, uploads_dir)

    page = text(client.get(tracked.workspace_url))
    assert "Hand your requests to an adviser" in page and 'name="share_consent"' in page
    code = code_of(create_code(client, tracked.token))

    # Typed the way people type it: lower case, spaces, a lookalike O for 0.
    typed = code.lower().replace("-", " ").replace("0", "o")
    response = redeem(world.worker, world.team, typed)
    assert response.status_code == 302
    db_session.expire_all()
    new_client = db_session.scalar(select(Client))
    assert response.headers["Location"].endswith(f"/clients/{new_client.public_id}")
    assert (new_client.name, new_client.address, new_client.email) == (
        "Siân Llŵyd", ["12 Heol y Frenhines", "Cardiff", "CF10 1AA"], "sian@example.org")

    copied = snapshot(db_session, new_client.workspace_id, uploads_dir)
    assert len(copied) == len(before) == 2
    for original, copy in zip(before, copied, strict=True):
        reference, recipient, person, details, events, files = original
        assert copy[0] != reference and copy[3] == {**details, "original_reference": reference}
        assert (copy[1], copy[2]) == (recipient, person)
        assert [(e[1], e[2]) for e in copy[4]] == [(e[1], e[2]) for e in events]
        # Corrections still point at what they correct, now inside the copy.
        copy_ids = {old[0]: new[0] for old, new in zip(events, copy[4], strict=True)}
        assert [e[4] for e in copy[4]] == [copy_ids.get(e[4]) for e in events]
        # The same bytes under new names, and the events name the copies.
        assert [f[2] for f in copy[5]] == [f[2] for f in files]
        assert not {f[1] for f in copy[5]} & {f[1] for f in files}
        file_events = [e for e in copy[4] if "files" in e[3]]
        assert [f for e in file_events for f in e[3]["files"]] == [f[0] for f in copy[5]]
    assert sum(len(r[5]) for r in copied) == 2
    # Letters from the copy (a reminder, a complaint) cite the reference the organisation knows.
    copy_request = db_session.scalar(select(DataRequest).where(
        DataRequest.workspace_id == new_client.workspace_id).order_by(DataRequest.id))
    assert compose(letter_request(copy_request)).reference == tracked.reference
    draft = db_session.scalar(select(RequestDraft).join(DataRequest).where(
        DataRequest.workspace_id == new_client.workspace_id))
    assert draft.content == {"reasons": "They ignored me"}

    client_page = text(world.worker.get(response.headers["Location"]))
    assert "Siân Llŵyd" in client_page and "Experian Ltd" in client_page
    # The copied requests are on the team's caseload (the cache rows were made with them).
    caseload_csv = text(world.worker.get(f"/t/{world.team.slug}/caseload.csv"))
    assert caseload_csv.count("Experian Ltd") == 2
    share = db_session.scalar(select(ShareCode))
    assert share.used_by_team_id == world.team.id and share.used_at is not None
    audit_line = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "client_created_from_share"))
    assert audit_line.object_id == new_client.public_id
    assert audit_line.detail == {"consent_version": CONSENT_VERSION, "requests": 2, "files": 2}

    # The citizen's workspace is exactly as it was, and still works.
    assert snapshot(db_session, workspace_id, uploads_dir) == before
    assert client.get(tracked.workspace_url).status_code == 200
    assert "Only the credit file" in text(client.get(tracked.url))


def test_the_code_is_never_stored_in_clear(client, make_tracked, instance_path, databases):  # noqa: F811
    tracked = make_tracked()
    code = code_of(create_code(client, tracked.token))
    dump = databases.dump(instance_path / "test.sqlite3")
    assert "share_code" in dump and re.search(r"INSERT INTO (public\.)?\"?share_code", dump)
    assert code not in dump and code.replace("-", "") not in dump


def test_wrong_used_cancelled_and_expired_codes_get_one_answer(world, client, make_tracked,  # noqa: F811
                                                               db_session, app):
    tracked = make_tracked()
    app.config["DSAR_NOW"] = NOW
    cancelled = code_of(create_code(client, tracked.token))
    code = code_of(create_code(client, tracked.token))  # cancels the first
    app.config["DSAR_NOW"] = NOW + timedelta(days=6, hours=23)
    for wrong in ("AAAA-BBBB-CCCC", "not a code", cancelled):
        response = redeem(world.worker, world.team, wrong)
        assert response.status_code == 400 and REFUSED in text(response), wrong
        assert 'href="#code"' in text(response)
    assert redeem(world.worker, world.team, code).status_code == 302  # still valid: 6 days 23 hours
    response = redeem(world.worker, world.team, code)
    assert response.status_code == 400 and REFUSED in text(response)  # used

    app.config["DSAR_NOW"] = NOW
    expiring = code_of(create_code(client, tracked.token))
    app.config["DSAR_NOW"] = NOW + timedelta(days=7, seconds=1)
    response = redeem(world.worker, world.team, expiring)
    assert response.status_code == 400 and REFUSED in text(response)
    response = redeem(world.worker, world.team, "")
    assert response.status_code == 400 and "Enter the code the client gave you" in text(response)
    db_session.expire_all()
    assert db_session.scalar(select(func.count(Client.id))) == 1
    refused = select(func.count(AuditEvent.id)).where(AuditEvent.action == "share_code_refused")
    assert db_session.scalar(refused) == 5


def test_consent_is_required_and_nothing_changes_without_a_post(client, make_tracked, db_session):  # noqa: F811
    tracked = make_tracked()
    response = create_code(client, tracked.token, consent=False)
    html = text(response)
    assert response.status_code == 400 and "There is a problem" in html
    assert "Tick the box to agree to what the adviser's team gets" in html
    assert 'href="#share_consent"' in html and 'id="share_consent-error"' in html
    assert client.get(f"/w/{tracked.token}/share").status_code == 405
    without_csrf = client.post(f"/w/{tracked.token}/share", data={"share_consent": "yes"})
    assert without_csrf.status_code == 400 and "Your session has expired" in text(without_csrf)
    assert db_session.scalar(select(func.count(ShareCode.id))) == 0
    page = text(client.get(tracked.workspace_url))
    unknown = client.post("/w/no-such-token/share",
                          data={"share_consent": "yes", "csrf_token": csrf_token(page)})
    assert unknown.status_code == 404


def test_another_team_cannot_see_the_copy_and_readers_cannot_redeem(world, client, make_tracked,  # noqa: F811
                                                                    make_team, join, db_session):
    tracked = make_tracked()
    code = code_of(create_code(client, tracked.token))
    assert world.reader.get(f"/t/{world.team.slug}/clients/from-code").status_code == 403
    page = text(world.reader.get(f"/t/{world.team.slug}/clients"))  # its sign-out form's token
    response = world.reader.post(f"/t/{world.team.slug}/clients/from-code",
                                 data={"csrf_token": csrf_token(page), "code": code})
    assert response.status_code == 403
    location = redeem(world.worker, world.team, code).headers["Location"]
    client_id = location.rsplit("/", 1)[1]

    other_team, token = make_team(name="York Advice", admin_email="admin@york.example", slug="york")
    other = join(token, name="Olly Other")
    assert other.get(f"/t/{world.team.slug}/clients/{client_id}").status_code == 404
    assert other.get(f"/t/york/clients/{client_id}").status_code == 404
    assert world.admin.get(location).status_code == 200


def test_too_many_tries_per_account_and_per_address_get_the_429_page(world):
    for _ in range(10):
        assert redeem(world.worker, world.team, "AAAA-BBBB-CCCC").status_code == 400
    response = redeem(world.worker, world.team, "AAAA-BBBB-CCCC")
    assert response.status_code == 429 and "Too many attempts" in text(response)
    # The same account from elsewhere (signed in again: a session is bound to its address),
    # and someone else from the same address: both limited.
    world.worker.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert sign_in(world.worker, "worker@leeds.example").status_code == 302
    assert redeem(world.worker, world.team, "AAAA-BBBB-CCCC").status_code == 429
    assert redeem(world.admin, world.team, "AAAA-BBBB-CCCC").status_code == 429
    # Someone else from another address is not affected.
    world.admin.environ_base["REMOTE_ADDR"] = "192.0.2.8"
    assert sign_in(world.admin, "admin@leeds.example").status_code == 302
    response = redeem(world.admin, world.team, "AAAA-BBBB-CCCC")
    assert response.status_code == 400 and REFUSED in text(response)
