"""python run.py orgs …: the organisation directory."""

from __future__ import annotations

import click

from dsar.commands.common import database_session
from dsar.directory.services import list_organisations


@click.group("orgs")
def orgs_group() -> None:
    """The organisation directory."""


@orgs_group.command("list")
def list_command() -> None:
    """Print one 'slug<TAB>name' line per organisation."""
    with database_session() as session:
        for record in list_organisations(session):
            click.echo(f"{record.slug}\t{record.name}")
