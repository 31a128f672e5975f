"""Signing in to the team area, and the one check that guards it (deny by default).

- Flask-Login keeps the account id *and* its session version in the session: raising the
  version (logout, password reset, role change) ends every session of that account.
- A session ends after 30 minutes without a request, and on logout.
- Every view of the ``team`` blueprint passes ``guard_team_area`` first: a signed-in member of
  the team named in the URL, with two-factor done when the team requires it; anyone else
  gets a 404 (a team's existence is not revealed to outsiders). Views then ask ``require``
  for the role an action needs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import abort, g, redirect, request, session, url_for
from flask_login import LoginManager, UserMixin, current_user, logout_user

from dsar.teams.accounts import membership_for
from dsar.teams.models import Account, Membership
from dsar.web.context import db

IDLE_LIMIT = timedelta(minutes=30)
login_manager = LoginManager()
login_manager.login_view = "team_auth.login"
login_manager.session_protection = "strong"

# What each role may do; views name the action, never a role.
PERMISSIONS = {
    "admin": {"view", "work", "export", "delete", "manage"},
    "caseworker": {"view", "work", "export", "delete"},
    "readonly": {"view"},
}


class SignedIn(UserMixin):
    """The signed-in account as Flask-Login sees it (no ORM object kept across requests)."""

    def __init__(self, account: Account) -> None:
        self.account_id = account.id
        self.public_id = account.public_id
        self.email = account.email
        self.session_version = account.session_version

    def get_id(self) -> str:
        return f"{self.account_id}:{self.session_version}"


@login_manager.user_loader
def load_user(user_id: str) -> SignedIn | None:
    account_id, _, version = user_id.partition(":")
    if not account_id.isdigit() or not version.isdigit():
        return None
    account = db().get(Account, int(account_id))
    if account is None or account.session_version != int(version):
        return None
    return SignedIn(account)


def end_session() -> None:
    logout_user()
    for key in ("last_seen", "two_factor_pending", "two_factor_done"):
        session.pop(key, None)


def check_idle() -> None:
    """Run before every request: end a signed-in session idle for more than 30 minutes."""
    if not current_user.is_authenticated:
        return
    now = datetime.now(UTC).timestamp()
    last = session.get("last_seen")
    if isinstance(last, (int, float)) and now - last > IDLE_LIMIT.total_seconds():
        end_session()
        return
    session["last_seen"] = now


def guard_team_area():
    """The before_request of the team blueprint: deny unless a member of this team."""
    slug = g.get("team_slug")
    if request.endpoint is None or not slug:  # no such page: the same 404 for everyone
        abort(404)
    if not current_user.is_authenticated:
        return redirect(url_for("team_auth.login", next=request.path if request.method == "GET" else None))
    membership = membership_for(db(), current_user.account_id, slug)
    if membership is None:
        abort(404)
    account = db().get(Account, current_user.account_id)
    if membership.team.require_two_factor and not account.totp_enabled:
        if request.endpoint != "team.two_factor_setup":
            return redirect(url_for("team.two_factor_setup", team=slug))
    g.membership = membership
    g.team = membership.team
    g.account = account


TEAM_AREA_PREFIX = "/t/"


def init_team_area(app) -> None:
    """Sessions for members, the idle limit, and the guard on every path under /t/ — on
    the path, not on a blueprint, so a view added anywhere under /t/ is guarded too."""
    login_manager.init_app(app)
    app.before_request(check_idle)

    @app.url_value_preprocessor
    def take_team_slug(_endpoint, values):
        # Views under /t/<team>/ get the team from g (checked), not as an argument.
        if values is not None and request.path.startswith(TEAM_AREA_PREFIX):
            g.team_slug = values.pop("team", None)

    @app.before_request
    def deny_by_default():
        if request.path.startswith(TEAM_AREA_PREFIX):
            return guard_team_area()
        return None

    @app.context_processor
    def team_context():
        return {"team": g.get("team"), "membership": g.get("membership"), "can": can}


def can(action: str, membership: Membership | None = None) -> bool:
    membership = membership or g.get("membership")
    return membership is not None and action in PERMISSIONS.get(membership.role, set())


def require(action: str) -> None:
    """403 unless the signed-in member's role allows ``action``."""
    if not can(action):
        abort(403)
