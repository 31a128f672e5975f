"""python run.py campaigns create --team TEAM --title TITLE --right RIGHT --org SLUG [--org SLUG …]
[--jurisdiction uk|eu] [--lang CODE]
python run.py campaigns render SLUG --out DIR [--chunk N]"""

from __future__ import annotations

from pathlib import Path

import click

from dsar.commands.common import CommandError, database_session, one_line_errors


@click.group("campaigns")
def campaigns_group() -> None:
    """Campaigns: many people write the same request to the same organisations."""


@campaigns_group.command("create")
@click.option("--team", "team_slug", required=True, help="The slug of the team that runs it.")
@click.option("--title", required=True, help="The campaign's title (shown on its join page).")
@click.option("--right", required=True, help="The request kind, from the rights catalogue.")
@click.option("--org", "orgs", multiple=True, required=True,
              help="An organisation's slug in the directory; repeat for each target.")
@click.option("--jurisdiction", default="", help="uk or eu (default: each organisation's own law).")
@click.option("--lang", default="", help="Letter language (default: each organisation's request language).")
@one_line_errors()
def create_command(team_slug: str, title: str, right: str, orgs: tuple[str, ...], jurisdiction: str,
                   lang: str) -> None:
    """Create an open campaign at its version 1; print its join page, then its slug last."""
    from dsar.campaigns import services
    from dsar.config import load_settings
    from dsar.teams import accounts, audit

    with database_session() as session:
        team = accounts.team_by_slug(session, team_slug)
        if team is None:
            raise CommandError(f"unknown team {team_slug!r}")
        settings = services.CampaignSettings(
            title=title, right=right, org_slugs=tuple(orgs), jurisdiction=jurisdiction.strip().lower(),
            language=lang.strip().lower())
        try:
            campaign = services.create_campaign(session, team.id, settings)
        except services.CampaignError as exc:
            raise CommandError(str(exc)) from None
        audit.record(session, team.id, "campaign_created", object_type="campaign",
                     object_id=campaign.public_id)
        session.commit()
        slug, version = campaign.slug, campaign.version
    click.echo(f"version\t{version}")
    click.echo(f"join\t{load_settings().base_url.rstrip('/')}/c/{slug}")
    click.echo(slug)


@campaigns_group.command("render")
@click.argument("slug")
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Output folder: letters/ (one PDF per letter), print.pdf and manifest.csv.")
@click.option("--chunk", "chunk_size", default=50, show_default=True, type=click.IntRange(1, 1000),
              help="Letters per job.")
@one_line_errors()
def render_command(slug: str, out_dir: Path, chunk_size: int) -> None:
    """Render every letter of campaign SLUG not yet rendered into --out (by the workers of
    `run.py worker` if one is running, else here); print the counts last."""
    from dsar.campaigns import render_runner

    summary = render_runner.render_from_command_line(slug, out_dir, chunk_size)
    click.echo(f"rendered={summary.rendered} skipped={summary.skipped} total={summary.total} out={out_dir}")
