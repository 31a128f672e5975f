"""python run.py campaigns create: the slug is the last line; every bad input is one line on
stderr and exit status 2, with nothing stored."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from dsar.campaigns.models import Campaign, CampaignVersion
from dsar.config import load_settings


@pytest.fixture
def team(cli_runner):
    result = cli_runner("teams", "create", "Fair Data Campaign", "--admin-email", "a@fair.example",
                        "--slug", "fair-data")
    assert result.exit_code == 0, result.output
    return "fair-data"


def _stored(instance_path):
    engine = create_engine(load_settings().database_url)  # the CLI's database
    with Session(engine) as session:
        campaigns = session.scalars(select(Campaign)).all()
        versions = session.scalars(select(CampaignVersion)).all()
        stored = [(c.slug, c.title, c.right, c.jurisdiction, c.language,
                   [t.org_slug for t in c.targets]) for c in campaigns]
        return stored, [(v.number, [t["slug"] for t in v.snapshot["targets"]]) for v in versions]


def test_create_prints_the_slug_last(cli_runner, team, instance_path):
    result = cli_runner("campaigns", "create", "--team", team, "--title", "Fair credit scores",
                        "--right", "access", "--org", "experian-gb", "--org", "equifax-gb",
                        "--jurisdiction", "uk", "--lang", "cy")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    slug = lines[-1]
    assert re.fullmatch(r"fair-credit-scores-[a-z2-9]{6}", slug)
    assert lines[0] == "version\t1"
    assert lines[1].endswith(f"/c/{slug}")
    campaigns, versions = _stored(instance_path)
    assert campaigns == [(slug, "Fair credit scores", "access", "uk", "cy", ["experian-gb", "equifax-gb"])]
    assert versions == [(1, ["experian-gb", "equifax-gb"])]


def test_two_campaigns_of_one_title_get_different_slugs(cli_runner, team):
    args = ("campaigns", "create", "--team", team, "--title", "Same", "--right", "access",
            "--org", "experian-gb")
    first, second = cli_runner(*args), cli_runner(*args)
    assert first.output.splitlines()[-1] != second.output.splitlines()[-1]


@pytest.mark.parametrize(("change", "message"), [
    ({"--team": "nobody"}, "error: unknown team 'nobody'"),
    ({"--org": "no-such-org"},
     "error: Unknown organisation 'no-such-org': use its short name from the directory"),
    ({"--right": "flying"}, "error: Unknown request kind 'flying': choose one of access, "),
    ({"--right": "rectification"}, "error: rectification needs details from each person"),
    ({"--jurisdiction": "us"}, "error: Unknown law 'us': choose uk or eu"),
    ({"--lang": "xx"}, "error: Unknown letter language 'xx': choose one of en, "),
    ({"--title": "   "}, "error: Give the campaign a title"),
])
def test_bad_input_is_one_line_and_exit_2(cli_runner, team, instance_path, change, message):
    options = {"--team": team, "--title": "Fair credit scores", "--right": "access",
               "--org": "experian-gb", **change}
    result = cli_runner("campaigns", "create", *[x for pair in options.items() for x in pair])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(message)
    assert _stored(instance_path)[0] == []
