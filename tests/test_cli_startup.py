"""`python run.py COMMAND` imports only what COMMAND uses, and `--help` lists every command
without importing any (dsar/cli.py registers them lazily)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dsar.cli import LAZY_COMMANDS, cli

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("flask", "sqlalchemy", "alembic", "weasyprint", "docx", "babel")

# Runs the CLI in a fresh interpreter and reports which heavy packages were imported.
PROBE = """
import sys
from dsar.cli import cli
try:
    cli(args=sys.argv[1:], prog_name="run.py", standalone_mode=False)
finally:
    heavy = sorted(m for m in {HEAVY!r} if m in sys.modules)
    print("HEAVY:" + ",".join(heavy))
"""


def _probe(*args: str) -> tuple[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(HEAVY=HEAVY), *args],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=60,
    )
    *output, last = done.stdout.splitlines()
    assert last.startswith("HEAVY:")
    return "\n".join(output), [m for m in last.removeprefix("HEAVY:").split(",") if m]


def test_deadline_imports_nothing_heavy():
    output, heavy = _probe("deadline", "2026-02-14")
    assert output == "2026-03-16"
    assert heavy == []


def test_help_lists_every_command_without_importing_them():
    output, heavy = _probe("--help")
    assert heavy == []
    listed = output.split("Commands:", 1)[1]
    for name, (_module, _attribute, short_help) in LAZY_COMMANDS.items():
        assert f"  {name} " in listed
        assert short_help.split()[0] in listed


@pytest.mark.parametrize("name", sorted(LAZY_COMMANDS))
def test_listed_short_help_is_the_commands_own(name):
    command = cli.get_command(None, name)
    assert command is not None and command.name == name
    assert command.help.split("\n\n")[0].strip() == LAZY_COMMANDS[name][2]


def test_unknown_command_is_a_usage_error():
    done = subprocess.run([sys.executable, "run.py", "nope"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert "No such command 'nope'" in done.stderr
