"""python run.py teams create NAME --admin-email EMAIL [--slug SLUG]
python run.py audit verify --team SLUG"""

from __future__ import annotations

import click

from dsar.commands.common import CommandError, database_session, one_line_errors


@click.group("teams")
def teams_group() -> None:
    """Teams: advice charities and campaign groups."""


@teams_group.command("create")
@click.argument("name")
@click.option("--admin-email", required=True, help="Who gets the invitation to be the team's first admin.")
@click.option("--slug", help="The team's short name in web addresses (default: from NAME).")
@one_line_errors()
def create_command(name: str, admin_email: str, slug: str | None) -> None:
    """Create a team; print its slug first and the admin's one-time invitation link last
    (valid 7 days, single use; only its hash is stored, so it cannot be shown again)."""
    from dsar.config import load_settings
    from dsar.teams import accounts, audit

    with database_session() as session:
        try:
            team, token = accounts.create_team(session, name, admin_email, slug=slug)
        except accounts.TeamError as exc:
            raise CommandError(str(exc)) from None
        audit.record(session, team.id, "team_created", object_type="team", object_id=team.public_id)
        session.commit()
    link = f"{load_settings().base_url.rstrip('/')}/team/invitation/{token}"
    click.echo(f"slug\t{team.slug}")
    click.echo(f"name\t{team.name}")
    click.echo(link)


@click.group("audit")
def audit_group() -> None:
    """The teams' hash-chained audit trails."""


@audit_group.command("verify")
@click.option("--team", "slug", required=True, help="The team's slug.")
@one_line_errors()
def verify_command(slug: str) -> None:
    """Check the team's audit chain: exit 0 if intact, 1 if any event was changed or removed."""
    from dsar.teams import accounts, audit

    with database_session() as session:
        team = accounts.team_by_slug(session, slug)
        if team is None:
            raise CommandError(f"unknown team {slug!r}")
        report = audit.verify(session, team.id)
    if report.ok:
        click.echo(f"ok\t{report.events} events")
        return
    click.echo(f"broken\tat event {report.broken_at} of {report.events}", err=True)
    raise SystemExit(1)
