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


TEAM_ADDRESS = ["2 Help Street", "Leeds", "LS1 2AB"]


@pytest.fixture
def casefile(world, db_session):  # noqa: F811 - the imported fixture
    """The world's team with its postal address and reply email set, and one client added
    through the form by the caseworker (safe contact on, as in CLIENT_FORM)."""
    from sqlalchemy import select

    from dsar.casework.models import Client
    from tests.conftest import csrf_token

    world.team.address, world.team.email = TEAM_ADDRESS, "help@leeds.example"
    db_session.commit()
    page = world.worker.get(f"/t/{world.team.slug}/clients/new").get_data(as_text=True)
    response = world.worker.post(f"/t/{world.team.slug}/clients/new",
                                 data={"csrf_token": csrf_token(page), **CLIENT_FORM})
    assert response.status_code == 302
    return db_session.scalar(select(Client))


def post_form(member, url: str, data: dict, **kwargs):
    """GET the form (for its CSRF token), then POST it."""
    from tests.conftest import csrf_token

    page = member.get(url)
    assert page.status_code == 200, page.status_code
    return member.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data}, **kwargs)


def png_bytes() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (60, 80), "white").save(buffer, "PNG")
    return buffer.getvalue()


def authorise(world, client, *, orgs=("experian-gb", "equifax-gb", "transunion-gb", "cifas-gb"),
              rights=("access", "rectification"), signed_on="2026-11-26", expires_on="2027-11-26"):
    """Generate the client's authority and upload its signed copy, through the pages."""
    import io

    base = f"/t/{world.team.slug}/clients/{client.public_id}"
    response = post_form(world.worker, f"{base}/authority/new", {
        "orgs": list(orgs), "rights": list(rights), "expires_on": expires_on, "action": "generate"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    authority_id = response.headers["Location"].split("generated=")[1].split("#")[0]
    response = post_form(world.worker, f"{base}/authority/{authority_id}/signed", {
        "signed_on": signed_on, "expires_on": expires_on,
        "signed_copy": (io.BytesIO(png_bytes()), "signed.png")}, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return authority_id
