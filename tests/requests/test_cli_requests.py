"""python run.py requests export: the same JSON as the page, the token from the environment
or standard input (never an argument), one-line errors with exit 2."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from dsar.cli import cli as run_py
from tests.requests.conftest import record


def export_with_stdin(token_input: str, *args: str):
    return CliRunner().invoke(run_py, ["requests", "export", *args], input=token_input,
                              prog_name="run.py", catch_exceptions=False)


def test_export_prints_the_workspace_as_json(cli, client, clock, make_tracked, monkeypatch):
    tracked = make_tracked()
    clock.set("2026-10-20")
    record(client, tracked, "sent", "2026-09-01", channel="letter")
    record(client, tracked, "id_requested", "2026-09-10")
    record(client, tracked, "id_provided", "2026-09-14", channel="email")
    monkeypatch.setenv("DSAR_WORKSPACE_TOKEN", tracked.token)
    result = cli("requests", "export", "--today", "2026-10-20")
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
    # On standard input, a private link works as well as the bare token.
    monkeypatch.delenv("DSAR_WORKSPACE_TOKEN")
    via_link = export_with_stdin(f"http://localhost/w/{tracked.token}\n", "--today", "2026-10-20")
    assert via_link.exit_code == 0, via_link.output
    assert json.loads(via_link.stdout) == document


def test_the_token_is_never_a_command_line_argument(cli, make_tracked):
    tracked = make_tracked()
    result = cli("requests", "export", "--workspace", tracked.token)
    assert result.exit_code == 2 and "No such option '--workspace'" in result.stderr
    assert cli("requests", "export", tracked.token).exit_code == 2


def test_no_token_at_all_is_one_line(cli, monkeypatch):
    monkeypatch.delenv("DSAR_WORKSPACE_TOKEN", raising=False)
    result = export_with_stdin("")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == ("error: no workspace token: set DSAR_WORKSPACE_TOKEN or give it on "
                             "standard input\n")


@pytest.mark.parametrize(("token", "args", "message"), [
    ("not-a-token", [], "error: no workspace has that token"),
    ("x", ["--today", "2026-02-30"], "error: --today: '2026-02-30' is not a valid date"),
    ("x", ["--today", "yesterday"], "error: --today: 'yesterday' is not a valid date"),
])
def test_bad_token_or_date_is_one_line_and_exit_2(cli, monkeypatch, token, args, message):
    monkeypatch.setenv("DSAR_WORKSPACE_TOKEN", token)
    result = cli("requests", "export", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(message)
