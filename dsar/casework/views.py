"""The caseload and clients of a team (under /t/<team>/, behind the team-area guard)."""

from __future__ import annotations

from flask import Blueprint, g, render_template

from dsar.casework import caseload as caseload_service
from dsar.teams.auth import require
from dsar.web.context import db, today

bp = Blueprint("casework", __name__, url_prefix="/t/<team>")


@bp.get("/")
def caseload():
    require("view")
    rows = caseload_service.caseload(db(), g.team.id, today=today())
    return render_template("casework/caseload.html", rows=rows)
