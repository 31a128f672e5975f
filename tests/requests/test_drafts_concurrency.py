"""Two drafts saved at the same moment (issue 9 item 6): the complaint to the organisation and
the complaint to the regulator are saved by two people (two browser sessions, two threads, two
database sessions) on the same request, on a real SQLite file; neither save is lost. Drafts
saved before (in request.details) move to their rows with the migration."""

from __future__ import annotations

import html
import json
import re
import threading

from alembic import command
from sqlalchemy import text

from dsar.db import alembic_config, make_engine, upgrade
from tests.conftest import csrf_token
from tests.requests.conftest import record

ROUNDS = 25


def textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>([^<]*)</textarea>', page)
    assert match, f"no textarea {name}"
    return html.unescape(match.group(1)).strip()


def test_concurrent_saves_of_different_drafts_lose_nothing(app, clock, make_tracked):
    first = app.test_client()
    tracked = make_tracked()
    record(first, tracked, "sent", "2026-09-01", channel="email")
    clock.set("2026-10-20")
    complaint_url = f"{tracked.url}/followup/complaint_controller"
    regulator_url = f"{tracked.url}/regulator"
    complainer, escalator = app.test_client(), app.test_client()
    complaint_token = csrf_token(complainer.get(complaint_url).get_data(as_text=True))
    regulator_token = csrf_token(escalator.get(regulator_url).get_data(as_text=True))
    lost, statuses = [], []
    for n in range(ROUNDS):
        barrier = threading.Barrier(2)

        def save_complaint(n=n, barrier=barrier):
            barrier.wait()
            response = complainer.post(complaint_url, data={
                "csrf_token": complaint_token, "details": f"Complaint wording {n}"})
            statuses.append(response.status_code)

        def save_regulator(n=n, barrier=barrier):
            barrier.wait()
            response = escalator.post(regulator_url, data={
                "csrf_token": regulator_token, "what_happened": f"What happened {n}",
                "harm": f"Harm {n}"})
            statuses.append(response.status_code)

        threads = [threading.Thread(target=save_complaint), threading.Thread(target=save_regulator)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        complaint = textarea(first.get(complaint_url).get_data(as_text=True), "details")
        regulator = first.get(regulator_url).get_data(as_text=True)
        if complaint != f"Complaint wording {n}":
            lost.append(("complaint", n, complaint))
        if (textarea(regulator, "what_happened"), textarea(regulator, "harm")) != (
                f"What happened {n}", f"Harm {n}"):
            lost.append(("regulator", n))
    assert statuses == [200] * (2 * ROUNDS)
    assert lost == []


def test_the_migration_moves_saved_drafts_out_of_details_and_back(tmp_path, databases):
    engine = make_engine(databases.url(tmp_path / "m.sqlite3"))
    config = alembic_config(engine)
    command.upgrade(config, "0004")
    details = {"letter_date": "2026-09-01", "complaint_draft": {"details": "Still nothing."},
               "regulator_draft": {"what_happened": "No reply.", "harm": ""}}
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO workspace (public_id, kind, token_hash) VALUES ('w', 'private', 'h')"))
        conn.execute(text(
            'INSERT INTO request (public_id, workspace_id, reference, "right", jurisdiction, language,'
            " recipient, person, details) VALUES ('r', 1, 'DSAR-TEST', 'access', 'uk', 'en', '{}',"
            " '{}', :details)"), {"details": json.dumps(details)})
    upgrade(engine)
    with engine.connect() as conn:
        drafts = {kind: json.loads(content) for kind, content in conn.execute(
            text("SELECT kind, CAST(content AS TEXT) FROM request_draft WHERE request_id = 1"))}
        moved = json.loads(conn.execute(text("SELECT CAST(details AS TEXT) FROM request")).scalar_one())
    assert drafts == {"complaint_controller": details["complaint_draft"],
                      "complaint_regulator": details["regulator_draft"]}
    assert moved == {"letter_date": "2026-09-01"}
    command.downgrade(config, "0004")
    with engine.connect() as conn:
        restored = conn.execute(text("SELECT CAST(details AS TEXT) FROM request")).scalar_one()
    assert json.loads(restored) == details
    engine.dispose()
