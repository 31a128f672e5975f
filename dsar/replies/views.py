"""The reply on a request's page: take in what came back, check it point by point.

The panel (templates/requests/_reply.html) is part of the request page; its forms post here
and come back to the page. On a problem the request page is shown again with the errors and
what was typed (the page's own view renders it; the values travel in ``g``).
"""

from __future__ import annotations

from types import SimpleNamespace

from flask import g, redirect, request, url_for
from flask_babel import lazy_gettext as _l

from dsar.replies import checking, intake
from dsar.replies.blueprint import bp
from dsar.replies.hints import suggest
from dsar.requests import uploads as up
from dsar.requests.blueprint import load_request, uploads_dir
from dsar.requests.services import case_state
from dsar.requests.views_tracking import _detail_page, _incoming_files
from dsar.web.context import db, today


@bp.app_template_global()
def reply_panel(req, state, token: str) -> SimpleNamespace:
    """Everything the reply panel shows: the texts read out of the reply, the checklist with
    the current marks (or those just sent back with an error) and the suggestions."""
    texts = intake.reply_texts(db(), req)
    items = checking.request_items(req)
    saved = checking.current_marks(state)
    marks = g.get("reply_marks", saved)
    day = today()
    values = g.get("reply_values") or {"reply-date-day": str(day.day), "reply-date-month": str(day.month),
                                       "reply-date-year": str(day.year)}
    return SimpleNamespace(
        open=state.sent_on is not None,
        texts=texts,
        items=items,
        marks=marks,
        summary=checking.summary(saved),
        suggestions=suggest("\n".join(t.text for t in texts), items),
        needs_date=intake.reply_event(state) is None,
        typed=values,
        followup_url=url_for("replies.incomplete_followup", token=token, public_id=req.public_id),
        saved=request.args.get("reply", ""),
    )


def _back(token: str, public_id: str, saved: str):
    return redirect(url_for("requests.detail", token=token, public_id=public_id, reply=saved) + "#reply")


@bp.post("/w/<token>/r/<public_id>/reply")
def take_in(token: str, public_id: str):
    _ws, req = load_request(token, public_id)
    state = case_state(req, today())
    submission = intake.validate(request.form, _incoming_files(), state=state, today=today())
    if submission.ok:
        try:
            up.check_quota(db(), req.workspace_id, submission.checked)
        except up.UploadError as exc:
            submission.errors["reply-files"] = exc.args[0]
    if not submission.ok:
        g.reply_values = submission.values
        return _detail_page(req, token, errors=submission.errors, status=400)
    intake.record(db(), req, submission, state, uploads_dir())
    db().commit()
    return _back(token, public_id, "received")


@bp.post("/w/<token>/r/<public_id>/reply/checklist")
def check(token: str, public_id: str):
    _ws, req = load_request(token, public_id)
    marks, errors = checking.validate(request.form, checking.request_items(req))
    if intake.reply_event(case_state(req, today())) is None:
        errors = {"reply-files": _l("Add their reply first, then check it")}
    if errors:
        g.reply_marks = marks
        return _detail_page(req, token, errors=errors, status=400)
    checking.save(db(), req, marks, today())
    db().commit()
    return _back(token, public_id, "checked")
