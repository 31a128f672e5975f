"""The private workspace behind the secret link: the person's requests and their letters."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for

from dsar.letters.compose import compose
from dsar.letters.email import mailto_link
from dsar.letters.formats import FORMATS, render
from dsar.letters.text import render_text
from dsar.requests.services import find_workspace, get_request, letter_request, workspace_requests
from dsar.web.setup import db

bp = Blueprint("requests", __name__)


def _workspace(token: str):
    workspace = find_workspace(db(), token)
    if workspace is None:
        abort(404)
    return workspace


@bp.get("/w/<token>")
def workspace(token: str):
    ws = _workspace(token)
    items = []
    for req in workspace_requests(db(), ws):
        letter = compose(letter_request(req))
        items.append({
            "request": req,
            "letter": letter,
            "text": render_text(letter),
            "mailto": mailto_link(letter) if letter.recipient.email else "",
        })
    link = url_for("requests.workspace", token=token, _external=True)
    return render_template("requests/workspace.html", items=items, token=token, link=link,
                           created=request.args.get("created") == "1")


@bp.get("/w/<token>/r/<public_id>/letter.<fmt>")
def download(token: str, public_id: str, fmt: str):
    ws = _workspace(token)
    req = get_request(db(), ws, public_id)
    if req is None or fmt not in FORMATS:
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
