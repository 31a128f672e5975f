"""A client's letters (on the casework blueprint, behind the team-area guard): the letter of
authority to generate and its signed copy, whether the client writes in their own name, and
letters to several organisations at once with one PDF to print. Thin: parse the form, call
a service, write the audit line, render."""

from __future__ import annotations

from flask import Response, abort, g, redirect, render_template, request, url_for

from dsar.casework import authority as authorities
from dsar.casework import letter_forms, letters
from dsar.casework.blueprint import bp, load_client, uploads_dir
from dsar.casework.models import Authority, Client
from dsar.directory.services import get_organisation, search_organisations
from dsar.letters.formats import render
from dsar.letters.inputs import InputError
from dsar.requests.uploads import MAX_UPLOAD_BYTES, IncomingFile, UploadError
from dsar.rights import ERASURE_GROUNDS, RESTRICTION_GROUNDS, RIGHTS
from dsar.teams.auth import require
from dsar.teams.views import log
from dsar.web.context import db, today

DOCUMENT_FORMATS = ("pdf", "docx")


def _client_page(client: Client, anchor: str = "", **args) -> Response:
    return redirect(url_for("casework.client", team=g.team.slug, client_id=client.public_id, **args)
                    + (f"#{anchor}" if anchor else ""))


def _download(rendered, filename: str) -> Response:
    return Response(rendered.content, mimetype=rendered.mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}.{rendered.extension}"'})


def _picker(values: dict) -> dict:
    """What the organisation picker shows: the chosen ones, and a search's results."""
    query = (request.form.get("q") or "").strip()[:200]
    chosen = [r for r in (get_organisation(db(), s) for s in values.get("orgs", [])) if r]
    return {"query": query, "chosen": chosen, "results": search_organisations(db(), query, limit=25)}


def _still_choosing() -> bool:
    """A search or a preset re-shows the form with the choices so far (nothing is saved)."""
    return request.form.get("action") == "search" or bool(request.form.get("preset"))


@bp.context_processor
def letters_context() -> dict:
    """What the client page's letters section reads (casework/client_letters.html)."""
    return {"today_date": today(),
            "organisation_name": lambda slug: authorities.organisation_name(db(), slug)}


def load_authority(client: Client, authority_id: str) -> Authority:
    found = next((a for a in client.authorities if a.public_id == authority_id), None)
    if found is None:
        abort(404)
    return found


@bp.route("/clients/<client_id>/authority/new", methods=["GET", "POST"])
def generate_authority(client_id: str):
    require("work")
    client = load_client(client_id)
    if request.method == "GET":
        values, errors = letter_forms.authority_defaults(today()), {}
    else:
        result = letter_forms.validate_authority(request.form, db(), today=today())
        values, errors = result.values, ({} if _still_choosing() else result.errors)
        try:
            authorities.check_team_address(g.team)
        except authorities.AuthorityProblem as exc:
            errors["authority"] = exc.args[0]
        if not _still_choosing() and not errors:
            made = authorities.generate(db(), client, **result.cleaned, today=today())
            log("authority_generated", "authority", made.public_id, client=client.public_id)
            db().commit()
            return _client_page(client, "authority", generated=made.public_id)
    return render_template("casework/authority_form.html", client=client, values=values, errors=errors,
                           rights=letter_forms.AUTHORISABLE, **_picker(values)), (400 if errors else 200)


@bp.get("/clients/<client_id>/authority/<authority_id>.<fmt>")
def authority_document(client_id: str, authority_id: str, fmt: str):
    require("view")
    if fmt not in DOCUMENT_FORMATS:
        abort(404)
    client = load_client(client_id)
    authority = load_authority(client, authority_id)
    letter = authorities.document(db(), g.team, client, authority)
    log("authority_downloaded", "authority", authority.public_id)
    db().commit()
    return _download(render(letter, fmt), f"letter-of-authority-{authority.public_id}")


