"""Public directory pages: search (with suggestions as you type), one page per organisation,
and the "suggest a correction" form on it."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import get_locale
from sqlalchemy import select

from dsar.directory import corrections, pages
from dsar.directory.admin import bp as admin_bp
from dsar.directory.models import Organisation
from dsar.directory.schema import CATEGORIES
from dsar.directory.services import get_organisation, get_origin, search_organisations
from dsar.web.context import db, today

bp = Blueprint("directory", __name__)
# The reviewers' pages live under /admin; nested so the app's setup needs no change.
bp.register_blueprint(admin_bp)

SEARCH_LIMIT = 50
SUGGEST_LIMIT = 8


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _filters() -> tuple[str, str]:
    """Category and country from the query string; anything unknown means "any"."""
    category = request.args.get("category", "")
    country = request.args.get("country", "").strip().lower()
    return (category if category in CATEGORIES else "",
            country if len(country) == 2 and country.isalpha() else "")


def _country_options() -> list[tuple[str, str]]:
    """The countries the directory holds organisations in, by name in the page's language."""
    names = get_locale().territories
    codes = db().scalars(select(Organisation.country).distinct()).all()
    return sorted(((c, names.get(c.upper(), c.upper())) for c in codes if c != "zz"), key=lambda p: p[1])


@bp.get("/organisations")
def search():
    query = request.args.get("q", "").strip()[:200]
    category, country = _filters()
    results = search_organisations(db(), query, limit=SEARCH_LIMIT, country=country or None,
                                   category=category or None, kind=None)
    return render_template(
        "directory/search.html", query=query, results=results, category=category, country=country,
        categories=CATEGORIES, countries=_country_options(),
    )


@bp.get("/organisations/suggest")
def suggest():
    """Suggestions as you type (progressive enhancement of the plain search form)."""
    query = request.args.get("q", "").strip()[:200]
    if len(query) < 2:
        return jsonify([])
    # The directory's own box also suggests regulators; the wizard's (default) only companies.
    kind = None if request.args.get("scope") == "all" else "company"
    results = search_organisations(db(), query, limit=SUGGEST_LIMIT, kind=kind)
    return jsonify([
        {"slug": r.slug, "name": r.name, "url": url_for("directory.organisation", slug=r.slug)}
        for r in results
    ])


def _page(record, *, values=None, errors=None, status=200):
    return render_template(
        "directory/organisation.html", org=record, origin=get_origin(db(), record.slug),
        country_name=get_locale().territories.get(record.country.upper(), ""),
        stale=pages.is_stale(record.last_checked, today()), rights=pages.suggested_rights(record),
        sources=pages.source_links(record.sources), fields=corrections.FIELDS, rows=corrections.ROWS,
        values=values or {}, errors=errors or {}, suggested=request.args.get("suggested") == "1",
    ), status


@bp.get("/organisations/<slug>")
def organisation(slug: str):
    record = get_organisation(db(), slug)
    if record is None:
        abort(404)
    return _page(record)


@bp.post("/organisations/<slug>/corrections")
def suggest_correction(slug: str):
    record = get_organisation(db(), slug)
    if record is None:
        abort(404)
    client = corrections.client_of(current_app.config["SECRET_KEY"], request.remote_addr or "")
    limit = corrections.limit_reached(db(), client, slug, now())
    if limit is not None:
        return render_template("directory/rate_limited.html", org=record, limit=limit,
                               per_hour=corrections.PER_HOUR), 429
    suggestion = corrections.check_suggestion(record, request.form)
    if not suggestion.ok:
        return _page(record, values=suggestion.values, errors=suggestion.errors, status=400)
    corrections.submit(db(), slug, suggestion, client=client, now=now())
    db().commit()
    return redirect(url_for("directory.organisation", slug=slug, suggested=1) + "#correction-sent")
