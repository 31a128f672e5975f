"""Keep it fixed: a seeded, bounded fuzz run over every route and form field (see fuzzing.py).
Fails on any 5xx (or exception) and on any unescaped reflection of the marker in a page."""

from __future__ import annotations

import dataclasses

import pytest

from tests.requests.conftest import smtp_server  # noqa: F401 - fixture
from tests.security.fuzzing import Fuzzer, build_world

ADMIN_TOKEN = "a fuzzing reviewer's token, long enough to be accepted"
REQUESTS = 2000  # about 40 s on a shared 2-core machine; bench/fuzz.py runs 10,000 and more


@pytest.fixture
def fuzz_app(app, smtp_server):  # noqa: F811 - the imported fixture
    url, _collector = smtp_server
    app.config["DSAR_SETTINGS"] = dataclasses.replace(app.config["DSAR_SETTINGS"], admin_token=ADMIN_TOKEN,
                                                      smtp_url=url)
    return app


def test_every_route_survives_hostile_input(fuzz_app):
    world = build_world(fuzz_app, ADMIN_TOKEN)
    report = Fuzzer(fuzz_app, world, seed=20261126).run(REQUESTS)
    # The deep pages answered (a workspace, a request, the team's clients, the review queue),
    # not only their 404s and sign-in redirects.
    deep = {"requests.workspace", "requests.detail", "requests.record", "casework.clients",
            "casework.client", "wizard.identifiers", "directory.admin.review"}
    assert deep <= set(report.answered), deep - set(report.answered)
    assert len(report.answered) >= 35, sorted(report.answered)
    assert not report.failures, "\n\n".join(report.failures[:10])
