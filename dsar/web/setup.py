"""Web plumbing shared by every feature: CSRF, Babel, security headers, error pages and the
language switcher. The feature blueprints are registered by ``create_app()``."""

from __future__ import annotations

from datetime import date

from babel import Locale
from flask import (
    Blueprint,
    Flask,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import Babel, format_date, get_locale
from flask_wtf.csrf import CSRFError, CSRFProtect

from dsar.web.context import close_db
from dsar.web.logs import init_logging

UI_LOCALES = ("en", "cy", "de")
csrf = CSRFProtect()

# Only our own origin; no inline scripts. Pages work without JavaScript, and the small
# progressive-enhancement scripts are files under /static.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def select_locale() -> str:
    """The explicit choice, then the session, then Accept-Language, then English.

    English pages are British English (dates like 30 December 2026)."""
    chosen = session.get("ui_lang")
    if chosen not in UI_LOCALES:
        chosen = request.accept_languages.best_match(UI_LOCALES) or "en"
    return "en_GB" if chosen == "en" else chosen


language_bp = Blueprint("language", __name__)


@language_bp.get("/language/<lang>")
def switch(lang: str):
    """The explicit language switcher: remember the choice and return to the same page."""
    if lang in UI_LOCALES:
        session["ui_lang"] = lang
    target = request.args.get("next", "")
    # Only same-site paths: never an open redirect.
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = url_for("wizard.home")
    return redirect(target)


def init_app(app: Flask) -> None:
    init_logging(app)
    csrf.init_app(app)
    Babel(app, locale_selector=select_locale)

    app.teardown_appcontext(close_db)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        # Workspace pages carry a secret token in the URL: never cache them in shared caches.
        if request.path.startswith("/w/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(exc):
        return render_template("errors/error.html", code=400, reason="csrf"), 400

    @app.errorhandler(404)
    def not_found(exc):
        return render_template("errors/error.html", code=404, reason="not_found"), 404

    @app.errorhandler(413)
    def too_large(exc):
        return render_template("errors/error.html", code=413, reason="too_large"), 413

    @app.errorhandler(405)
    def not_allowed(exc):
        return render_template("errors/error.html", code=405, reason="not_allowed"), 405

    @app.errorhandler(500)
    def server_error(exc):
        return render_template("errors/error.html", code=500, reason="server"), 500

    @app.context_processor
    def locale_helpers():
        return {"current_locale": lambda: get_locale().language if get_locale() else "en"}

    @app.template_filter("language_name")
    def language_name(code: str) -> str:
        # Each language in its own name, so a person finds theirs whatever the UI language.
        return Locale.parse(code).get_display_name(code).capitalize()

    @app.template_filter("iso_date")
    def iso_date(value: str) -> date:
        return date.fromisoformat(value)

    @app.template_filter("format_date_long")
    def format_date_long(value) -> str:
        return format_date(value, format="long") if value else ""
