"""The `deadline` command, driven through click's CliRunner (no app, no database)."""

import pytest
from click.testing import CliRunner

from dsar.commands.deadline import deadline_command


def run(*args):
    return CliRunner().invoke(deadline_command, list(args))


def test_prints_the_due_date_first():
    result = run("2024-11-25")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["2024-12-27"]


def test_explain_prints_each_step_on_its_own_line():
    result = run("2024-11-25", "--explain")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "2024-12-27",
        "received Mon 25 Nov 2024",
        "corresponding date Wed 25 Dec 2024",
        "Wed 25 Dec 2024 is Christmas Day",
        "Thu 26 Dec 2024 is Boxing Day",
        "due Fri 27 Dec 2024",
    ]


@pytest.mark.parametrize(
    ("args", "due"),
    [
        (["2024-12-02", "--region", "scotland"], "2025-01-03"),
        (["2025-02-17", "--region", "northern-ireland"], "2025-03-18"),
        (["2024-09-03", "--jurisdiction", "eu", "--region", "de"], "2024-10-04"),
        (["2024-09-03", "--jurisdiction", "EU", "--region", "FR"], "2024-10-03"),
        (["2024-11-01", "--id-received", "2024-11-10"], "2024-12-10"),
        (["2026-05-05", "--paused", "2026-05-11:2026-05-15"], "2026-06-10"),
        (
            [
                "2026-05-05",
                "--paused",
                "2026-05-11:2026-05-12",
                "--paused",
                "2026-05-20:2026-05-20",
            ],
            "2026-06-08",
        ),
        # back-to-back pauses: the second, asked after the deadline, does not revive it
        (["2026-02-14", "--region", "england", "--paused", "2026-03-16:2026-03-16",
          "--paused", "2026-03-17:2026-03-19"], "2026-03-16"),
        (["2026-02-14", "--paused", "2026-03-16:2026-03-16",
          "--paused", "2026-03-18:2026-03-19"], "2026-03-16"),
        # never due before the day the answer arrived
        (["2026-02-14", "--paused", "2026-03-16:2026-03-20"], "2026-03-20"),
        # regional holidays: Corpus Christi (Thu 4 Jun 2026) in Bavaria, not in Berlin
        (["2026-05-04", "--region", "de-by"], "2026-06-05"),
        (["2026-05-04", "--region", "DE-BY"], "2026-06-05"),
        (["2026-05-04", "--jurisdiction", "eu", "--region", "de-by"], "2026-06-05"),
        (["2026-05-04", "--region", "de-be"], "2026-06-04"),
        (["2026-05-04", "--region", "de"], "2026-06-04"),
        (["2024-12-02", "--region", "GB-SCT"], "2025-01-03"),
        (["2024-11-25", "--extended"], "2025-02-25"),
        (["2024-11-25", "--extended", "--extension-notified", "2024-12-20"], "2025-02-25"),
    ],
)
def test_options(args, due):
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == due


def test_late_extension_keeps_one_month_and_warns():
    result = run("2024-11-25", "--extended", "--extension-notified", "2024-12-28")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["2024-12-27"]
    assert result.stderr == "warning: the extension was notified too late and is not valid\n"


def test_late_extension_is_explained():
    result = run("2024-11-25", "--extension-notified", "2024-12-28", "--explain")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "2024-12-27",
        "received Mon 25 Nov 2024",
        "corresponding date Wed 25 Dec 2024",
        "Wed 25 Dec 2024 is Christmas Day",
        "Thu 26 Dec 2024 is Boxing Day",
        "extension notified Sat 28 Dec 2024, after the first month ended Fri 27 Dec 2024: not valid,"
        " the one-month deadline stands",
        "due Fri 27 Dec 2024",
    ]


@pytest.mark.parametrize(
    ("args", "mentions"),
    [
        (["2025-02-30"], "2025-02-30"),
        (["25/11/2024"], "25/11/2024"),
        (["20241125"], "20241125"),
        (["2024-11-25", "--jurisdiction", "us"], "jurisdiction"),
        (["2024-11-25", "--region", "cornwall"], "region"),
        (["2024-11-25", "--jurisdiction", "eu"], "--region"),
        (["2024-11-25", "--jurisdiction", "eu", "--region", "scotland"], "scotland"),
        (["2026-05-05", "--paused", "2026-05-11"], "FROM:TO"),
        (["2026-05-05", "--paused", "2026-05-11:2026-05-40"], "2026-05-40"),
        (["2026-05-05", "--paused", "2026-05-11:2026-05-10"], "before it starts"),
        (["2024-11-25", "--id-received", "2024-11-01"], "identity"),
        (["2024-11-25", "--extension-notified", "nope"], "--extension-notified"),
        (["2026-05-04", "--region", "de-xx"], "DE-XX"),
        (["2026-05-04", "--region", "DE-Augsburg"], "subdivision"),
        (["2026-05-04", "--jurisdiction", "uk", "--region", "de-by"], "UK region"),
    ],
)
def test_bad_input_is_one_error_line_and_exit_2(args, mentions):
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: ")
    assert mentions in lines[0]
    assert isinstance(result.exception, SystemExit)  # a clean exit, not an uncaught error


def test_missing_argument_is_a_usage_error():
    result = run()
    assert result.exit_code == 2 and "Missing argument 'RECEIVED'" in result.stderr


def test_explain_lists_each_pause():
    result = run("2026-02-14", "--paused", "2026-03-16:2026-03-16",
                 "--paused", "2026-03-17:2026-03-19", "--explain")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "2026-03-16",
        "received Sat 14 Feb 2026",
        "corresponding date Sat 14 Mar 2026",
        "clarification from Mon 16 Mar 2026 to Mon 16 Mar 2026: 1 day(s) do not count",
        "the date moves 1 day(s) later to Sun 15 Mar 2026",
        "the answer arrived Mon 16 Mar 2026: the reply cannot be due before that day",
        "clarification asked Tue 17 Mar 2026, after the deadline Mon 16 Mar 2026: it does not pause",
        "due Mon 16 Mar 2026",
    ]


def test_explain_names_the_eu_identity_reading():
    result = run("2026-06-01", "--region", "de", "--id-received", "2026-06-03", "--explain")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "2026-07-03"
    assert any("start again" in line and "unsettled in the EU" in line
               for line in result.stdout.splitlines())


def test_explain_names_the_regional_holiday():
    result = run("2025-12-06", "--region", "de-by", "--explain")
    assert result.stdout.splitlines()[0] == "2026-01-07"
    assert "Tue 6 Jan 2026 is Epiphany" in result.stdout.splitlines()
