"""A client's request in the team area: the request pages a citizen has behind their secret
link (status and timeline, recording what happened, the reply and its checklist, follow-up
letters, the recipient cascade and repeated rounds, the credit-file chain) registered a
second time under ``/t/<team>/clients/<client_id>/requests/<public_id>``.

The view functions are the citizen's (declared with dsar.requests.blueprint.request_route);
what this module adds is the team scope they run in. The team-area guard has already checked
that the visitor is a signed-in member of the team; here the client is found only through
that team and the request only through the client's workspace (404 otherwise), the member's
role is checked (a POST needs "work"; a read-only member may look but not act), and every
view of the page, change and letter generated leaves a line in the team's audit trail.
Letters that follow from the request (a cascade, a repeated round) go out from the team on
the client's behalf under the signed authority that covers them, as the client's first
letters do (dsar/casework/letters.py)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import Blueprint, g, make_response, request, url_for

from dsar.casework import authority as authorities
from dsar.casework.blueprint import load_client
from dsar.casework.models import Client
from dsar.letters.model import Representative
from dsar.replies import cascade_views as _cascade  # noqa: F401 - declares its request routes
from dsar.replies import followup_views as _followup  # noqa: F401 - declares its request routes
from dsar.replies import views as _replies  # noqa: F401 - declares its request routes
from dsar.requests import views as _requests  # noqa: F401 - declares its request routes
from dsar.requests.blueprint import REQUEST_ROUTES, LetterRefused, RequestRoute
from dsar.requests.models import DataRequest, Workspace
from dsar.rights import get_right
from dsar.teams.auth import can, require
from dsar.teams.views import log
from dsar.web.context import db, today

bp = Blueprint("casework_requests", __name__)
TEAM_PREFIX = "/t/<team>/clients/<client_id>/requests/<public_id>"


def team_endpoint(endpoint: str) -> str:
    """``requests.detail`` → ``casework_requests.detail`` (the names are unique: checked below)."""
    return f"{bp.name}.{endpoint.partition('.')[2]}"


@dataclass
class TeamScope:
    """A team's client: requests in the client's workspace, pages under the team's prefix."""

    client: Client
    workspace: Workspace
    layout: str = "casework/request_layout.html"
    audited: bool = False

    def url_for(self, endpoint: str, **values) -> str:
        return url_for(team_endpoint(endpoint), team=g.team.slug, client_id=self.client.public_id,
                       **values)

    def home_url(self) -> str:
        return url_for("casework.client", team=g.team.slug, client_id=self.client.public_id)

    def can(self, action: str) -> bool:
        return can(action)

    def audit(self, action: str, request: DataRequest, /, **detail) -> None:
        log(action, "request", request.public_id, client=self.client.public_id, **detail)
        self.audited = True

    def representative(self, request: DataRequest, org_slugs: list[str], right: str
                       ) -> Representative | None:
        """The team, under the signed authority covering every organisation written to (the
        one that ends first dates the letters), or None when the client writes in their own
        name; LetterRefused when no authority covers them (casework.authority.permissions)."""
        try:
            permitted = authorities.permissions(db(), self.client, org_slugs, get_right(right), today())
            held = [p.authority for p in permitted if p.authority is not None]
            if held:
                authorities.check_team_address(g.team)
        except authorities.AuthorityProblem as exc:
            raise LetterRefused(exc.args[0]) from None
        if not held:
            return None
        return authorities.team_representative(g.team, self.client, min(a.expires_on for a in held))


def _team_view(route: RequestRoute):
    view = route.view

    @wraps(view)
    def team_view(client_id: str, **values):
        require("work" if request.method == "POST" else route.action)
        client = load_client(client_id)
        scope = TeamScope(client, client.workspace)
        g.request_scope = scope
        response = make_response(view(**values))
        if scope.audited:
            db().commit()  # a download's or a view's audit line (changes commit themselves)
        return response
    return team_view


def _register() -> None:
    views = {}
    for route in REQUEST_ROUTES:
        endpoint = team_endpoint(route.endpoint)
        if views.setdefault(endpoint, route.view) is not route.view:
            raise RuntimeError(f"two request views would share the endpoint {endpoint}")
        if route.view not in _TEAM_VIEWS:
            _TEAM_VIEWS[route.view] = _team_view(route)
        bp.add_url_rule(TEAM_PREFIX + route.suffix, endpoint.partition(".")[2],
                        _TEAM_VIEWS[route.view], **route.options)


_TEAM_VIEWS: dict = {}
_register()
