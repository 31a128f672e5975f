"""The reviewers' pages: log in with the admin token, then accept or reject suggestions.

Deny by default: without DSAR_ADMIN_TOKEN configured every page here answers 404, as if it did
not exist; with it, every page but the login form needs the session flag the login sets. There
is no default password. The flag is a keyed hash of the token, so changing the token logs
everyone out.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l

from dsar.directory import corrections
from dsar.web.context import db, today

bp = Blueprint("admin", __name__, url_prefix="/admin")
SESSION_KEY = "dsar_admin"
PUBLIC_ENDPOINTS = frozenset({"directory.admin.login"})


def _token() -> str:
    return current_app.config["DSAR_SETTINGS"].admin_token


def _mark(token: str) -> str:
    return hmac.new(current_app.config["SECRET_KEY"].encode(), b"admin:" + token.encode(),
                    hashlib.sha256).hexdigest()


def logged_in() -> bool:
    token = _token()
    return bool(token) and hmac.compare_digest(str(session.get(SESSION_KEY, "")), _mark(token))


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


@bp.route("/login", methods=["GET", "POST"])
def login():
    errors = {}
    if request.method == "POST":
        typed = request.form.get("token", "")
        if typed and hmac.compare_digest(typed.encode(), _token().encode()):
            session[SESSION_KEY] = _mark(_token())
            return redirect(url_for("directory.admin.review"))
        errors["token"] = _l("That token is not right")
    return render_template("admin/login.html", errors=errors), (401 if errors else 200)


@bp.post("/logout")
def logout():
    session.pop(SESSION_KEY, None)
    return redirect(url_for("directory.admin.login"))


def _review_page(errors=None, status=200):
    return render_template(
        "admin/corrections.html", items=corrections.pending(db()), errors=errors or {},
        done=request.args.get("done", ""),
    ), status


@bp.get("/corrections")
def review():
    return _review_page()


@bp.post("/corrections/<public_id>")
def decide(public_id: str):
    action = request.form.get("action")
    now = datetime.now(UTC).replace(tzinfo=None)
    try:
        if action == "accept":
            corrections.accept(db(), public_id, today=today(), now=now)
        elif action == "reject":
            corrections.reject(db(), public_id, now=now)
        else:
            return _review_page({"corrections": _l("Choose accept or reject")}, 400)
    except corrections.CorrectionError as exc:
        db().rollback()
        return _review_page({"corrections": exc.args[0]}, 409)
    db().commit()
    return redirect(url_for("directory.admin.review", done=action))
