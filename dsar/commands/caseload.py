"""python run.py caseload refresh [--today DATE]: rebuild the caseload's cache from the events.

Safe from cron at any frequency: every row is re-derived from its request's events, so a run
changes nothing that was right and mends anything that was not (a request made before the
cache existed, a clarification pause that moved a due date overnight)."""

from __future__ import annotations

import click

from dsar.commands.common import database_session, one_line_errors
from dsar.commands.requests import parse_day


@click.group("caseload")
def caseload_group() -> None:
    """The teams' caseload dashboards."""


@caseload_group.command("refresh")
@click.option("--today", default=None, metavar="DATE", help="Act as if today were DATE (YYYY-MM-DD).")
@one_line_errors()
def refresh_command(today: str | None) -> None:
    """Re-derive every client request's cached status and due date."""
    from dsar.casework.state import refresh_states

    day = parse_day(today)
    with database_session() as session:
        written = refresh_states(session, day)
        session.commit()
    click.echo(f"{written} request(s) re-derived as of {day.isoformat()}")
