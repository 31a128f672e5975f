"""Admin and rate limits (issue 9 item 7): a short admin token stops start-up; the sign-in
form is rate limited and locks out an address after ten wrong tokens; signing out ends the
session on the server; suggestions are limited per address, per IPv6 /64, per organisation
and in all; the review page shows 25 suggestions at a time."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from dsar import create_app
from dsar.bootstrap import bootstrap
from dsar.config import ConfigError, load_settings
from dsar.directory.models import Correction
from dsar.web.limits import limiter
from tests.conftest import csrf_token
from tests.directory.conftest import ADMIN_TOKEN

ROOT = Path(__file__).resolve().parents[2]
SOURCE = "https://www.acxiom.co.uk/privacy"
SHORT = "correct horse battery"  # 21 characters
NOW = datetime(2026, 11, 26, 9, 0)


# ---------------------------------------------------------------- the token's length

def test_a_short_admin_token_stops_create_app_and_the_bootstrap(tmp_path):
    settings = {"DSAR_INSTANCE_PATH": str(tmp_path), "DSAR_SECRET_KEY": "x", "DSAR_ADMIN_TOKEN": SHORT}
    with pytest.raises(ConfigError, match="DSAR_ADMIN_TOKEN must be at least 32 characters long"):
        create_app(settings)
    with pytest.raises(ConfigError, match="at least 32 characters"):
        bootstrap(load_settings(settings))
    with pytest.raises(ConfigError):  # nor can a test or a caller swap one in afterwards
        dataclasses.replace(load_settings({**settings, "DSAR_ADMIN_TOKEN": ""}), admin_token=SHORT)
    assert load_settings({**settings, "DSAR_ADMIN_TOKEN": ADMIN_TOKEN}).admin_token == ADMIN_TOKEN


def test_the_cli_prints_one_line_and_exits_2_for_a_short_token(tmp_path):
    env = {**os.environ, "DSAR_INSTANCE_PATH": str(tmp_path), "DSAR_SECRET_KEY": "x",
           "DSAR_ADMIN_TOKEN": SHORT, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, str(ROOT / "run.py"), "db", "upgrade"], env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: DSAR_ADMIN_TOKEN must be at least 32")
    assert SHORT not in done.stderr  # the secret itself is never printed
    assert not (tmp_path / "dsar.sqlite3").exists()  # nothing was started


# ---------------------------------------------------------------- signing in

def _login(client, token=ADMIN_TOKEN, address="127.0.0.1"):
    page = client.get("/admin/login").get_data(as_text=True)
    return client.post("/admin/login", data={"csrf_token": csrf_token(page), "token": token},
                       environ_base={"REMOTE_ADDR": address})


def test_sign_in_attempts_are_rate_limited_per_address(admin_app, client):
    for _ in range(5):
        assert _login(client, "wrong").status_code == 401
    limited = _login(client, "wrong")
    assert limited.status_code == 429
    assert "Too many sign-in attempts from your address" in limited.get_data(as_text=True)
    assert _login(client, ADMIN_TOKEN).status_code == 429  # even the right token waits
    assert _login(client, ADMIN_TOKEN, address="10.0.0.7").status_code == 302


def test_ten_wrong_tokens_lock_the_address_out_for_15_minutes(admin_app, client, monkeypatch):
    # The per-minute limit would stop the sixth try first; here it is the lockout under test,
    # with the clock moved by the test.
    monkeypatch.setattr(limiter, "enabled", False)
    admin_app.config["DSAR_NOW"] = NOW
    for n in range(10):
        admin_app.config["DSAR_NOW"] = NOW + timedelta(seconds=n)
        assert _login(client, "wrong").status_code == 401
    locked = _login(client, ADMIN_TOKEN)
    assert locked.status_code == 429
    assert "sign-in is locked for 15 more minutes" in locked.get_data(as_text=True)
    assert _login(client, ADMIN_TOKEN, address="10.0.0.7").status_code == 302  # others are not
    admin_app.config["DSAR_NOW"] = NOW + timedelta(minutes=14, seconds=30)
    assert "locked for 1 more minute." in _login(client, ADMIN_TOKEN).get_data(as_text=True)
    admin_app.config["DSAR_NOW"] = NOW + timedelta(minutes=15, seconds=1)
    assert _login(client, ADMIN_TOKEN).status_code == 302


def test_signing_out_ends_the_session_on_the_server(admin_app, client):
    assert _login(client).status_code == 302
    page = client.get("/admin/corrections")
    assert page.status_code == 200
    stolen = client.get_cookie("session").value
    client.post("/admin/logout", data={"csrf_token": csrf_token(page.get_data(as_text=True))})
    assert client.get("/admin/corrections").status_code == 302
    client.set_cookie("session", stolen)  # the old cookie, replayed
    response = client.get("/admin/corrections")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/login")


# ---------------------------------------------------------------- suggesting corrections

def _suggest(client, address, slug="acxiom-gb", n=0):
    token = csrf_token(client.get(f"/organisations/{slug}").get_data(as_text=True))
    return client.post(f"/organisations/{slug}/corrections", environ_base={"REMOTE_ADDR": address},
                       data={"csrf_token": token, "field-1": "phone", "value-1": f"+44 20 0000 {n:04d}",
                             "source_url": SOURCE})


def test_suggestions_are_limited_per_ipv6_64(client):
    for n in range(5):
        assert _suggest(client, "2001:db8:1:2::1", n=n).status_code == 302
    assert _suggest(client, "2001:db8:1:2::1", n=5).status_code == 429  # that address
    for n in range(5):  # other addresses of the same /64, written differently
        assert _suggest(client, f"2001:0db8:0001:0002:abcd::{n + 1:x}", n=10 + n).status_code == 302
    limited = _suggest(client, "2001:db8:1:2:ffff::9", n=20)
    assert limited.status_code == 429
    assert "Many suggestions have come from your network" in limited.get_data(as_text=True)
    # The next /64 may still write (about another organisation: this one has had ten).
    assert _suggest(client, "2001:db8:1:3::1", slug="experian-gb", n=21).status_code == 302


def test_suggestions_are_limited_per_organisation_and_in_all(app, client):
    for n in range(10):
        assert _suggest(client, f"192.0.2.{n + 1}", n=n).status_code == 302
    limited = _suggest(client, "192.0.2.50", n=50)
    assert limited.status_code == 429
    assert "Many suggestions about this organisation" in limited.get_data(as_text=True)
    assert _suggest(client, "192.0.2.50", slug="experian-gb", n=51).status_code == 302
    with app.extensions["dsar_sessions"]() as session:  # others' suggestions this hour
        created = session.scalar(select(Correction.created_at))
        for n in range(89):
            session.add(Correction(public_id=f"bulk-{n}", org_slug=f"org-{n}", changes={"phone": "1"},
                                   source_url=SOURCE, comment="", status="pending",
                                   client_hash=f"{n:064x}", network_hash=f"{n:064x}",
                                   created_at=created))
        session.commit()
    limited = _suggest(client, "198.51.100.1", slug="experian-gb", n=60)
    assert limited.status_code == 429
    assert "More suggestions have arrived in the last hour than our reviewers can read" in (
        limited.get_data(as_text=True))


# ---------------------------------------------------------------- reviewing

def test_the_review_page_shows_25_at_a_time(admin_app, client):
    with admin_app.extensions["dsar_sessions"]() as session:
        for n in range(30):
            session.add(Correction(public_id=f"c-{n:02d}", org_slug="acxiom-gb",
                                   changes={"phone": f"+44 20 0000 {n:04d}"}, source_url=SOURCE,
                                   comment="", status="pending", client_hash="0" * 64,
                                   network_hash="0" * 64, created_at=NOW + timedelta(minutes=n)))
        session.commit()
    _login(client)
    first = client.get("/admin/corrections").get_data(as_text=True)
    assert "Showing 1–25 of 30" in first and "Page 1 of 2" in first
    assert first.count('class="review-card"') == 25
    assert "+44 20 0000 0000" in first and "+44 20 0000 0025" not in first
    second = client.get("/admin/corrections?page=2").get_data(as_text=True)
    assert "Showing 26–30 of 30" in second and second.count('class="review-card"') == 5
    assert "+44 20 0000 0029" in second and 'rel="prev"' in second
    assert "Showing 26–30 of 30" in client.get("/admin/corrections?page=99").get_data(as_text=True)
    assert "Showing 1–25 of 30" in client.get("/admin/corrections?page=x").get_data(as_text=True)
