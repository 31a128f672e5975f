"""One request's page: where it stands, its timeline, and recording what happened."""

from __future__ import annotations

from flask import Response, abort, g, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from dsar.requests import tracking
from dsar.requests import uploads as up
from dsar.requests.blueprint import bp, load_request, req_url, request_route, uploads_dir
from dsar.requests.explain import explain_steps
from dsar.requests.ics import due_date_calendar
from dsar.requests.services import case_state, event_values
from dsar.web.context import db, today

# Status tags and the workspace's groups ask this of every request (requests/_tracking.html).
bp.add_app_template_global(tracking.needs_action, "needs_action")


def _files_by_id(req) -> dict:
    return {u.public_id: u for u in up.request_uploads(db(), req)}


def _timeline(state) -> list[dict]:
    """The events in date order, with the due date placed where it falls among them."""
    items = [((e.occurred_on, 0), {"event": e}) for e in state.events]
    if state.due is not None and state.days_left is not None:
        items.append(((state.due, 1), {"due": state.due, "passed": state.days_left < 0}))
    if state.complaint_ack_due and not state.complaint_acknowledged:
        items.append(((state.complaint_ack_due, 1), {"ack_due": state.complaint_ack_due,
                                                     "passed": state.complaint_ack_late}))
    return [item for _key, item in sorted(items, key=lambda x: x[0])]


def _recorded(state, kind: str):
    """The entry just saved (for the "Saved: …" banner, which names it with its details)."""
    return next((e for e in reversed(state.events) if e.kind == kind), None)


@request_route(bp, "")
def detail(public_id: str):
    _ws, req = load_request(public_id)
    g.request_scope.audit("request_viewed", req)
    return _detail_page(req)


def _detail_page(req, *, errors=None, status=200):
    state = case_state(req, today())
    effective_ids = {e.id for e in state.events}
    retractable = {e.id for e in state.events if tracking.can_retract(req, e)}
    answers, others = tracking.question(state)
    recorded = request.args.get("recorded", "")
    return render_template(
        "requests/request.html", req=req, state=state, answers=answers,
        others=others, escalation=tracking.escalation_due(state), files=_files_by_id(req),
        log=event_values(req), effective_ids=effective_ids, retractable=retractable,
        timeline=_timeline(state), explain_steps=explain_steps, recorded=recorded,
        recorded_event=_recorded(state, recorded), nothing_yet=request.args.get("answer") == "nothing",
        today=today(), errors=errors or {}, values=request.args,
    ), status


@request_route(bp, "/what-happened", action="work")
def what_happened(public_id: str):
    """The answer to the request page's one question leads to the form for that answer
    (a GET that only navigates: nothing is recorded until that form is sent)."""
    _ws, req = load_request(public_id)
    answers, _others = tracking.question(case_state(req, today()))
    answer = request.args.get("answer", "")
    if answer in answers:
        return redirect(req_url("requests.record", public_id=public_id, kind=answer))
    if answer == tracking.NOTHING_YET:
        return redirect(req_url("requests.detail", public_id=public_id,
                                answer=answer) + "#what-happened")
    return _detail_page(req, errors={"answer": _l("Choose what happened")}, status=400)


def _incoming_files() -> list[up.IncomingFile]:
    files = []
    for storage in request.files.getlist("files"):
        if not storage or not storage.filename:
            continue
        files.append(up.IncomingFile(storage.filename, storage.read(up.MAX_UPLOAD_BYTES + 1)))
    return files


def _form(req, kind, *, event=None):
    """Show (GET) or handle (POST) one action's form; ``event`` is the entry being changed."""
    if request.method == "POST":
        submission = tracking.validate(request.form, _incoming_files(), kind=kind, request=req,
                                       today=today(), superseding=event)
        if submission.checked_files:
            try:
                up.check_quota(db(), req.workspace_id, submission.checked_files)
            except up.UploadError as exc:
                submission.errors["files"] = exc.args[0]
        if submission.ok:
            tracking.record(db(), req, kind, submission, uploads_dir(),
                            supersedes=event.id if event else None)
            g.request_scope.audit("request_event_changed" if event else "request_event_recorded",
                                  req, kind=kind)
            db().commit()
            return redirect(req_url("requests.detail", public_id=req.public_id,
                                    recorded=kind) + "#timeline")
        values, errors, warnings = submission.values, submission.errors, submission.warnings
        status = 400 if errors else 200  # only a warning: nothing wrong, one more look
    else:
        values, errors, warnings, status = tracking.default_values(today(), event), {}, {}, 200
    state = case_state(req, today())
    return render_template(
        "requests/record.html", req=req, kind=kind, fields=tracking.FIELDS[kind],
        values=values, errors=errors, warnings=warnings, event=event, state=state,
        earliest=tracking.earliest_date(kind, req, state), today=today(), files=_files_by_id(req),
    ), status


@request_route(bp, "/record/<kind>", action="work", methods=["GET", "POST"])
def record(public_id: str, kind: str):
    _ws, req = load_request(public_id)
    if kind not in tracking.FIELDS:
        abort(404)
    return _form(req, kind)


@request_route(bp, "/events/<int:event_id>/edit", action="work", methods=["GET", "POST"])
def edit(public_id: str, event_id: int):
    _ws, req = load_request(public_id)
    event = tracking.editable_event(req, event_id)
    if event is None:
        abort(404)
    return _form(req, event.kind, event=event)


@request_route(bp, "/events/<int:event_id>/retract", methods=["POST"])
def retract(public_id: str, event_id: int):
    _ws, req = load_request(public_id)
    event = tracking.editable_event(req, event_id)
    if event is None or not tracking.can_retract(req, event):
        abort(404)
    tracking.retract(db(), req, event, today())
    g.request_scope.audit("request_event_retracted", req, kind=event.kind)
    db().commit()
    return redirect(req_url("requests.detail", public_id=public_id,
                            recorded="retracted") + "#timeline")


@request_route(bp, "/files/<file_id>")
def file(public_id: str, file_id: str):
    _ws, req = load_request(public_id)
    upload = up.get_upload(db(), req, file_id)
    if upload is None:
        abort(404)
    try:
        content = up.read_upload(upload, uploads_dir())
    except (OSError, up.UploadError):
        abort(404)
    # Always a download, with the type we sniffed: an uploaded file is never rendered as a
    # page of this site (nosniff is set for every response).
    g.request_scope.audit("request_file_downloaded", req, file=upload.public_id)
    name = up.download_name(upload)
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return Response(content, mimetype=upload.media_type, headers={
        "Content-Disposition": f'attachment; filename="{ascii_name}"',
    })


@request_route(bp, "/due.ics")
def calendar(public_id: str):
    _ws, req = load_request(public_id)
    state = case_state(req, today())
    if state.due is None:
        abort(404)
    organisation = (req.recipient or {}).get("name", "")
    content = due_date_calendar(
        uid=req.public_id, due=state.due,
        summary=_("Reply due from %(organisation)s (%(reference)s)",
                  organisation=organisation, reference=req.reference),
        description=_("The last day for %(organisation)s to answer your request %(reference)s.",
                      organisation=organisation, reference=req.reference),
        alarm_text=_("A reply from %(organisation)s is due in a week (%(reference)s)",
                     organisation=organisation, reference=req.reference),
    )
    return Response(content, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="{req.reference}-due.ics"'})
