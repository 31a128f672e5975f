"""dsar: write, track and escalate data-protection rights requests."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from dsar.config import ENV_SETTINGS, load_settings

if TYPE_CHECKING:  # Flask is imported only when an app is made: the CLI starts without it.
    from flask import Flask


def create_app(config: dict | None = None) -> Flask:
    """Config, extensions, blueprints — nothing else: no migration, no seeding, no catalog
    compilation (that is the bootstrap step, ``python run.py db upgrade``). ``config``
    overrides DSAR_* settings (tests pass DSAR_DATABASE_URL / DSAR_INSTANCE_PATH the same way
    the environment does) and any Flask setting."""
    from flask import Flask

    from dsar.campaigns import views_render as _campaigns_render  # noqa: F401 - its routes
    from dsar.campaigns.views_join import bp as campaigns_bp
    from dsar.casework.views import bp as casework_bp
    from dsar.db import make_engine, make_session_factory
    from dsar.directory.views import bp as directory_bp
    from dsar.replies import followup_views as _replies_followup  # noqa: F401 - its routes
    from dsar.replies import views as _replies_views  # noqa: F401 - its routes
    from dsar.replies.blueprint import bp as replies_bp
    from dsar.replies.cascade_views import bp as cascade_bp
    from dsar.requests.views import bp as requests_bp
    from dsar.teams.auth import init_team_area
    from dsar.teams.views import bp as team_bp
    from dsar.teams.views_auth import bp as team_auth_bp
    from dsar.web import limits
    from dsar.web import setup as web_setup
    from dsar.wizard.views import bp as wizard_bp

    config = dict(config or {})
    env_overrides = {k: v for k, v in config.items() if k in ENV_SETTINGS}
    settings = load_settings({**os.environ, **env_overrides})
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
        # Over HTTPS the cookie is never sent in clear, and the __Host- prefix stops a sibling
        # subdomain or a plain-HTTP response from planting one (session fixation).
        SESSION_COOKIE_SECURE=settings.https,
        SESSION_COOKIE_NAME="__Host-session" if settings.https else "session",
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_TRANSLATION_DIRECTORIES=str(settings.compiled_catalogs),
    )
    app.config.update({k: v for k, v in config.items() if k not in ENV_SETTINGS})
    engine = make_engine(settings.database_url)
    app.extensions["dsar_engine"] = engine
    app.extensions["dsar_sessions"] = make_session_factory(engine)
    web_setup.init_app(app)
    limits.init_app(app)
    init_team_area(app)
    for blueprint in (web_setup.language_bp, wizard_bp, directory_bp, requests_bp, team_auth_bp,
                      team_bp, casework_bp, replies_bp, cascade_bp,
                      campaigns_bp):
        app.register_blueprint(blueprint)
    return app
