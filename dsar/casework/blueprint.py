"""The casework blueprint (under /t/<team>/, behind the team-area guard) and the lookups its
views start with: a client is found only through the signed-in member's team."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, g

from dsar.casework import services
from dsar.casework.models import Client
from dsar.web.context import db

bp = Blueprint("casework", __name__, url_prefix="/t/<team>")


def load_client(client_id: str) -> Client:
    client = services.get_client(db(), g.team.id, client_id)
    if client is None:
        abort(404)
    return client


def uploads_dir():
    return current_app.config["DSAR_SETTINGS"].instance_path / "uploads"
