"""What every view needs from the current request: its database session and today's date.

A small module of its own so that views import it without importing the app set-up (which
registers the views): no import cycles."""

from __future__ import annotations

from datetime import date

from flask import current_app, g, has_request_context, request, url_for
from sqlalchemy.orm import Session


def db() -> Session:
    """The request's database session (closed at the end of the request)."""
    if "db" not in g:
        g.db = current_app.extensions["dsar_sessions"]()
    return g.db


def close_db(_exc=None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()


def today() -> date:
    """Today, or the date a test fixed with app.config["DSAR_TODAY"]."""
    fixed = current_app.config.get("DSAR_TODAY")
    return fixed if isinstance(fixed, date) else date.today()


def public_url(endpoint: str, **values) -> str:
    """An absolute link to give to a person (their private link), built from DSAR_BASE_URL:
    never from the request's Host header, which a client or a misconfigured proxy sets."""
    path = url_for(endpoint, **values)
    if has_request_context() and request.script_root and path.startswith(request.script_root):
        path = path[len(request.script_root):]  # DSAR_BASE_URL already holds the mount path
    return current_app.config["DSAR_SETTINGS"].base_url + path
