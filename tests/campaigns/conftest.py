"""A team (admin, caseworker, read-only member, each signed in) and its campaign to the
two largest UK credit reference agencies, made by the service the command and the page use."""

from __future__ import annotations

import pytest

from dsar.campaigns import services
from tests.casework.conftest import world  # noqa: F401 - fixture
from tests.conftest import csrf_token
from tests.teams.conftest import db_session, invite, join, make_team  # noqa: F401 - fixtures

TARGETS = ("experian-gb", "equifax-gb")
PARAGRAPH = "We are collecting what credit agencies hold, to show how scores are made."
PERSON_FORM = {"name": "Siân Llŵyd", "address": "12 Heol y Frenhines\nCardiff\nCF10 1AA",
               "email": "sian@example.org"}


def settings(**changes) -> services.CampaignSettings:
    values = dict(title="Fair credit scores", right="access", org_slugs=TARGETS,
                  description="Ask the agencies for everything they hold about you.",
                  organiser_paragraph=PARAGRAPH)
    values.update(changes)
    return services.CampaignSettings(**values)


@pytest.fixture
def campaign(world, db_session):  # noqa: F811 - the imported fixtures
    made = services.create_campaign(db_session, world.team.id, settings())
    db_session.commit()
    return made


def join_page(client, slug: str, form: dict | None = None, **extra):
    """GET the join page (for its CSRF token), then POST the person's details and consent."""
    page = client.get(f"/c/{slug}")
    assert page.status_code == 200, page.status_code
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)), **(form or PERSON_FORM),
            "consent": "yes", **extra}
    return client.post(f"/c/{slug}", data=data)
