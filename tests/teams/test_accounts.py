"""Teams and accounts end to end through the real app: the operator command, invitations,
argon2id passwords, sign-in with the same answer for unknown emails, rate limits, sessions
that end on logout and after 30 idle minutes, password reset, two-factor sign-in, roles, and
the hash-chained audit trail that detects an edited row."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
from sqlalchemy import select, update

from dsar.teams import accounts, audit
from dsar.teams.models import Account, AuditEvent, OneTimeLink
from tests.conftest import csrf_token
from tests.teams.conftest import PASSWORD, sign_in


def test_operator_command_prints_slug_first_and_link_last(cli_runner):
    result = cli_runner("teams", "create", "Citizens Advice Leeds", "--admin-email", "Boss@Example.org")
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0] == "slug\tcitizens-advice-leeds"
    assert lines[-1].startswith("http://127.0.0.1:5000/team/invitation/") and len(lines[-1]) > 60
    again = cli_runner("teams", "create", "Citizens Advice Leeds", "--admin-email", "b@example.org")
    assert again.exit_code == 2 and again.output.count("\n") == 1
    assert "already a team with the slug citizens-advice-leeds" in again.output
    bad = cli_runner("teams", "create", "X", "--admin-email", "not-an-email", "--slug", "x")
    assert bad.exit_code == 2 and "right format" in bad.output


def test_invitation_sets_an_argon2id_password_and_signs_in(app, make_team, join, db_session):
    team, token = make_team()
    client = join(token)
    assert client.get(f"/t/{team.slug}/").status_code == 200
    account = db_session.scalar(select(Account).where(Account.email == "admin@leeds.example"))
    assert account.password_hash.startswith("$argon2id$")
    assert PASSWORD not in account.password_hash
    # The link was single use, and only its hash was stored.
    link = db_session.scalar(select(OneTimeLink).where(OneTimeLink.email == "admin@leeds.example"))
    assert link.used_at is not None and link.token_hash != token
    reused = app.test_client().get(f"/team/invitation/{token}")
    assert reused.status_code == 410 and "already been used" in reused.get_data(as_text=True)


def test_expired_and_unknown_invitations_say_so(app, make_team, db_session):
    team, token = make_team()
    db_session.execute(update(OneTimeLink).values(expires_at=datetime(2020, 1, 1)))
    db_session.commit()
    expired = app.test_client().get(f"/team/invitation/{token}")
    assert expired.status_code == 410 and "expired" in expired.get_data(as_text=True)
    unknown = app.test_client().get("/team/invitation/nonsense")
    assert unknown.status_code == 410 and "not valid" in unknown.get_data(as_text=True)


def test_short_password_and_mismatch_are_refused_and_the_name_is_kept(app, make_team):
    _team, token = make_team()
    client = app.test_client()
    page = client.get(f"/team/invitation/{token}").get_data(as_text=True)
    short = client.post(f"/team/invitation/{token}", data={
        "csrf_token": csrf_token(page), "name": "Ada Worker", "password": "short", "password_again": "short"})
    assert short.status_code == 400
    html = short.get_data(as_text=True)
    assert "at least 12 characters" in html and 'value="Ada Worker"' in html
    mismatch = client.post(f"/team/invitation/{token}", data={
        "csrf_token": csrf_token(page), "name": "Ada", "password": PASSWORD,
        "password_again": PASSWORD + "x"})
    assert mismatch.status_code == 400 and "not the same" in mismatch.get_data(as_text=True)


def test_unknown_email_and_wrong_password_get_the_same_answer(app, make_team, join):
    _team, token = make_team()
    join(token)
    unknown = sign_in(app.test_client(), "nobody@example.org")
    wrong = sign_in(app.test_client(), "admin@leeds.example", "wrong password entirely")
    assert unknown.status_code == wrong.status_code == 400
    message = "The email address or password is not right"
    assert message in unknown.get_data(as_text=True) and message in wrong.get_data(as_text=True)


def test_sign_in_is_rate_limited(app, make_team, join):
    _team, token = make_team()
    join(token)
    client = app.test_client()
    codes = [sign_in(client, "admin@leeds.example", "wrong password entirely").status_code
             for _ in range(11)]
    assert codes[:10] == [400] * 10 and codes[10] == 429
    # Even the right password is refused while the limit lasts.
    assert sign_in(client, "admin@leeds.example").status_code == 429


def test_logout_ends_the_session_even_for_a_kept_cookie(app, make_team, join):
    team, token = make_team()
    client = join(token)
    cookie = client.get_cookie("session").value
    page = client.get(f"/t/{team.slug}/staff").get_data(as_text=True)
    assert client.post(f"/t/{team.slug}/sign-out", data={"csrf_token": csrf_token(page)}).status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    response = replay.get(f"/t/{team.slug}/")
    assert response.status_code == 302 and "/team/login" in response.headers["Location"]


def test_thirty_idle_minutes_end_the_session(app, make_team, join):
    team, token = make_team()
    client = join(token)
    assert client.get(f"/t/{team.slug}/").status_code == 200
    with client.session_transaction() as session:
        session["last_seen"] = datetime.now(UTC).timestamp() - timedelta(minutes=31).total_seconds()
    response = client.get(f"/t/{team.slug}/")
    assert response.status_code == 302 and "/team/login" in response.headers["Location"]


def test_password_reset_link_works_once_within_an_hour(app, make_team, join, db_session):
    _team, token = make_team()
    join(token)
    account, reset_token = accounts.start_reset(db_session, "admin@leeds.example")
    db_session.commit()
    client = app.test_client()
    page = client.get(f"/team/reset/{reset_token}").get_data(as_text=True)
    new = "a completely new passphrase"
    done = client.post(f"/team/reset/{reset_token}", data={
        "csrf_token": csrf_token(page), "password": new, "password_again": new})
    assert done.status_code == 302
    assert sign_in(app.test_client(), "admin@leeds.example").status_code == 400  # old password
    assert sign_in(app.test_client(), "admin@leeds.example", new).status_code == 302
    again = client.get(f"/team/reset/{reset_token}")
    assert again.status_code == 410 and "already been used" in again.get_data(as_text=True)
    _account, late = accounts.start_reset(db_session, "admin@leeds.example",
                                          now=datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=2))
    db_session.commit()
    assert "expired" in client.get(f"/team/reset/{late}").get_data(as_text=True)


def test_reset_request_answers_the_same_for_unknown_addresses(app, make_team, join):
    _team, token = make_team()
    join(token)
    answers = []
    for email in ("admin@leeds.example", "nobody@example.org"):
        client = app.test_client()
        page = client.get("/team/reset").get_data(as_text=True)
        answers.append(client.post("/team/reset", data={"csrf_token": csrf_token(page), "email": email}))
    assert [a.status_code for a in answers] == [200, 200]
    pages = [re.sub(r'name="csrf_token" value="[^"]+"', "", a.get_data(as_text=True)) for a in answers]
    assert pages[0] == pages[1] and "If the address has an account" in pages[0]


def test_two_factor_sign_in_with_code_and_recovery_code(app, make_team, join, db_session):
    team, token = make_team()
    client = join(token)
    page = client.get(f"/t/{team.slug}/two-factor").get_data(as_text=True)
    assert "<svg" in page  # the QR code, drawn on the server
    secret = page.split('name="secret" value="')[1].split('"')[0]
    setup = client.post(f"/t/{team.slug}/two-factor", data={
        "csrf_token": csrf_token(page), "secret": secret, "code": pyotp.TOTP(secret).now()})
    html = setup.get_data(as_text=True)
    recovery = html.split('<ul class="recovery-codes">')[1].split("<code>")[1].split("</code>")[0]
    fresh = app.test_client()
    step_one = sign_in(fresh, "admin@leeds.example")
    assert step_one.status_code == 302 and step_one.headers["Location"].endswith("/team/login/code")
    assert fresh.get(f"/t/{team.slug}/").status_code == 302  # not signed in yet
    code_page = fresh.get("/team/login/code").get_data(as_text=True)
    wrong = fresh.post("/team/login/code", data={"csrf_token": csrf_token(code_page), "code": "000000"})
    assert wrong.status_code == 400
    right = fresh.post("/team/login/code", data={"csrf_token": csrf_token(code_page),
                                                 "code": pyotp.TOTP(secret).now()})
    assert right.status_code == 302 and fresh.get(f"/t/{team.slug}/").status_code == 200
    other = app.test_client()
    sign_in(other, "admin@leeds.example")
    code_page = other.get("/team/login/code").get_data(as_text=True)
    assert other.post("/team/login/code", data={"csrf_token": csrf_token(code_page),
                                                "code": recovery}).status_code == 302
    used = app.test_client()
    sign_in(used, "admin@leeds.example")
    code_page = used.get("/team/login/code").get_data(as_text=True)
    assert used.post("/team/login/code", data={"csrf_token": csrf_token(code_page),
                                               "code": recovery}).status_code == 400


def test_a_team_can_require_two_factor(app, make_team, join, db_session):
    team, token = make_team()
    client = join(token)
    team_row = db_session.merge(team)
    team_row.require_two_factor = True
    db_session.commit()
    response = client.get(f"/t/{team.slug}/")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/t/{team.slug}/two-factor")


def test_roles_decide_what_a_member_may_do(app, make_team, join, invite):
    team, token = make_team()
    admin = join(token)
    reader = join(invite(team, "reader@leeds.example", "readonly"))
    worker = join(invite(team, "worker@leeds.example", "caseworker"))
    assert admin.get(f"/t/{team.slug}/staff").status_code == 200
    for client in (reader, worker):
        assert client.get(f"/t/{team.slug}/").status_code == 200
        assert client.get(f"/t/{team.slug}/staff").status_code == 403
        assert client.get(f"/t/{team.slug}/audit").status_code == 403
        assert client.get(f"/t/{team.slug}/audit.csv").status_code == 403


def test_outsiders_get_404_and_anonymous_visitors_the_sign_in_page(app, make_team, join):
    team_a, token_a = make_team("Team A", "a@a.example", slug="team-a")
    team_b, token_b = make_team("Team B", "b@b.example", slug="team-b")
    join(token_a)
    b_admin = join(token_b)
    for path in (f"/t/{team_a.slug}/", f"/t/{team_a.slug}/staff", f"/t/{team_a.slug}/audit.csv",
                 "/t/no-such-team/"):
        assert b_admin.get(path).status_code == 404, path
        anonymous = app.test_client().get(path)
        assert anonymous.status_code == 302 and "/team/login" in anonymous.headers["Location"], path


def test_admin_invites_a_caseworker_and_sees_the_link(app, make_team, join):
    team, token = make_team()
    admin = join(token)
    page = admin.get(f"/t/{team.slug}/staff").get_data(as_text=True)
    response = admin.post(f"/t/{team.slug}/staff/invite", data={
        "csrf_token": csrf_token(page), "email": "New.Worker@Leeds.example", "role": "caseworker"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "/team/invitation/" in html
    link = html.split("/team/invitation/")[1].split("<")[0]
    worker = app.test_client()
    assert "new.worker@leeds.example" in worker.get(f"/team/invitation/{link}").get_data(as_text=True)
    bad = admin.post(f"/t/{team.slug}/staff/invite", data={
        "csrf_token": csrf_token(page), "email": "not an email", "role": "caseworker"})
    assert bad.status_code == 400 and 'value="not an email"' in bad.get_data(as_text=True)


def test_the_last_admin_cannot_be_demoted(app, make_team, join, db_session):
    team, token = make_team()
    admin = join(token)
    me = db_session.scalar(select(Account).where(Account.email == "admin@leeds.example"))
    page = admin.get(f"/t/{team.slug}/staff").get_data(as_text=True)
    response = admin.post(f"/t/{team.slug}/staff/{me.public_id}/role",
                          data={"csrf_token": csrf_token(page), "role": "readonly"})
    assert "problem=last_admin" in response.headers["Location"]
    assert admin.get(f"/t/{team.slug}/staff").status_code == 200  # still an admin


def test_audit_chain_verifies_and_an_edited_row_breaks_it(app, make_team, join, db_session, cli_runner):
    team, token = make_team()
    join(token)
    report = audit.verify(db_session, team.id)
    actions = [e.action for e in db_session.scalars(
        select(AuditEvent).where(AuditEvent.team_id == team.id).order_by(AuditEvent.sequence))]
    assert report.ok and actions == ["team_created", "member_joined", "login"]
    db_session.execute(update(AuditEvent).where(AuditEvent.team_id == team.id, AuditEvent.sequence == 2)
                       .values(action="nothing_happened"))
    db_session.commit()
    broken = audit.verify(db_session, team.id)
    assert not broken.ok and broken.broken_at == 2


def test_audit_verify_command(cli_runner):
    created = cli_runner("teams", "create", "Audit Team", "--admin-email", "a@example.org")
    slug = created.output.splitlines()[0].split("\t")[1]
    ok = cli_runner("audit", "verify", "--team", slug)
    assert ok.exit_code == 0 and ok.output.startswith("ok\t1 events")
    from dsar.config import load_settings
    from dsar.db import make_engine, make_session_factory

    engine = make_engine(load_settings().database_url)
    with make_session_factory(engine)() as session:
        session.execute(update(AuditEvent).values(address="10.0.0.1"))
        session.commit()
    engine.dispose()
    broken = cli_runner("audit", "verify", "--team", slug)
    assert broken.exit_code == 1 and "broken\tat event 1" in broken.output
    unknown = cli_runner("audit", "verify", "--team", "nope")
    assert unknown.exit_code == 2
