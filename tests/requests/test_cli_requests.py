"""python run.py requests export: the same JSON as the page, one-line errors with exit 2."""

from __future__ import annotations

import json

import pytest

from tests.requests.conftest import record


def test_export_prints_the_workspace_as_json(cli, client, clock, make_tracked):
    tracked = make_tracked()
    clock.set("2026-10-20")
    record(client, tracked, "sent", "2026-09-01", channel="letter")
    record(client, tracked, "id_requested", "2026-09-10")
    record(client, tracked, "id_provided", "2026-09-14", channel="email")
    result = cli("requests", "export", "--workspace", tracked.token, "--today", "2026-10-20")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    [item] = document["requests"]
    assert item["reference"] == tracked.reference
    assert item["status"]["deadline_steps"] == [
        "received Thu 3 Sep 2026",
        "identity information received Mon 14 Sep 2026: the month starts again from that day",
        "corresponding date Wed 14 Oct 2026",
        "due Wed 14 Oct 2026",
    ]
    assert (item["status"]["dsar"], item["status"]["due"], item["status"]["days_left"]) == (
        "overdue", "2026-10-14", -6)
    assert item["status"]["received_on"] == "2026-09-03" and item["status"]["receipt_assumed"]
    # The DRP view: the organisation engaged (asked for ID), so in_progress; expected_by passed.
    assert item["drp"] == {"status": "in_progress", "reason": None, "received_at": "2026-09-03",
                           "expected_by": "2026-10-14"}
    assert [e["kind"] for e in item["events"]] == ["created", "sent", "id_requested", "id_provided"]
    assert item["events"][3]["data"] == {"channel": "email"}
    # The page's download is the same document.
    page = json.loads(client.get(f"{tracked.workspace_url}/export.json").data)
    assert page == document
    # A private link works as well as the bare token.
    via_link = cli("requests", "export", "--workspace", f"http://localhost/w/{tracked.token}",
                   "--today", "2026-10-20")
    assert json.loads(via_link.stdout) == document


@pytest.mark.parametrize(("args", "message"), [
    (["--workspace", "not-a-token"], "error: no workspace has that token"),
    (["--workspace", "x", "--today", "2026-02-30"], "error: --today: '2026-02-30' is not a valid date"),
    (["--workspace", "x", "--today", "yesterday"], "error: --today: 'yesterday' is not a valid date"),
])
def test_bad_token_or_date_is_one_line_and_exit_2(cli, args, message):
    result = cli("requests", "export", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(message)
