"""Public directory pages: search and one page per organisation."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template, request, url_for

from dsar.directory.services import get_organisation, search_organisations
from dsar.web.setup import db

bp = Blueprint("directory", __name__)


@bp.get("/organisations")
def search():
    query = request.args.get("q", "").strip()[:200]
    results = search_organisations(db(), query, limit=50)
    return render_template("directory/search.html", query=query, results=results)


@bp.get("/organisations/<slug>")
def organisation(slug: str):
    record = get_organisation(db(), slug)
    if record is None:
        abort(404)
    return render_template("directory/organisation.html", org=record)


@bp.get("/organisations/suggest")
def suggest():
    """Suggestions as you type (progressive enhancement of the plain search form)."""
    query = request.args.get("q", "").strip()[:200]
    if len(query) < 2:
        return jsonify([])
    results = search_organisations(db(), query, limit=8)
    return jsonify([
        {"slug": r.slug, "name": r.name, "url": url_for("directory.organisation", slug=r.slug)}
        for r in results
    ])
