"""The follow-up to an incomplete reply on a request's page: the letter as text and its
downloads (PDF, Word, email, text), like the reminder's page. Reached only through the
workspace's secret link (requests.blueprint.load_request); anything else is a 404."""

from __future__ import annotations

from flask import Response, abort, render_template

from dsar.letters.formats import FORMATS, render
from dsar.letters.text import render_text
from dsar.replies import followup
from dsar.replies.blueprint import bp
from dsar.requests.blueprint import load_request
from dsar.validation import is_usable_email
from dsar.web.context import today

PAGE = "/w/<token>/r/<public_id>/incomplete-reply"


@bp.get(PAGE, defaults={"fmt": None})
@bp.get(PAGE + ".<fmt>")
def incomplete_followup(token: str, public_id: str, fmt: str | None):
    """Without ``fmt`` the page; with it the letter in that format."""
    _ws, req = load_request(token, public_id)
    letter = followup.incomplete_letter(req, today())
    if fmt is None:
        return render_template(
            "replies/incomplete_followup.html", req=req, token=token, letter=letter,
            text=render_text(letter) if letter else "")
    if letter is None or fmt not in FORMATS:
        abort(404)
    if fmt == "eml" and not is_usable_email(letter.recipient.email):
        abort(404)
    rendered = render(letter, fmt)
    filename = f"{letter.filename_stem}.{rendered.extension}"
    return Response(rendered.content, mimetype=rendered.mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
