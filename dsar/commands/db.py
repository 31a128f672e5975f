"""python run.py db upgrade — the bootstrap step on its own, for operators and deploy scripts."""

from __future__ import annotations

import click


@click.group("db")
def db_group() -> None:
    """The database and the other start-up work."""


@db_group.command("upgrade")
def upgrade_command() -> None:
    """Apply migrations, load changed directory records and compile the UI catalogs.

    Run it before starting new code (python run.py does it too). Safe to run from several
    processes at once: the second waits for the first, then finds nothing to do."""
    from dsar.bootstrap import bootstrap
    from dsar.config import load_settings

    report = bootstrap(load_settings())
    click.echo(f"database\tcurrent\ndirectory records changed\t{report.directory_records_changed}\n"
               f"catalogs compiled\t{report.catalogs_compiled}")
