"""The caseload and clients of a team (under /t/<team>/, behind the team-area guard).
Thin: parse the form, call a service, write the audit line, render. A client's letters are
in views_letters, registered on the same blueprint."""

from __future__ import annotations

import csv
import io

from flask import (
    Response,
    abort,
    current_app,
    g,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_number, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from dsar.casework import caseload as caseload_service
from dsar.casework import forms, retention, services, state, views_share
from dsar.casework import views_letters as _letters  # noqa: F401 - registers its routes
from dsar.casework.blueprint import bp, load_client, uploads_dir
from dsar.casework.models import Client
from dsar.letters.compose import available_locales
from dsar.teams.auth import require
from dsar.teams.views import log
from dsar.web.context import db, today


def _caseload_query():
    """The filters of the query string, the caseworkers to choose from, and whose caseload
    (the signed-in member's with "mine"; a chosen caseworker's; or everyone's: None)."""
    filters = caseload_service.parse_filters(request.args)
    workers = caseload_service.caseworkers(db(), g.team.id)
    chosen = next((a.id for a in workers if a.public_id == filters.caseworker), None)
    return filters, workers, g.account.id if filters.mine else chosen


@bp.get("/")
def caseload():
    require("view")
    filters, workers, caseworker_id = _caseload_query()
    if state.refresh_stale(db(), g.team.id, today()):
        db().commit()
    page = caseload_service.caseload_page(db(), g.team.id, filters, caseworker_id=caseworker_id,
                                          names={a.id: a.name or a.email for a in workers}, today=today())
    return render_template("casework/caseload.html", page=page, filters=filters, caseworkers=workers,
                           status_filters=caseload_service.STATUS_FILTERS, format_number=format_number,
                           words=_caseload_words())


def _caseload_words() -> caseload_service.Words:
    """The rows' words through the macros every page uses, kept by the app per language."""
    store = current_app.extensions.setdefault("caseload_words", {})
    return caseload_service.Words(store, str(get_locale()), {
        "tag": get_template_attribute("requests/_tracking.html", "status_tag"),
        "days": get_template_attribute("requests/_tracking.html", "days_left"),
        "right": get_template_attribute("wizard/rights.html", "right_label"),
        "date": current_app.jinja_env.filters["format_date_long"], "action": str})


@bp.get("/caseload.csv")
def caseload_export():
    require("export")
    filters, _workers, caseworker_id = _caseload_query()
    day = today()
    state.refresh_stale(db(), g.team.id, day)
    log("caseload_exported", "team", g.team.public_id, **filters.args(page=1))
    db().commit()
    status_label = get_template_attribute("requests/_tracking.html", "status_label")
    right_label = get_template_attribute("wizard/rights.html", "right_label")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Client"), _("Reference"), _("Organisation"), _("Request"), _("Status"),
                     _("Due date"), _("Days left"), _("Next action"), _("Caseworker")])
    for row, client_name, reference, caseworker in caseload_service.export_rows(
            db(), g.team.id, filters, caseworker_id=caseworker_id, today=day):
        standing = caseload_service.standing_from_cache(row, day)
        writer.writerow([
            _cell(client_name), reference, _cell(row.organisation), str(right_label(row.right)).strip(),
            str(status_label(standing)).strip(), standing.due.isoformat() if standing.due else "",
            "" if standing.days_left is None else standing.days_left, str(standing.next_action),
            _cell(caseworker)])
    return Response(buffer.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="caseload-{g.team.slug}-{day.isoformat()}.csv"'})


def _cell(text: str) -> str:
    """Typed text that a spreadsheet would run as a formula is kept as text."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


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
    return client_page(client)


def client_page(client: Client, *, note_values=None, note_errors=None, status: int = 200):
    """The client's page: details, requests, notes (with the note form as typed)."""
    return render_template(
        "casework/client.html", client=client, notes=services.notes_of(db(), client),
        caseworkers=services.caseworkers(db(), g.team.id), note_values=note_values or {},
        note_errors=note_errors or {},
        requests=caseload_service.client_requests(db(), client, today=today()),
    ), status


@bp.post("/clients/<client_id>/notes")
def add_note(client_id: str):
    require("work")
    client = load_client(client_id)
    result = forms.validate_note(request.form)
    if not result.ok:
        return client_page(client, note_values=result.values, note_errors=result.errors, status=400)
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
