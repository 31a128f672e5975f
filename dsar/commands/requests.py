"""python run.py requests export --workspace TOKEN: a workspace's requests and their history
as JSON on stdout (the same document as the workspace page's JSON download)."""

from __future__ import annotations

import re
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


@requests_group.command("export")
@click.option("--workspace", "token", required=True, metavar="TOKEN",
              help="The workspace's secret token or private link.")
@click.option("--today", default=None, metavar="DATE", help="Compute status as of this date.")
@one_line_errors()
def export_command(token: str, today: str | None) -> None:
    """Print the workspace's requests, their status (with the Data Rights Protocol's
    equivalent) and their full event history as JSON."""
    from dsar.requests.export import export_json
    from dsar.requests.services import find_workspace

    day = parse_day(today)
    with database_session() as session:
        workspace = find_workspace(session, token_from(token))
        if workspace is None:
            raise CommandError("no workspace has that token")
        click.echo(export_json(session, workspace, day), nl=False)