@bp.route("/clients/<client_id>/authority/<authority_id>/signed", methods=["GET", "POST"])
def upload_signed_copy(client_id: str, authority_id: str):
    require("work")
    client = load_client(client_id)
    authority = load_authority(client, authority_id)
    if authority.stored_name:
        return _client_page(client, "authority")
    values = {"signed_on": today().isoformat(), "expires_on": authority.expires_on.isoformat()}
    errors = {}
    if request.method == "POST":
        upload = request.files.get("signed_copy")
        result = letter_forms.validate_signed_copy(
            request.form, bool(upload and upload.filename), issued_on=authority.issued_on, today=today())
        values, errors = result.values, result.errors
        if result.ok:
            content = upload.stream.read(MAX_UPLOAD_BYTES + 1)
            try:
                authorities.attach_signed_copy(
                    authority, IncomingFile(upload.filename or "", content), uploads_dir=uploads_dir(),
                    **result.cleaned)
            except UploadError as exc:
                errors["signed_copy"] = exc.args[0]
            else:
                log("authority_signed", "authority", authority.public_id, client=client.public_id)
                db().commit()
                return _client_page(client, "authority")
    return render_template("casework/authority_signed.html", client=client, authority=authority,
                           values=values, errors=errors), (400 if errors else 200)


@bp.get("/clients/<client_id>/authority/<authority_id>/signed-copy")
def signed_copy(client_id: str, authority_id: str):
    require("view")
    client = load_client(client_id)
    authority = load_authority(client, authority_id)
    if not authority.stored_name:
        abort(404)
    path = authorities.signed_copy_path(authority, uploads_dir())
    if not path.is_file():
        abort(404)
    log("authority_copy_downloaded", "authority", authority.public_id)
    db().commit()
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}[authority.media_type]
    return Response(path.read_bytes(), mimetype=authority.media_type, headers={
        "Content-Disposition": f'attachment; filename="signed-authority-{authority.public_id}.{extension}"'})


@bp.post("/clients/<client_id>/acting-mode")
def acting_mode(client_id: str):
    require("work")
    client = load_client(client_id)
    mode = request.form.get("acting_mode")
    if mode not in ("authority", "own_name"):
        abort(400)
    if mode != client.acting_mode:
        client.acting_mode = mode
        log("acting_mode_changed", "client", client.public_id, mode=mode)
        db().commit()
    return _client_page(client, "authority")


@bp.route("/clients/<client_id>/letters/new", methods=["GET", "POST"])
def write_letters(client_id: str):
    require("work")
    client = load_client(client_id)
    if request.method == "GET":
        values, errors = {"orgs": [], "right": "access", "posted_today": True}, {}
    else:
        result = letter_forms.validate_letters(request.form, db())
        values, errors = result.values, ({} if _still_choosing() else result.errors)
        if not _still_choosing() and result.ok:
            try:
                written = letters.write_letters(db(), g.team, client, letters.LetterChoices(**result.cleaned),
                                                today())
            except authorities.AuthorityProblem as exc:
                db().rollback()
                errors["authority"] = exc.args[0]
            except InputError:
                db().rollback()
                errors["orgs"] = letter_forms.LETTER_PROBLEM
            else:
                ids = [r.public_id for r in written]
                log("letters_generated", "client", client.public_id, requests=ids)
                db().commit()
                return _client_page(client, "letters", written=ids)
    return render_template("casework/letters_form.html", client=client, values=values, errors=errors,
                           rights=RIGHTS,
                           grounds=(("erasure", ERASURE_GROUNDS), ("restriction", RESTRICTION_GROUNDS)),
                           **_picker(values)), (400 if errors else 200)


@bp.get("/clients/<client_id>/letters/<request_id>.<fmt>")
def letter_download(client_id: str, request_id: str, fmt: str):
    require("view")
    if fmt not in DOCUMENT_FORMATS:
        abort(404)
    client = load_client(client_id)
    found = letters.client_request(db(), client, request_id)
    if found is None:
        abort(404)
    log("letter_downloaded", "request", found.public_id)
    db().commit()
    return _download(render(letters.letter_of(found), fmt), found.reference)


@bp.get("/clients/<client_id>/letters.pdf")
def letters_to_print(client_id: str):
    """The chosen letters (the ones just written) in one PDF for double-sided printing."""
    require("view")
    client = load_client(client_id)
    ids = list(dict.fromkeys(request.args.getlist("r")))[: letters.MAX_ORGANISATIONS]
    found = [letters.client_request(db(), client, i) for i in ids]
    if not found or None in found:
        abort(404)
    content = letters.print_ready_pdf([letters.letter_of(r) for r in found])
    log("letters_downloaded", "client", client.public_id, requests=ids)
    db().commit()
    return Response(content, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="letters-{client.public_id}.pdf"'})
