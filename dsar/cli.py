"""The command line: thin commands that parse, call a service and print.

``python run.py`` with no command serves the web app; ``python run.py COMMAND`` runs one
of the commands below. Expected failures print one line on stderr and exit with status 2.

Commands are registered lazily: a command's module (and whatever it needs - Flask,
SQLAlchemy, WeasyPrint) is imported only when that command runs, so ``run.py deadline`` and
``run.py --help`` start in a fraction of the time importing everything takes. ``--help``
lists the commands from the table below without importing them; tests/test_cli_startup.py
checks that each short help matches the command's own docstring.
"""

from __future__ import annotations

import importlib

import click

# name -> (module, attribute, short help as the command's docstring gives it)
LAZY_COMMANDS: dict[str, tuple[str, str, str]] = {
    "deadline": (
        "dsar.commands.deadline",
        "deadline_command",
        "Print the date (YYYY-MM-DD) by which a reply to a request RECEIVED on that date is due.",
    ),
    "i18n": ("dsar.commands.i18n", "i18n_group", "Refresh the translation catalogs (UI and letters)."),
    "letter": (
        "dsar.commands.letter",
        "letter_command",
        "Write a RIGHT letter to an organisation: RIGHT is one of the rights catalogue, or\n"
        "    incomplete_response for the follow-up to an incomplete reply.",
    ),
    "orgs": ("dsar.commands.orgs", "orgs_group", "The organisation directory."),
    "reminders": (
        "dsar.commands.reminders",
        "reminders_group",
        "Reminder emails to people who asked for them and confirmed their address.",
    ),
    "requests": ("dsar.commands.requests", "requests_group", "Requests in a workspace."),
    "db": ("dsar.commands.db", "db_group", "The database and the other start-up work."),
    "drafts": ("dsar.commands.drafts", "drafts_group", "Unfinished wizard drafts."),
    "teams": ("dsar.commands.teams", "teams_group", "Teams: advice charities and campaign groups."),
    "retention": (
        "dsar.commands.retention",
        "retention_group",
        "Delete closed cases once each team's retention period has passed.",
    ),
    "campaigns": (
        "dsar.commands.campaigns",
        "campaigns_group",
        "Campaigns: many people write the same request to the same organisations.",
    ),
    "caseload": ("dsar.commands.caseload", "caseload_group", "The teams' caseload dashboards."),
    "audit": ("dsar.commands.teams", "audit_group", "The teams' hash-chained audit trails."),
    "worker": (
        "dsar.commands.worker",
        "worker_command",
        "Run the background jobs (rendering campaigns' letters) until stopped.",
    ),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use (click's documented lazy-loading
    pattern), with a help listing that needs no import."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS and cmd_name not in self.commands:
            module, attribute, _help = LAZY_COMMANDS[cmd_name]
            self.add_command(getattr(importlib.import_module(module), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        limit = formatter.width - 6 - max(len(name) for name in self.list_commands(ctx))
        rows = []
        for name in self.list_commands(ctx):
            # Not imported yet: a stand-in carrying the short help is shortened the same way.
            command = self.commands.get(name) or click.Command(name, help=LAZY_COMMANDS[name][2])
            rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(
    cls=LazyGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
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


def main() -> None:
    from dsar.commands.common import fail
    from dsar.config import ConfigError

    try:
        cli(prog_name="run.py")
    except ConfigError as exc:
        fail(str(exc))
