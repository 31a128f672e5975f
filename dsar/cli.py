"""The command line: thin commands that parse, call a service and print.

``python run.py`` with no command serves the web app; ``python run.py COMMAND`` runs one
of the commands below. Expected failures print one line on stderr and exit with status 2.
"""

from __future__ import annotations

import click

from dsar.commands.caseload import caseload_group
from dsar.commands.db import db_group
from dsar.commands.deadline import deadline_command
from dsar.commands.i18n import i18n_group
from dsar.commands.letter import letter_command
from dsar.commands.orgs import orgs_group
from dsar.commands.reminders import reminders_group
from dsar.commands.requests import requests_group
from dsar.commands.teams import audit_group, teams_group


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--debug", is_flag=True, help="Flask debug mode (never in production).")
@click.pass_context
def cli(ctx: click.Context, host: str, port: int, debug: bool) -> None:
    """dsar: write, track and escalate data-protection rights requests.

    Without a command, serves the web app on http://HOST:PORT/.
    """
    if ctx.invoked_subcommand is None:
        from dsar import create_app
        from dsar.bootstrap import bootstrap
        from dsar.config import load_settings

        click.echo("Preparing the database and the directory (a few seconds the first time)…", err=True)
        bootstrap(load_settings())
        create_app().run(host=host, port=port, debug=debug)


cli.add_command(letter_command)
cli.add_command(orgs_group)
cli.add_command(deadline_command)
cli.add_command(requests_group)
cli.add_command(reminders_group)
cli.add_command(i18n_group)
cli.add_command(db_group)
cli.add_command(teams_group)
cli.add_command(audit_group)
cli.add_command(caseload_group)


def main() -> None:
    cli(prog_name="run.py")
