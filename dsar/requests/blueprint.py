"""The requests blueprint and the lookups every workspace view starts with.

Every view reaches a request only through the workspace whose secret token is in the URL
(DESIGN.md "Ownership"); anything not found is a plain 404, whatever the reason."""

from __future__ import annotations

from flask import Blueprint, abort, current_app

from dsar.requests.models import DataRequest, Workspace
from dsar.requests.services import find_workspace, get_request
from dsar.web.context import db

bp = Blueprint("requests", __name__)


def load_workspace(token: str) -> Workspace:
    workspace = find_workspace(db(), token)
    if workspace is None:
        abort(404)
    return workspace


def load_request(token: str, public_id: str) -> tuple[Workspace, DataRequest]:
    workspace = load_workspace(token)
    request = get_request(db(), workspace, public_id)
    if request is None:
        abort(404)
    return workspace, request


def uploads_dir():
    return current_app.config["DSAR_SETTINGS"].instance_path / "uploads"
