"""The citizen's side of handing a case to an adviser: from the private workspace, agree to
what the adviser's team gets and receive a one-time code (dsar/casework/share.py). The code is
shown on this one response and never again; nothing is emailed."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import lazy_gettext as _l

from dsar.casework import share
from dsar.requests.blueprint import bp, load_workspace
from dsar.requests.services import workspace_requests
from dsar.web.context import db

CONSENT_MISSING = _l("Tick the box to agree to what the adviser's team gets")
NOTHING_TO_SHARE = _l("There are no requests in this workspace yet, so there is nothing to hand over")


def _now():
    return current_app.config.get("DSAR_NOW") or share.utc_now()


@bp.post("/w/<token>/share")
def share_code(token: str):
    workspace = load_workspace(token)
    errors = {}
    if request.form.get("share_consent") != "yes":
        errors["share_consent"] = CONSENT_MISSING
    elif not workspace_requests(db(), workspace):
        errors["share_consent"] = NOTHING_TO_SHARE
    if errors:
        return render_template("requests/share.html", token=token, share_errors=errors), 400
    code, row = share.create_share_code(db(), workspace, now=_now())
    db().commit()
    return render_template("requests/share.html", token=token, code=code, expires_on=row.expires_at.date(),
                           valid_days=share.VALID_DAYS)
