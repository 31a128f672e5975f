"""Public pages of the team area: sign in (with a second factor where set up), sign out,
accept an invitation, reset a forgotten password. Everything else of the team area is in
``views.py`` behind the deny-by-default guard."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user

from dsar.teams import accounts, audit
from dsar.teams.accounts import TeamError
from dsar.teams.auth import SignedIn, end_session
from dsar.teams.mail import send_link
from dsar.teams.models import Account, Team
from dsar.web.context import db
from dsar.web.limits import client_address, limiter

bp = Blueprint("team_auth", __name__, url_prefix="/team")

SIGN_IN_FAILED = _l("The email address or password is not right")


def _email_key() -> str:
    return "email:" + (request.form.get("email") or "").strip().lower()[:320]


def _audit_all_teams(account: Account | None, action: str) -> None:
    """Sign-in events go to the chain of every team the account belongs to (or to the
    team-less chain when the email is unknown)."""
    teams = [m.team_id for m in account.memberships] if account else [None]
    for team_id in teams or [None]:
        audit.record(db(), team_id, action, actor=account.public_id if account else "",
                     object_type="account", address=client_address())


def _start_session(account: Account):
    end_session()
    login_user(SignedIn(account))
    _audit_all_teams(account, "login")
    db().commit()
    memberships = account.memberships
    if len(memberships) == 1:
        return redirect(url_for("casework.caseload", team=memberships[0].team.slug))
    return redirect(url_for("team_auth.teams"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute; 60 per hour", methods=["POST"])
@limiter.limit("20 per hour", methods=["POST"], key_func=_email_key)
def login():
    values, errors = {}, {}
    if request.method == "POST":
        values = {"email": (request.form.get("email") or "").strip()[:320]}
        account = accounts.authenticate(db(), values["email"], request.form.get("password") or "")
        if account is None:
            known = db().query(Account).filter_by(email=values["email"].lower()).one_or_none()
            _audit_all_teams(known, "login_failed")
            db().commit()
            errors["email"] = SIGN_IN_FAILED
        elif account.totp_enabled:
            end_session()
            session["two_factor_pending"] = f"{account.id}:{account.session_version}"
            return redirect(url_for("team_auth.second_factor"))
        else:
            return _start_session(account)
    return render_template("team/login.html", values=values, errors=errors), (400 if errors else 200)


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def second_factor():
    pending = session.get("two_factor_pending") or ""
    account_id, _, version = pending.partition(":")
    account = db().get(Account, int(account_id)) if account_id.isdigit() else None
    if account is None or str(account.session_version) != version:
        return redirect(url_for("team_auth.login"))
    errors = {}
    if request.method == "POST":
        if accounts.check_second_factor(account, request.form.get("code") or ""):
            return _start_session(account)
        _audit_all_teams(account, "login_failed")
        db().commit()
        errors["code"] = _l("That code is not right. Enter the 6-digit code your app shows now.")
    return render_template("team/second_factor.html", errors=errors), (400 if errors else 200)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        account = db().get(Account, current_user.account_id)
        account.session_version += 1  # the cookie, even if kept, no longer signs anyone in
        _audit_all_teams(account, "logout")
        db().commit()
    end_session()
    return redirect(url_for("team_auth.login", signed_out=1))


@bp.get("/")
def teams():
    if not current_user.is_authenticated:
        return redirect(url_for("team_auth.login"))
    account = db().get(Account, current_user.account_id)
    return render_template("team/teams.html", memberships=account.memberships)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def accept_invitation(token: str):
    try:
        link = accounts.find_link(db(), token, "invitation")
    except TeamError as exc:
        return render_template("team/link_problem.html", message=exc.args[0]), 410
    team = db().get(Team, link.team_id)
    existing = db().query(Account).filter_by(email=link.email).one_or_none()
    values, errors = {}, {}
    if request.method == "POST":
        values = {"name": (request.form.get("name") or "").strip()[:200]}
        password = request.form.get("password") or ""
        if existing is None and password != (request.form.get("password_again") or ""):
            errors["password_again"] = _l("The two passwords are not the same")
        else:
            try:
                account, membership = accounts.accept_invitation(db(), token, password=password,
                                                                 name=values["name"])
            except TeamError as exc:
                errors["password"] = exc.args[0]
            else:
                audit.record(db(), team.id, "member_joined", actor=account.public_id,
                             object_type="account", object_id=account.public_id,
                             address=client_address(), detail={"role": membership.role})
                db().commit()
                db().refresh(account)
                return _start_session(account)
    return render_template("team/accept.html", team=team, email=link.email, existing=existing,
                           values=values, errors=errors), (400 if errors else 200)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit("5 per minute; 20 per hour", methods=["POST"])
@limiter.limit("5 per hour", methods=["POST"], key_func=_email_key)
def reset_request():
    if request.method == "POST":
        email = (request.form.get("email") or "").strip()[:320]
        started = accounts.start_reset(db(), email)
        if started is not None:
            account, token = started
            link = current_app.config["DSAR_SETTINGS"].base_url.rstrip("/") + url_for(
                "team_auth.reset", token=token)
            send_link(account.email, "reset", link)
            _audit_all_teams(account, "password_reset_requested")
        db().commit()
        # The same answer whether or not the address has an account.
        return render_template("team/reset_sent.html")
    return render_template("team/reset_request.html", values={}, errors={})


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def reset(token: str):
    try:
        accounts.find_link(db(), token, "reset")
    except TeamError as exc:
        return render_template("team/link_problem.html", message=exc.args[0]), 410
    errors = {}
    if request.method == "POST":
        password = request.form.get("password") or ""
        if password != (request.form.get("password_again") or ""):
            errors["password_again"] = _l("The two passwords are not the same")
        else:
            try:
                account = accounts.finish_reset(db(), token, password)
            except TeamError as exc:
                errors["password"] = exc.args[0]
            else:
                _audit_all_teams(account, "password_reset")
                db().commit()
                end_session()
                return redirect(url_for("team_auth.login", reset=1))
    return render_template("team/reset.html", errors=errors, values={}), (400 if errors else 200)
