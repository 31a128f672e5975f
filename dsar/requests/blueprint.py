"""The requests blueprint, and how a request's pages are reached.

A request's pages (its status and timeline, recording events, the reply, follow-up letters,
the cascade, the credit-file chain) are the same view functions whoever reaches them. Each is
declared once with ``request_route`` under the citizen's secret link
(``/w/<token>/r/<public_id>…``) and registered a second time for a team's client
(dsar/casework/views_requests.py, ``/t/<team>/clients/<client_id>/requests/<public_id>…``).
What differs is the *request scope* put in ``g.request_scope`` before the view runs: which
workspace requests are found in, how the pages link to each other, what the visitor may do,
and the audit line a team keeps. Anything not found is a plain 404, whatever the reason
(DESIGN.md "Ownership")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from flask import Blueprint, abort, current_app, g, url_for

from dsar.letters.inputs import representative_from_dict
from dsar.letters.model import Representative
from dsar.requests.models import DataRequest, Workspace
from dsar.requests.services import find_workspace, get_request
from dsar.web.context import db

bp = Blueprint("requests", __name__)
CITIZEN_PREFIX = "/w/<token>/r/<public_id>"


class LetterRefused(ValueError):
    """A new letter (a cascade's or a repeated round's) may not go out from this scope; the
    message says why and what to do."""


@dataclass
class CitizenScope:
    """The person's own workspace, reached through its secret link."""

    workspace: Workspace
    token: str
    layout: str = "base.html"  # the frame of the request's pages

    def url_for(self, endpoint: str, **values) -> str:
        return url_for(endpoint, token=self.token, **values)

    def home_url(self) -> str:
        return url_for("requests.workspace", token=self.token)

    def can(self, _action: str) -> bool:
        return True  # whoever holds the link may do everything

    def audit(self, _action: str, _request: DataRequest, /, **_detail) -> None:
        """A citizen's workspace keeps no audit trail (nobody else acts in it)."""

    def representative(self, request: DataRequest, _org_slugs: list[str], _right: str
                       ) -> Representative | None:
        """Who writes a new letter that follows from ``request``: whoever wrote it."""
        return representative_from_dict((request.details or {}).get("representative"))


def load_workspace(token: str) -> Workspace:
    workspace = find_workspace(db(), token)
    if workspace is None:
        abort(404)
    return workspace


def load_request(public_id: str) -> tuple[Workspace, DataRequest]:
    """The request ``public_id`` in the workspace of the current scope (404 if not there)."""
    workspace = g.request_scope.workspace
    request = get_request(db(), workspace, public_id)
    if request is None:
        abort(404)
    return workspace, request


def req_url(endpoint: str, **values) -> str:
    """A URL of one of a request's pages (or of the place its pages belong to: ``home``),
    in the current scope; what templates and views link with."""
    scope = g.request_scope
    return scope.home_url() if endpoint == "home" else scope.url_for(endpoint, **values)


def req_can(action: str) -> bool:
    """May the visitor do ``action`` ("work": record, upload, write) in this scope?"""
    scope = g.get("request_scope")
    return scope is not None and scope.can(action)


def req_layout() -> str:
    return g.request_scope.layout


bp.add_app_template_global(req_url, "req_url")
bp.add_app_template_global(req_can, "req_can")
bp.add_app_template_global(req_layout, "req_layout")


@dataclass(frozen=True)
class RequestRoute:
    """One request-level rule, for the second registration (``endpoint``: the citizen's)."""

    suffix: str
    endpoint: str
    view: Callable
    options: dict = field(default_factory=dict)
    # The role's action a team member needs for a GET (a POST always needs "work"): forms
    # nothing can be done with are not shown to a read-only member either.
    action: str = "view"


REQUEST_ROUTES: list[RequestRoute] = []


def request_route(blueprint: Blueprint, suffix: str, *, action: str = "view", **options):
    """Declare a view of one request: registered under the citizen's link here, and kept in
    ``REQUEST_ROUTES`` for the team's registration. The view receives ``public_id`` and the
    rule's own values; it finds the request with ``load_request``."""
    def decorator(view: Callable) -> Callable:
        endpoint = options.pop("endpoint", view.__name__)
        blueprint.add_url_rule(CITIZEN_PREFIX + suffix, endpoint, citizen_view(view), **options)
        REQUEST_ROUTES.append(RequestRoute(suffix, f"{blueprint.name}.{endpoint}", view,
                                           dict(options), action))
        return view
    return decorator


_CITIZEN_VIEWS: dict[Callable, Callable] = {}


def citizen_view(view: Callable) -> Callable:
    """The view behind the secret link (one wrapper per view: a view may have two rules)."""
    if view not in _CITIZEN_VIEWS:
        @wraps(view)
        def wrapped(token: str, **values):
            g.request_scope = CitizenScope(load_workspace(token), token)
            return view(**values)
        _CITIZEN_VIEWS[view] = wrapped
    return _CITIZEN_VIEWS[view]


def uploads_dir():
    return current_app.config["DSAR_SETTINGS"].instance_path / "uploads"
