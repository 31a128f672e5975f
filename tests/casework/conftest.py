"""A team with an admin, a caseworker and a read-only member, each a signed-in client."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.teams.conftest import db_session, invite, join, make_team  # noqa: F401 - fixtures


@dataclass
class TeamWorld:
    team: object
    admin: object
    worker: object
    reader: object


@pytest.fixture
def world(make_team, join, invite):  # noqa: F811 - the imported fixtures
    team, token = make_team()
    admin = join(token, name="Ann Admin")
    worker = join(invite(team, "worker@leeds.example", "caseworker"), name="Wes Worker")
    reader = join(invite(team, "reader@leeds.example", "readonly"), name="Rea Reader")
    return TeamWorld(team, admin, worker, reader)


CLIENT_FORM = {
    "name": "Jo Bloggs", "address": "1 Safe Street\nLeeds\nLS1 1AA", "previous_addresses":
    "3 Old Road\nLeeds\nLS2 2BB\n\n9 Older Lane\nYork\nYO1 1AA", "dob-day": "27", "dob-month": "3",
    "dob-year": "1980", "email": "jo@example.org", "phone": "0113 496 0000", "preferred_language": "en",
    "identifiers": "Customer number: 12345678\nexperian-gb / CreditExpert account number: CE-998877",
    "safe_contact": "yes",
}


def add_request(session, client, *, today, right="access"):
    """A request to Experian in the client's workspace (as the letter service stores one)."""
    from dsar.requests.models import Workspace
    from dsar.requests.services import create_request
    from tests.conftest import EXPERIAN

    return create_request(
        session, session.get(Workspace, client.workspace_id), right=right, jurisdiction="uk",
        language="en", org_slug="experian-gb",
        recipient={"name": EXPERIAN.name, "address": list(EXPERIAN.address), "email": "",
                   "categories": ["credit_reference_agency"], "country": "gb", "holiday_region": "england"},
        person={"name": client.name, "address": client.address}, details={"channel": "letter"}, today=today)
