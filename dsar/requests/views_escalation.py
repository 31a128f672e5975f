"""Follow-ups for one request: a reminder, a complaint to the organisation and the complaint
bundle for the regulator (issue 4 item 7)."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Response, abort, current_app, g, make_response, render_template, request, send_file
from flask_babel import get_locale

from dsar.deadlines import EU_COUNTRIES
from dsar.directory.services import list_organisations
from dsar.letters.followups import what_happened_draft
from dsar.letters.formats import FORMATS, render
from dsar.letters.text import render_text
from dsar.requests import escalation, forms
from dsar.requests.blueprint import bp, load_request, req_url, request_route, uploads_dir
from dsar.requests.bundle import BundleBusy, exclusive_build
from dsar.requests.services import case_state, get_draft, save_draft
from dsar.requests.status import CHANNELS
from dsar.validation import is_usable_email
from dsar.web.context import db, today

LETTER_KINDS = ("reminder", "complaint_controller")


def _attachment(content: bytes, mimetype: str, filename: str) -> Response:
    return Response(content, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _channel() -> str:
    channel = request.args.get("channel", "letter")
    return channel if channel in CHANNELS else "letter"


def _followup(req, kind: str, channel: str = "letter"):
    details = get_draft(db(), req, "complaint_controller").get("details", "")
    return escalation.followup_letter(
        req, kind, today(), channel=channel,
        details=details if kind == "complaint_controller" else "")


@request_route(bp, "/followup/<kind>.<fmt>")
def followup(public_id: str, kind: str, fmt: str):
    _ws, req = load_request(public_id)
    if kind not in LETTER_KINDS or fmt not in FORMATS:
        abort(404)
    letter = _followup(req, kind, _channel())
    if fmt == "eml" and not is_usable_email(letter.recipient.email):
        abort(404)
    rendered = render(letter, fmt)
    g.request_scope.audit("followup_downloaded", req, letter=kind, fmt=fmt)
    return _attachment(rendered.content, rendered.mimetype,
                       f"{letter.filename_stem}.{rendered.extension}")


@request_route(bp, "/followup/<kind>", methods=["GET", "POST"])
def followup_page(public_id: str, kind: str):
    """The letter as text, its downloads and (complaint) the person's own words."""
    _ws, req = load_request(public_id)
    if kind not in LETTER_KINDS:
        abort(404)
    values = get_draft(db(), req, "complaint_controller")
    errors, status = {}, 200
    if request.method == "POST" and kind == "complaint_controller":
        result = forms.validate_complaint(request.form)
        values, errors = result.values, result.errors
        if result.ok:
            save_draft(db(), req, "complaint_controller", result.values)
            g.request_scope.audit("followup_draft_saved", req, letter=kind)
            db().commit()
        else:
            status = 400
    letter = _followup(req, kind, _channel())
    return render_template(
        "requests/followup.html", req=req, kind=kind, letter=letter,
        text=render_text(letter), values=values, errors=errors, channel=_channel(),
        state=case_state(req, today()), saved=request.method == "POST" and not errors,
    ), status


def _authority(req, saved: dict):
    return escalation.regulator_for(db(), req, residence_country=saved.get("residence") or None,
                                    override_slug=saved.get("authority") or None)


def _countries() -> list[tuple[str, str]]:
    """The UK and the EU/EEA states, named in the page's language, in its alphabetical order."""
    names = get_locale().territories
    pairs = [(code, names.get(code.upper(), code.upper()))
             for code in ("gb",) + EU_COUNTRIES]
    return sorted(pairs, key=lambda pair: pair[1])


@request_route(bp, "/regulator", methods=["GET", "POST"])
def regulator(public_id: str):
    _ws, req = load_request(public_id)
    state = case_state(req, today())
    saved = get_draft(db(), req, "complaint_regulator")
    errors, warnings, status = {}, {}, 200
    if request.method == "POST":
        result = forms.validate_regulator(request.form)
        saved, errors, warnings = result.values, result.errors, result.warnings
        if result.ok:
            save_draft(db(), req, "complaint_regulator", result.values)
            g.request_scope.audit("followup_draft_saved", req, letter="complaint_regulator")
            db().commit()
        else:
            status = 400
    authority = _authority(req, saved)
    if not saved.get("what_happened") and authority is not None:
        draft = escalation.followup(req, "complaint_regulator", today(), authority=authority)
        saved["what_happened"] = what_happened_draft(draft)
    if not warnings and saved.get("what_happened"):
        warnings = forms.validate_regulator(saved).warnings
    return render_template(
        "requests/regulator.html", req=req, state=state, authority=authority,
        values=saved, errors=errors, warnings=warnings, status=status,
        countries=_countries(),
        authorities=list_organisations(db(), kind="supervisory_authority"),
        ready=bool(get_draft(db(), req, "complaint_regulator")) and not errors,
        bundle_url=req_url("requests.bundle", public_id=public_id, fmt="pdf"),
    ), status


def bundles_dir() -> Path:
    """Scratch folders of complaint bundles being built, and their per-workspace locks."""
    return current_app.config["DSAR_SETTINGS"].instance_path / "bundles"


def _send_and_forget(path, mimetype: str, filename: str) -> Response:
    """Send a file from the build's scratch folder, which is deleted as soon as this returns:
    the open file keeps its bytes readable until the response is closed."""
    handle = path.open("rb")
    response = send_file(handle, mimetype=mimetype, as_attachment=True, download_name=filename)
    response.content_length = os.fstat(handle.fileno()).st_size
    return response


@request_route(bp, "/regulator/bundle.<fmt>", action="export")
def bundle(public_id: str, fmt: str):
    ws, req = load_request(public_id)
    saved = get_draft(db(), req, "complaint_regulator")
    if fmt not in ("pdf", "zip") or not saved:
        abort(404)
    authority = _authority(req, saved)
    if authority is None:
        abort(404)
    stem = f"{req.reference}-complaint-regulator"
    try:
        with exclusive_build(bundles_dir(), ws.public_id) as scratch:
            result = escalation.regulator_bundle(
                db(), req, today(), what_happened=saved.get("what_happened", ""),
                harm=saved.get("harm", ""), authority=authority, uploads_dir=uploads_dir(),
                scratch=scratch)
            g.request_scope.audit("complaint_bundle_downloaded", req, fmt=fmt)
            if fmt == "pdf":
                return _send_and_forget(result.pdf, "application/pdf", f"{stem}.pdf")
            return _send_and_forget(result.zip, "application/zip", f"{stem}.zip")
    except BundleBusy:
        response = make_response(render_template(
            "requests/bundle_busy.html", req=req, retry_url=request.path), 409)
        response.headers["Retry-After"] = "30"
        return response
