"""dsar: write, track and escalate data-protection rights requests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dsar.config import ENV_SETTINGS, load_settings

if TYPE_CHECKING:  # Flask is imported only when an app is made: the CLI starts without it.
    from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    """Config, extensions, blueprints — nothing else. ``config`` overrides DSAR_* settings
    (tests pass DSAR_DATABASE_URL / DSAR_INSTANCE_PATH the same way the environment does)."""
    from flask import Flask

    from dsar.db import prepare_database
    from dsar.i18n import ensure_compiled
    from dsar.web import setup as web_setup

    ensure_compiled()
    config = dict(config or {})
    env_overrides = {k: v for k, v in config.items() if k in ENV_SETTINGS}
    settings = load_settings({**__import__("os").environ, **env_overrides})
    app = Flask(
        __name__,
        instance_path=str(settings.instance_path),
        template_folder="../templates",
        static_folder="../static",
    )
    app.config.update(
        SECRET_KEY=settings.secret_key,
        DSAR_SETTINGS=settings,
        MAX_CONTENT_LENGTH=25 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.config.update({k: v for k, v in config.items() if k not in ENV_SETTINGS})
    engine, session_factory = prepare_database(settings.database_url)
    app.extensions["dsar_engine"] = engine
    app.extensions["dsar_sessions"] = session_factory
    web_setup.init_app(app)
    return app
