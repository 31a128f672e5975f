"""The team area under /t/<team>/: staff, settings, two-factor set-up and the audit trail.
Every path under /t/ passes ``guard_team_area`` first (deny by default, see auth.py)."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from dsar.teams import accounts, audit
from dsar.teams.accounts import TeamError
from dsar.teams.auth import end_session, require
from dsar.teams.mail import send_link
from dsar.teams.models import ROLES, Account, Membership
from dsar.web.context import db
from dsar.web.limits import client_address

bp = Blueprint("team", __name__, url_prefix="/t/<team>")

AUDIT_PAGE = 50


def log(action: str, object_type: str = "", object_id: str = "", **detail) -> None:
    """Append to this team's audit trail, as the signed-in member, from this address."""
    audit.record(db(), g.team.id, action, actor=g.account.public_id, object_type=object_type,
                 object_id=object_id, address=client_address(), detail=detail)


@bp.get("/staff")
def staff():
    require("manage")
    members = db().scalars(select(Membership).where(Membership.team_id == g.team.id)).all()
    return render_template("team/staff.html", members=members, roles=ROLES, values={}, errors={},
                           invitation_link=None)


@bp.post("/staff/invite")
def invite():
    require("manage")
    values = {"email": (request.form.get("email") or "").strip()[:320],
              "role": request.form.get("role") or ""}
    errors, invitation_link = {}, None
    try:
        token = accounts.invite(db(), g.team, values["email"], values["role"])
    except TeamError as exc:
        errors["email" if values["role"] in ROLES else "role"] = exc.args[0]
    else:
        invitation_link = current_app.config["DSAR_SETTINGS"].base_url.rstrip("/") + url_for(
            "team_auth.accept_invitation", token=token)
        log("member_invited", role=values["role"])
        db().commit()
        send_link(values["email"].lower(), "invitation", invitation_link, team_name=g.team.name)
        values = {}
    members = db().scalars(select(Membership).where(Membership.team_id == g.team.id)).all()
    return render_template("team/staff.html", members=members, roles=ROLES, values=values,
                           errors=errors, invitation_link=invitation_link), (400 if errors else 200)


def _member(member_id: str) -> Membership:
    membership = db().scalar(select(Membership).join(Account).where(
        Membership.team_id == g.team.id, Account.public_id == member_id))
    if membership is None:
        abort(404)
    return membership


@bp.post("/staff/<member_id>/role")
def change_role(member_id: str):
    require("manage")
    membership = _member(member_id)
    role = request.form.get("role") or ""
    if role in ROLES and role != membership.role:
        if membership.role == "admin" and accounts.admins_left(db(), g.team.id) <= 1:
            return redirect(url_for("team.staff", team=g.team.slug, problem="last_admin"))
        log("role_changed", "account", member_id, before=membership.role, after=role)
        membership.role = role
        membership.account.session_version += 1  # the new role applies from the next sign-in
        db().commit()
    return redirect(url_for("team.staff", team=g.team.slug))


@bp.post("/staff/<member_id>/remove")
def remove_member(member_id: str):
    require("manage")
    membership = _member(member_id)
    if membership.role == "admin" and accounts.admins_left(db(), g.team.id) <= 1:
        return redirect(url_for("team.staff", team=g.team.slug, problem="last_admin"))
    log("member_removed", "account", member_id)
    membership.account.session_version += 1
    db().delete(membership)
    db().commit()
    return redirect(url_for("team.staff", team=g.team.slug))


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    require("manage")
    team = g.team
    values = {"name": team.name, "address": "\n".join(team.address), "email": team.email,
              "require_two_factor": team.require_two_factor, "retention_months": str(team.retention_months)}
    errors = {}
    if request.method == "POST":
        values = {k: (request.form.get(k) or "").strip()
                  for k in ("name", "address", "email", "retention_months")}
        values["require_two_factor"] = request.form.get("require_two_factor") == "yes"
        lines = [line.strip() for line in values["address"].splitlines() if line.strip()]
        if not values["name"] or len(values["name"]) > 200:
            errors["name"] = _l("Give the team a name of 1 to 200 characters")
        if not 2 <= len(lines) <= 8 or any(len(line) > 100 for line in lines):
            errors["address"] = _l("Enter the team's postal address: 2 to 8 lines of up to 100 characters")
        try:
            email = accounts.normalise_email(values["email"])
        except TeamError as exc:
            errors["email"] = exc.args[0]
        if not values["retention_months"].isdigit() or not 1 <= int(values["retention_months"]) <= 120:
            errors["retention_months"] = _l("Enter a number of months from 1 to 120")
        if not errors:
            team.name, team.address, team.email = values["name"], lines, email
            team.require_two_factor = values["require_two_factor"]
            team.retention_months = int(values["retention_months"])
            log("settings_changed", "team", team.public_id)
            db().commit()
            return redirect(url_for("team.settings", team=team.slug, saved=1))
    return render_template("team/settings.html", values=values, errors=errors), (400 if errors else 200)


@bp.route("/two-factor", methods=["GET", "POST"])
def two_factor_setup():
    account = g.account
    errors, codes = {}, None
    secret = request.form.get("secret") or ""
    if not accounts.is_totp_secret(secret):  # first visit, or a tampered field: a fresh secret
        secret = accounts.new_totp_secret()
    if request.method == "POST":
        try:
            codes = accounts.enable_totp(account, secret, request.form.get("code") or "")
        except TeamError as exc:
            errors["code"] = exc.args[0]
        else:
            log("two_factor_enabled", "account", account.public_id)
            db().commit()
    uri = accounts.totp_uri(secret, account.email)
    return render_template("team/two_factor.html", secret=secret, qr_svg=_qr_svg(uri), codes=codes,
                           errors=errors, enabled=account.totp_enabled), (400 if errors else 200)


def _qr_svg(data: str) -> str:
    """The authenticator app's QR code as inline SVG markup (drawn here, no third party)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@bp.get("/audit")
def audit_trail():
    require("manage")
    page = max(1, request.args.get("page", 1, type=int) or 1)
    events = audit.events_for(db(), g.team.id, limit=AUDIT_PAGE, offset=(page - 1) * AUDIT_PAGE)
    report = audit.verify(db(), g.team.id)
    return render_template("team/audit.html", events=events, page=page, report=report,
                           page_size=AUDIT_PAGE)


@bp.get("/audit.csv")
def audit_export():
    require("manage")
    events = audit.events_for(db(), g.team.id, limit=10**9)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["sequence", "at", "actor", "action", "object_type", "object_id", "address", "hash"])
    for e in reversed(events):
        writer.writerow([e.sequence, e.at.isoformat(), e.actor, e.action, e.object_type, e.object_id,
                         e.address, e.hash])
    log("audit_exported")
    db().commit()
    return Response(buffer.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="audit-{g.team.slug}.csv"'})


@bp.post("/sign-out")
def sign_out():
    """Sign-out from inside the team area (the same as /team/logout)."""
    g.account.session_version += 1
    log("logout", "account", g.account.public_id)
    db().commit()
    end_session()
    return redirect(url_for("team_auth.login", signed_out=1))
