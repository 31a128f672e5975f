"""python run.py requests export: a workspace's requests and their history as JSON on stdout
(the same document as the workspace page's JSON download).

The workspace's secret token comes from DSAR_WORKSPACE_TOKEN or standard input, never from
an argument: arguments are visible to every user in the process list and kept in shell
history."""

from __future__ import annotations

import os
import re
import sys
from datetime import date

import click

from dsar.commands.common import CommandError, database_session, one_line_errors, parse_iso_date


def parse_day(text: str | None, option: str = "--today") -> date:
    """Strict YYYY-MM-DD, or today when not given."""
    return date.today() if text is None else parse_iso_date(text, option)


def token_from(value: str) -> str:
    """The secret token, given alone or as the private link (…/w/TOKEN)."""
    value = value.strip()
    match = re.search(r"/w/([^/?#\s]+)", value)
    return match.group(1) if match else value


@click.group("requests")
def requests_group() -> None:
    """Requests in a workspace."""


def read_token() -> str:
    """DSAR_WORKSPACE_TOKEN, else one line of standard input (asked for, unechoed, on a
    terminal)."""
    token = os.environ.get("DSAR_WORKSPACE_TOKEN", "")
    if not token.strip():
        if sys.stdin.isatty():
            token = click.prompt("Workspace token or private link", hide_input=True, err=True)
        else:
            token = sys.stdin.readline()
    if not token.strip():
        raise CommandError("no workspace token: set DSAR_WORKSPACE_TOKEN or give it on standard input")
    return token_from(token)


@requests_group.command("export")
@click.option("--today", default=None, metavar="DATE", help="Compute status as of this date.")
@one_line_errors()
def export_command(today: str | None) -> None:
    """Print the workspace's requests, their status (with the Data Rights Protocol's
    equivalent) and their full event history as JSON.

    The workspace's secret token or private link is read from the DSAR_WORKSPACE_TOKEN
    environment variable, or else from standard input."""
    from dsar.requests.export import export_json
    from dsar.requests.services import find_workspace

    day = parse_day(today)
    token = read_token()
    with database_session() as session:
        workspace = find_workspace(session, token)
        if workspace is None:
            raise CommandError("no workspace has that token")
        click.echo(export_json(session, workspace, day), nl=False)
