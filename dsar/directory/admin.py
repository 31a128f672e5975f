"""The reviewers' pages: log in with the admin token, then accept or reject suggestions.

Deny by default: without DSAR_ADMIN_TOKEN configured every page here answers 404, as if it did
not exist; with it, every page but the login form needs the session the login starts. There
is no default password, and a token shorter than 32 characters stops the app at start-up. The
cookie holds a keyed hash of the token (changing the token logs everyone out) and the id of a
session kept on the server (signing out ends it, so a copied cookie stops working). The login
form is rate limited per client address, and ten wrong tokens lock that address out.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from dsar.directory import admin_access, corrections
from dsar.web.context import db, today
from dsar.web.limits import limiter

bp = Blueprint("admin", __name__, url_prefix="/admin")
SESSION_KEY = "dsar_admin"
SESSION_ID_KEY = "dsar_admin_session"
PUBLIC_ENDPOINTS = frozenset({"directory.admin.login"})
LOGIN_RATE = "5 per minute"
PAGE_SIZE = 25


def now() -> datetime:
    """Now (naive UTC), or the moment a test fixed with app.config["DSAR_NOW"]."""
    fixed = current_app.config.get("DSAR_NOW")
    return fixed if isinstance(fixed, datetime) else datetime.now(UTC).replace(tzinfo=None)


def _token() -> str:
    return current_app.config["DSAR_SETTINGS"].admin_token


def _mark(token: str) -> str:
    return hmac.new(current_app.config["SECRET_KEY"].encode(), b"admin:" + token.encode(),
                    hashlib.sha256).hexdigest()


def logged_in() -> bool:
    token = _token()
    return (bool(token) and hmac.compare_digest(str(session.get(SESSION_KEY, "")), _mark(token))
            and admin_access.session_active(db(), str(session.get(SESSION_ID_KEY, "")), now()))


@bp.url_value_preprocessor
def hidden_without_token(_endpoint, _values) -> None:
    # URL preprocessors run before any before_request (CSRF's included): without a token a POST
    # answers 404 too, not "session expired", so nothing tells that these pages exist.
    if not _token():
        abort(404)


@bp.before_request
def guard():
    if request.endpoint not in PUBLIC_ENDPOINTS and not logged_in():
        return redirect(url_for("directory.admin.login"))
    return None


@bp.after_request
def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


def _client() -> str:
    return admin_access.client_key(current_app.config["SECRET_KEY"], request.remote_addr or "")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_RATE, methods=["POST"])
def login():
    errors, status = {}, 200
    if request.method == "POST":
        client, moment = _client(), now()
        locked = admin_access.locked_minutes(db(), client, moment)
        typed = request.form.get("token", "")
        if locked:  # the token is not even compared while locked
            errors["token"] = ngettext("Too many wrong tokens were sent from your address: sign-in is "
                                       "locked for %(num)d more minute.",
                                       "Too many wrong tokens were sent from your address: sign-in "
                                       "is locked for %(num)d more minutes.", locked)
            status = 429
        elif typed and hmac.compare_digest(typed.encode(), _token().encode()):
            admin_access.clear_failures(db(), client)
            session_id = admin_access.start_session(db(), moment)
            db().commit()
            session[SESSION_KEY], session[SESSION_ID_KEY] = _mark(_token()), session_id
            return redirect(url_for("directory.admin.review"))
        else:
            admin_access.record_failure(db(), client, moment)
            db().commit()
            errors["token"], status = _l("That token is not right"), 401
    return render_template("admin/login.html", errors=errors), status


@bp.errorhandler(429)
def too_many_attempts(_error):
    errors = {"token": _l("Too many sign-in attempts from your address. Wait a minute, then try again.")}
    return render_template("admin/login.html", errors=errors), 429


@bp.post("/logout")
def logout():
    admin_access.end_session(db(), str(session.get(SESSION_ID_KEY, "")))
    db().commit()
    session.pop(SESSION_KEY, None)
    session.pop(SESSION_ID_KEY, None)
    return redirect(url_for("directory.admin.login"))


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return max(1, int(raw)) if raw.isdigit() else 1


def _review_page(errors=None, status=200):
    page = corrections.pending(db(), page=_page_number(), per_page=PAGE_SIZE)
    return render_template(
        "admin/corrections.html", page=page, items=page.items, errors=errors or {},
        done=request.args.get("done", ""),
    ), status


@bp.get("/corrections")
def review():
    return _review_page()


@bp.post("/corrections/<public_id>")
def decide(public_id: str):
    action = request.form.get("action")
    try:
        if action == "accept":
            corrections.accept(db(), public_id, today=today(), now=now())
        elif action == "reject":
            corrections.reject(db(), public_id, now=now())
        else:
            return _review_page({"corrections": _l("Choose accept or reject")}, 400)
    except corrections.CorrectionError as exc:
        db().rollback()
        return _review_page({"corrections": exc.args[0]}, 409)
    db().commit()
    return redirect(url_for("directory.admin.review", done=action, page=_page_number()))
