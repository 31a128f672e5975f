"""python run.py drafts purge [--today DATE]: delete wizard drafts nobody finished, a day
after their last change (safe to run from cron: it only ever deletes what has expired)."""

from __future__ import annotations

from datetime import UTC, datetime, time

import click

from dsar.commands.common import database_session, one_line_errors, parse_iso_date


@click.group("drafts")
def drafts_group() -> None:
    """Unfinished wizard drafts."""


@drafts_group.command("purge")
@click.option("--today", default=None, metavar="DATE",
              help="Act as if it were the start of DATE (YYYY-MM-DD).")
@one_line_errors()
def purge_command(today: str | None) -> None:
    """Delete drafts untouched for 24 hours and print how many."""
    from dsar.wizard.services import purge_drafts

    # The database stamps drafts in UTC (CURRENT_TIMESTAMP), without a zone.
    now = (datetime.combine(parse_iso_date(today, "--today"), time.min) if today is not None
           else datetime.now(UTC).replace(tzinfo=None))
    with database_session() as session:
        count = purge_drafts(session, now)
        session.commit()
    click.echo(f"{count} abandoned draft(s) purged")
