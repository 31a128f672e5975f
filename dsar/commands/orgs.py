"""python run.py orgs …: the organisation directory."""

from __future__ import annotations

import time
from pathlib import Path

import click

from dsar.commands.common import database_session, one_line_errors
from dsar.directory.importer import DirectoryError, export_datenanfragen, import_datenanfragen
from dsar.directory.schema import CATEGORIES
from dsar.directory.services import list_organisations, search_organisations


@click.group("orgs")
def orgs_group() -> None:
    """The organisation directory."""


@orgs_group.command("list")
def list_command() -> None:
    """Print one 'slug<TAB>name' line per organisation."""
    with database_session() as session:
        for record in list_organisations(session):
            click.echo(f"{record.slug}\t{record.name}")


def _country(_ctx, _param, value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip().lower()
    if len(value) != 2 or not value.isalpha():
        raise click.BadParameter("a two-letter country code, e.g. gb")
    return value


@orgs_group.command("search")
@click.argument("query")
@click.option("--country", callback=_country,
              help="Only organisations based in or relevant to this country (gb, de …).")
@click.option("--category", type=click.Choice(CATEGORIES), help="Only organisations in this category.")
@click.option("--authorities", is_flag=True, help="Search supervisory authorities as well as companies.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500))
def search_command(query: str, country: str | None, category: str | None, authorities: bool,
                   limit: int) -> None:
    """Print 'slug<TAB>name' lines for QUERY, best match first."""
    with database_session() as session:
        results = search_organisations(session, query, limit=limit, country=country, category=category,
                                       kind=None if authorities else "company")
        for record in results:
            click.echo(f"{record.slug}\t{record.name}")


@orgs_group.command("import-datenanfragen")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--prefer-import", is_flag=True,
              help="Let imported records replace our curated ones with the same slug.")
@one_line_errors(DirectoryError)
def import_command(directory: Path, prefer_import: bool) -> None:
    """Import DIR/companies/*.json and DIR/supervisory-authorities/*.json (datenanfragen.de format).

    Valid records are imported in one transaction; every invalid one is reported on stderr with
    its file name, and the exit status is then 1. Running it again changes nothing."""
    started = time.perf_counter()
    with database_session() as session:
        report = import_datenanfragen(session, directory, prefer_import=prefer_import)
        session.commit()
    for name, reason in report.invalid:
        click.echo(f"invalid: {name}: {reason}", err=True)
    click.echo(f"{report.summary()} ({time.perf_counter() - started:.2f} s)")
    if report.invalid:
        raise SystemExit(1)


@orgs_group.command("export-datenanfragen")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--curated-only", is_flag=True, help="Only our own records (curated or corrected).")
@one_line_errors(DirectoryError)
def export_command(directory: Path, curated_only: bool) -> None:
    """Write our records as datenanfragen.de JSON under DIR/companies and DIR/supervisory-authorities."""
    with database_session() as session:
        report = export_datenanfragen(session, directory, curated_only=curated_only)
    click.echo(f"wrote {report.companies} companies and {report.authorities} supervisory authorities "
               f"to {directory}")
