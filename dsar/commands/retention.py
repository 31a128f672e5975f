"""python run.py retention purge [--dry-run] [--today DATE]"""

from __future__ import annotations

from datetime import date

import click

from dsar.commands.common import database_session, one_line_errors, parse_iso_date


@click.group("retention")
def retention_group() -> None:
    """Delete closed cases once each team's retention period has passed."""


@retention_group.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would be deleted; delete nothing.")
@click.option("--today", "today_text", help="The date to count from, YYYY-MM-DD (default: today).")
@one_line_errors()
def purge_command(dry_run: bool, today_text: str | None) -> None:
    """Delete closed cases older than their team's retention period, with their files, and
    print the counts (safe to run from cron)."""
    from dsar.casework.retention import purge
    from dsar.config import load_settings
    from dsar.teams import audit

    today = parse_iso_date(today_text, "--today") if today_text else date.today()
    uploads_dir = load_settings().instance_path / "uploads"
    with database_session() as session:
        report = purge(session, today, uploads_dir, dry_run=dry_run, on_delete=lambda team, public_id:
                       audit.record(session, team.id, "client_deleted", actor="retention",
                                    object_type="client", object_id=public_id))
        session.commit()
    verb = "would delete" if dry_run else "deleted"
    click.echo(f"{verb}\tclients={report.clients}\trequests={report.requests}\tfiles={report.files}")
