"""Web plumbing shared by every feature: CSRF, Babel, proxies, security and caching headers,
redacted logs, error pages and the language switcher. The feature blueprints are registered
by ``create_app()``."""

from __future__ import annotations

from datetime import date

from babel import Locale
from flask import (
    Blueprint,
    Flask,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import Babel, format_date, get_locale
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from dsar.web.context import close_db
from dsar.web.errors import register_error_pages
from dsar.web.logs import init_logging
from dsar.web.wsgi import PercentEncodeQuery

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


@language_bp.post("/language")
def switch():
    """The explicit language switcher (a form, since it changes the session): remember the
    choice and return to the same page."""
    lang = request.form.get("lang", "")
    if lang in UI_LOCALES:
        session["ui_lang"] = lang
    target = request.form.get("next", "")
    # Only same-site paths: never an open redirect.
    # Printable only: a line break would otherwise end the Location header (a 500).
    if not target.startswith("/") or target.startswith("//") or "\\" in target or not target.isprintable():
        target = url_for("wizard.home")
    return redirect(target)


def init_app(app: Flask) -> None:
    settings = app.config["DSAR_SETTINGS"]
    init_logging(app)
    if settings.proxy_count:
        # Trust exactly as many X-Forwarded-For/-Proto hops as there are proxies: with none
        # configured, a client could claim any address or scheme.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.proxy_count,
                                x_proto=settings.proxy_count)
    app.wsgi_app = PercentEncodeQuery(app.wsgi_app)
    csrf.init_app(app)
    Babel(app, locale_selector=select_locale)

    app.teardown_appcontext(close_db)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if settings.https:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        # Pages show personal data (wizard answers, workspaces behind a secret link) and
        # redirects set the session: no browser or shared cache keeps any of them. Only the
        # static assets are cacheable.
        if not request.path.startswith(app.static_url_path + "/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    register_error_pages(app)

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
