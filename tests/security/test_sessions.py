"""Sessions: a planted session cookie does not read the victim's draft, drafts are bound to a
session id, cookies are Secure and __Host- over HTTPS, the private link is built from
DSAR_BASE_URL (never the Host header), proxies are trusted only when configured, and
abandoned drafts are purged."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from dsar import create_app
from dsar.wizard.models import WizardDraft
from tests.web.test_wizard import post, walk

NAME = "Siân Llŵyd"


def _plant(attacker, victim, app) -> None:
    """Give the victim's browser the attacker's session cookie."""
    cookie_name = app.config["SESSION_COOKIE_NAME"]
    cookie = attacker.get_cookie(cookie_name)
    assert cookie is not None, "the attacker's client got no session cookie"
    victim.set_cookie(cookie_name, cookie.value)


def _victim_saves_details(victim) -> None:
    post(victim, "/write/request", {"right": "access"})
    response = post(victim, "/write/details", {"name": NAME, "address": "12 Heol y Frenhines\nCardiff"})
    assert response.status_code == 302


def test_planted_session_cookie_does_not_read_the_victims_draft(app):
    attacker, victim = app.test_client(), app.test_client()
    # The attacker follows a link from an organisation page, then plants the cookie it got.
    attacker.get("/write/organisations?org=experian-gb")
    _plant(attacker, victim, app)
    post(victim, "/write/organisations", {"orgs": ["experian-gb"], "shown": ["experian-gb"]})
    _victim_saves_details(victim)
    assert NAME in victim.get("/write/details").get_data(as_text=True)

    assert NAME not in attacker.get("/write/details").get_data(as_text=True)
    assert attacker.get("/write/check").status_code == 302  # nothing saved: back to the start


def test_a_draft_token_without_its_session_id_is_not_loaded(app):
    victim, attacker = app.test_client(), app.test_client()
    post(victim, "/write/organisations", {"orgs": ["experian-gb"], "shown": ["experian-gb"]})
    _victim_saves_details(victim)
    with victim.session_transaction() as stolen:
        token = stolen["draft"]
    # Even knowing the draft token (say, from a shared computer's cookie store), another
    # session does not get the draft.
    attacker.get("/write/organisations")
    with attacker.session_transaction() as planted:
        planted["draft"] = token
    assert NAME not in attacker.get("/write/details").get_data(as_text=True)
    assert NAME in victim.get("/write/details").get_data(as_text=True)


def test_the_draft_token_is_new_at_the_first_save(app):
    client = app.test_client()
    client.get("/write/organisations")
    with client.session_transaction() as before:
        old = dict(before)
    post(client, "/write/organisations", {"orgs": ["experian-gb"], "shown": ["experian-gb"]})
    with client.session_transaction() as after:
        assert after["draft"] and after["draft"] != old.get("draft")
        assert after["sid"] and after["sid"] != old.get("sid")
    with app.app_context():
        session = app.extensions["dsar_sessions"]()
        [draft] = session.scalars(select(WizardDraft)).all()
        assert draft.data["orgs"] == ["experian-gb"]
        session.close()


@pytest.fixture
def https_app(app_config):
    app = create_app({**app_config, "DSAR_BASE_URL": "https://dsar.example"})
    yield app
    app.extensions["dsar_engine"].dispose()


@pytest.fixture
def app_config(app):
    """The test app's settings, for building a second app on the same database."""
    settings = app.config["DSAR_SETTINGS"]
    return {
        "DSAR_INSTANCE_PATH": str(settings.instance_path),
        "DSAR_DATABASE_URL": settings.database_url,
        "DSAR_SECRET_KEY": "test-secret",
        "TESTING": True,
        "DSAR_TODAY": app.config["DSAR_TODAY"],
        "BABEL_TRANSLATION_DIRECTORIES": app.config["BABEL_TRANSLATION_DIRECTORIES"],
    }


def test_over_https_the_cookie_is_secure_host_prefixed_and_hsts_is_sent(https_app):
    client = https_app.test_client()
    response = client.get("/write/organisations", base_url="https://dsar.example")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_over_plain_http_the_cookie_is_not_secure_and_no_hsts(client):
    response = client.get("/write/organisations")
    assert response.headers["Set-Cookie"].startswith("session=")
    assert "Secure" not in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in response.headers


def test_private_link_uses_the_base_url_not_the_host_header(https_app):
    client = https_app.test_client()
    page = walk(client, orgs=("acxiom-gb",), right="access", steps=())
    html = page.get_data(as_text=True)
    link = re.search(r'<p class="secret-link"><a href="([^"]+)"', html).group(1)
    assert link.startswith("https://dsar.example/w/")
    spoofed = client.get(page.request.path, headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "evil.example" not in spoofed
    assert f'href="{link}"' in spoofed


def _remote(app, headers):
    app.add_url_rule("/test-only/remote", "remote",
                     lambda: __import__("flask").request.remote_addr or "")
    return app.test_client().get("/test-only/remote", headers=headers).get_data(as_text=True)


def test_forwarded_headers_are_trusted_only_behind_a_configured_proxy(app, app_config):
    forwarded = {"X-Forwarded-For": "203.0.113.9"}
    assert _remote(app, forwarded) == "127.0.0.1"
    behind_proxy = create_app({**app_config, "DSAR_PROXY_COUNT": "1"})
    try:
        assert _remote(behind_proxy, forwarded) == "203.0.113.9"
    finally:
        behind_proxy.extensions["dsar_engine"].dispose()


def test_a_bad_proxy_count_is_a_clear_error(app_config):
    with pytest.raises(ValueError, match="DSAR_PROXY_COUNT"):
        create_app({**app_config, "DSAR_PROXY_COUNT": "two"})


def _draft_ages(cli_runner_db, *ages: tuple[str, datetime]) -> None:
    session = cli_runner_db()
    for name, updated in ages:
        session.add(WizardDraft(token_hash=name * 64, sid_hash=name * 64, data={"orgs": [name]},
                                updated_at=updated))
    session.commit()
    session.close()


def test_drafts_purge_removes_drafts_untouched_for_24_hours(cli_runner, instance_path):
    from dsar.config import load_settings
    from dsar.db import make_engine, make_session_factory

    engine = make_engine(load_settings().database_url)  # the CLI's database
    factory = make_session_factory(engine)
    cli_runner("db", "upgrade")
    _draft_ages(factory, ("a", datetime(2026, 11, 24, 23, 0)), ("b", datetime(2026, 11, 25, 23, 59)),
                ("c", datetime(2026, 11, 26, 9, 0)))
    result = cli_runner("drafts", "purge", "--today", "2026-11-27")
    assert result.exit_code == 0, result.output
    assert result.stdout == "2 abandoned draft(s) purged\n"
    with factory() as session:
        assert [d.data["orgs"] for d in session.scalars(select(WizardDraft))] == [["c"]]
    again = cli_runner("drafts", "purge", "--today", "2026-11-27")
    assert again.stdout == "0 abandoned draft(s) purged\n"
    engine.dispose()


def test_drafts_purge_bad_date_is_one_line(cli_runner):
    result = cli_runner("drafts", "purge", "--today", "tomorrow")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --today: 'tomorrow' is not a valid date")
