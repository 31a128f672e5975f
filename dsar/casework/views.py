"""The caseload and clients of a team (under /t/<team>/, behind the team-area guard).
Thin: parse the form, call a service, write the audit line, render. A client's letters are
in views_letters, registered on the same blueprint."""

from __future__ import annotations

import io

from flask import Response, abort, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from dsar.casework import caseload as caseload_service
from dsar.casework import forms, retention, services, views_share
from dsar.casework import views_letters as _letters  # noqa: F401 - registers its routes
from dsar.casework.blueprint import bp, load_client, uploads_dir
from dsar.casework.models import Client
from dsar.letters.compose import available_locales
from dsar.teams.auth import require
from dsar.teams.views import log
from dsar.web.context import db, today


@bp.get("/")
def caseload():
    require("view")
    rows = caseload_service.caseload(db(), g.team.id, today=today())
    return render_template("casework/caseload.html", rows=rows)


@bp.get("/clients")
def clients():
    require("view")
    mine = request.args.get("mine") == "1"
    listed = services.list_clients(db(), g.team.id, caseworker_id=g.account.id if mine else None,
                                   include_closed=request.args.get("closed") == "1")
    return render_template("casework/clients.html", clients=listed, mine=mine)


def _render_form(values: dict, errors: dict, client: Client | None = None, status: int = 200):
    return render_template("casework/client_form.html", values=values, errors=errors, client=client,
                           locales=available_locales()), status


@bp.route("/clients/new", methods=["GET", "POST"])
def new_client():
    require("work")
    if request.method == "GET":
        return _render_form({"preferred_language": "en"}, {})
    result = forms.validate_client(request.form, today=today())
    if not result.ok:
        return _render_form(result.values, result.errors, status=400)
    client = services.create_client(db(), g.team.id, result.cleaned, caseworker_id=g.account.id)
    log("client_created", "client", client.public_id)
    db().commit()
    return redirect(url_for("casework.client", team=g.team.slug, client_id=client.public_id))


@bp.route("/clients/<client_id>/edit", methods=["GET", "POST"])
def edit_client(client_id: str):
    require("work")
    client = load_client(client_id)
    if request.method == "GET":
        return _render_form(forms.client_form_values(client), {}, client)
    result = forms.validate_client(request.form, today=today())
    if not result.ok:
        return _render_form(result.values, result.errors, client, status=400)
    changed = services.update_client(client, result.cleaned)
    if changed:
        log("client_changed", "client", client.public_id, fields=changed)
    db().commit()
    return redirect(url_for("casework.client", team=g.team.slug, client_id=client.public_id))


@bp.get("/clients/<client_id>")
def client(client_id: str):
    require("view")
    client = load_client(client_id)
    log("client_viewed", "client", client.public_id)
    db().commit()
    return render_template(
        "casework/client.html", client=client, notes=services.notes_of(db(), client),
        caseworkers=services.caseworkers(db(), g.team.id), note_values={}, note_errors={},
        requests=caseload_service.client_requests(db(), client, today=today()),
    )


@bp.post("/clients/<client_id>/notes")
def add_note(client_id: str):
    require("work")
    client = load_client(client_id)
    result = forms.validate_note(request.form)
    if not result.ok:
        return render_template(
            "casework/client.html", client=client, notes=services.notes_of(db(), client),
            caseworkers=services.caseworkers(db(), g.team.id), note_values=result.values,
            note_errors=result.errors,
            requests=caseload_service.client_requests(db(), client, today=today()),
        ), 400
    note = services.add_note(db(), client, g.account.id, result.values["note"])
    log("note_added", "client", client.public_id, note=note.public_id)
    db().commit()
    return redirect(url_for("casework.client", team=g.team.slug, client_id=client.public_id) + "#notes")


@bp.post("/clients/<client_id>/caseworker")
def reassign_client(client_id: str):
    require("work")
    client = load_client(client_id)
    to = services.member_account(db(), g.team.id, request.form.get("caseworker") or "")
    if to is None:
        abort(400)
    services.reassign(db(), g.team.id, to=to, client=client)
    log("client_reassigned", "client", client.public_id, to=to.public_id)
    db().commit()
    return redirect(url_for("casework.client", team=g.team.slug, client_id=client.public_id))


@bp.post("/staff/<member_id>/hand-over")
def hand_over_all(member_id: str):
    """Every client of one caseworker to another (e.g. someone leaves)."""
    require("manage")
    source = services.member_account(db(), g.team.id, member_id)
    to = services.member_account(db(), g.team.id, request.form.get("caseworker") or "")
    if source is None or to is None:
        abort(404 if source is None else 400)
    moved = services.reassign(db(), g.team.id, to=to, from_account=source)
    log("clients_handed_over", "account", source.public_id, to=to.public_id, count=len(moved))
    db().commit()
    return redirect(url_for("casework.clients", team=g.team.slug))


@bp.post("/clients/<client_id>/close")
def close_client(client_id: str):
    require("work")
    client = load_client(client_id)
    if request.form.get("reopen") == "1":
        services.reopen_client(client)
        log("client_reopened", "client", client.public_id)
    else:
        services.close_client(client, today())
        log("client_closed", "client", client.public_id)
    db().commit()
    return redirect(url_for("casework.client", team=g.team.slug, client_id=client.public_id))


@bp.get("/clients/<client_id>/export.zip")
def export_client(client_id: str):
    """The client's whole file (their own access request to the charity, or a move)."""
    require("export")
    client = load_client(client_id)
    buffer = io.BytesIO()
    retention.export_client(db(), client, uploads_dir(), buffer)
    log("client_exported", "client", client.public_id)
    db().commit()
    return Response(buffer.getvalue(), mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="client-{client.public_id}.zip"'})


@bp.route("/clients/<client_id>/delete", methods=["GET", "POST"])
def delete_client(client_id: str):
    """Delete on request: everything about the client goes; the audit keeps an id-only line."""
    require("delete")
    client = load_client(client_id)
    errors = {}
    if request.method == "POST":
        if (request.form.get("confirm") or "").strip().casefold() != client.name.strip().casefold():
            errors["confirm"] = _l("Type the client's full name exactly as shown to confirm")
        else:
            public_id = client.public_id
            requests_deleted, files_deleted = retention.delete_client(db(), client, uploads_dir())
            log("client_deleted", "client", public_id, requests=requests_deleted, files=files_deleted)
            db().commit()
            return redirect(url_for("casework.clients", team=g.team.slug, deleted=1))
    return render_template("casework/delete.html", client=client, errors=errors), (400 if errors else 200)


views_share.add_share_routes(bp)
