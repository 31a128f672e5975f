"""A caseworker enters a citizen's share code and gets a copy of their requests as a new
client (dsar/casework/share.py). Registered on the casework blueprint by ``add_share_routes``
(called from views.py, which this module does not import back), so it sits behind the
team-area guard like every other page under /t/<team>/."""

from __future__ import annotations

from flask import current_app, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from dsar.casework import share
from dsar.requests.blueprint import uploads_dir
from dsar.teams.auth import require
from dsar.teams.views import log
from dsar.web.context import db
from dsar.web.limits import limiter

# A code has 60 random bits: 10 tries an hour, per member and per address, makes guessing
# hopeless while a caseworker who mistypes a few times is not locked out for long.
REDEEM_RATE = "10 per hour"
# One answer whatever the reason, so that trying codes tells nobody which ones exist.
CODE_REFUSED = _l("This code is not valid, has expired or was already used")
CODE_MISSING = _l("Enter the code the client gave you")


def _account_key() -> str:
    # Runs after the team-area guard (route limits are checked when the view is called).
    return "share-code-account:" + g.account.public_id


def _now():
    return current_app.config.get("DSAR_NOW") or share.utc_now()


@limiter.limit(REDEEM_RATE, methods=["POST"])
@limiter.limit(REDEEM_RATE, methods=["POST"], key_func=_account_key)
def client_from_code():
    require("work")
    if request.method == "GET":
        return render_template("casework/from_code.html", values={}, errors={})
    values = {"code": (request.form.get("code") or "").strip()[:64]}
    if not values["code"]:
        return render_template("casework/from_code.html", values=values, errors={"code": CODE_MISSING}), 400
    redeemed = share.redeem(db(), g.team.id, values["code"], caseworker_id=g.account.id,
                            uploads_dir=uploads_dir(), now=_now())
    if redeemed is None:
        log("share_code_refused", "team", g.team.public_id)
        db().commit()
        return render_template("casework/from_code.html", values=values, errors={"code": CODE_REFUSED}), 400
    client = redeemed.client
    log("client_created_from_share", "client", client.public_id, consent_version=redeemed.consent_version,
        requests=redeemed.requests, files=redeemed.files)
    db().commit()
    return redirect(url_for("casework.client", team=g.team.slug, client_id=client.public_id))


def add_share_routes(bp) -> None:
    bp.add_url_rule("/clients/from-code", view_func=client_from_code, methods=["GET", "POST"])
