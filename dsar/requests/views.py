"""The private workspace behind the secret link: what needs doing, the letters, reminders by
email and the JSON export. The per-request pages are in views_tracking and views_escalation,
registered on the same blueprint."""

from __future__ import annotations

from datetime import datetime

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import get_locale

from dsar.letters.compose import compose
from dsar.letters.formats import FORMATS, render
from dsar.letters.text import render_text
from dsar.requests import forms
from dsar.requests import views_escalation as _escalation  # noqa: F401 - registers its routes
from dsar.requests import views_tracking as _tracking  # noqa: F401 - registers its routes
from dsar.requests.blueprint import bp, load_request, load_workspace
from dsar.requests.export import export_json
from dsar.requests.services import (
    case_state,
    letter_request,
    set_reminders,
    stop_reminders,
    workspace_requests,
)
from dsar.requests.status import DUE_SOON_DAYS
from dsar.web.context import db, public_url, today

GROUPS = ("overdue", "due_soon", "to_send", "waiting", "done")

__all__ = ["bp"]


def _item(req) -> dict:
    state = case_state(req, today())
    item = {"request": req, "state": state}
    if state.status == "draft":
        # Not sent yet: the letter and every way of sending it, right here.
        letter = compose(letter_request(req))
        item.update(letter=letter, text=render_text(letter), mailto="")
        if letter.recipient.email:
            from dsar.letters.email import mailto_link  # the email renderer, only when needed

            item["mailto"] = mailto_link(letter)
    return item


def _sort_key(item: dict):
    state = item["state"]
    far = 10**6
    return (GROUPS.index(state.group), state.days_left if state.days_left is not None else far,
            item["request"].id)


@bp.get("/w/<token>")
def workspace(token: str):
    ws = load_workspace(token)
    items = sorted((_item(req) for req in workspace_requests(db(), ws)), key=_sort_key)
    groups = [(name, [i for i in items if i["state"].group == name]) for name in GROUPS]
    return _render_workspace(ws, token, items, groups)


def _render_workspace(ws, token, items, groups, *, values=None, errors=None, status=200):
    link = public_url("requests.workspace", token=token)
    return render_template(
        "requests/workspace.html", items=items, groups=groups, token=token, link=link,
        workspace=ws, created=request.args.get("created") == "1",
        reminders=request.args.get("reminders", ""), values=values or {}, errors=errors or {},
        due_soon_days=DUE_SOON_DAYS,
    ), status


@bp.post("/w/<token>/reminders")
def reminders(token: str):
    ws = load_workspace(token)
    if request.form.get("action") == "stop":
        stop_reminders(ws)
        db().commit()
        return redirect(url_for("requests.workspace", token=token, reminders="stopped") + "#reminders")
    result = forms.validate_reminders(request.form)
    if not result.ok:
        items = sorted((_item(req) for req in workspace_requests(db(), ws)), key=_sort_key)
        groups = [(name, [i for i in items if i["state"].group == name]) for name in GROUPS]
        return _render_workspace(ws, token, items, groups, values=result.values,
                                 errors=result.errors, status=400)
    set_reminders(ws, email=result.values["email"], locale=str(get_locale() or "en"),
                  now=datetime.now())
    db().commit()
    return redirect(url_for("requests.workspace", token=token, reminders="on") + "#reminders")


@bp.get("/w/<token>/export.json")
def export(token: str):
    ws = load_workspace(token)
    return Response(export_json(db(), ws, today()), mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="dsar-requests.json"'})


@bp.get("/w/<token>/r/<public_id>/letter.<fmt>")
def download(token: str, public_id: str, fmt: str):
    _ws, req = load_request(token, public_id)
    if fmt not in FORMATS:
        abort(404)
    letter = compose(letter_request(req))
    if fmt == "eml" and not letter.recipient.email:
        abort(404)
    rendered = render(letter, fmt)
    filename = f"{letter.reference}-{letter.kind}.{rendered.extension}"
    return Response(
        rendered.content,
        mimetype=rendered.mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
