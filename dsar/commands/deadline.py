"""`deadline` command: print when a reply to a request is due (the legal clock).

Options are taken as plain strings and validated here rather than with click types, so that
every bad input produces exactly one "error: ..." line on stderr and exit status 2, never a
multi-line usage block or a traceback.
"""

from __future__ import annotations

from datetime import date

import click

from dsar.commands.common import CommandError, parse_iso_date
from dsar.deadlines import (
    EU_COUNTRIES,
    JURISDICTIONS,
    UK_REGIONS,
    DeadlineError,
    Pause,
    compute_deadline,
)


class _BadInput(Exception):
    """Raised while parsing; its message becomes the single stderr line."""


def _parse_date(text: str, what: str) -> date:
    try:
        return parse_iso_date(text, what)
    except CommandError as exc:
        raise _BadInput(str(exc)) from None


def _parse_pause(text: str) -> Pause:
    parts = text.split(":")
    if len(parts) != 2:
        raise _BadInput(f"--paused: {text!r} is not FROM:TO (e.g. 2026-03-02:2026-03-06)")
    return Pause(_parse_date(parts[0], "--paused"), _parse_date(parts[1], "--paused"))


def _jurisdiction_for(jurisdiction: str | None, region: str | None) -> tuple[str, str]:
    """(jurisdiction, region): an EU/EEA country code ("de", "DE-BY") implies eu, anything
    else uk; no region means England for uk and is an error for eu."""
    if jurisdiction is None:
        country = (region or "").strip().lower().split("-")[0]
        jurisdiction = "eu" if country in EU_COUNTRIES or country == "el" else "uk"
    jurisdiction = jurisdiction.strip().lower()
    if region is None:
        if jurisdiction == "eu":
            raise _BadInput("--region is required for --jurisdiction eu (e.g. --region de)")
        region = "england"
    return jurisdiction, region


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    raise SystemExit(2)


@click.command("deadline")
@click.argument("received", metavar="RECEIVED")
@click.option(
    "--jurisdiction",
    default=None,
    help=f"Which law sets the clock: {' or '.join(JURISDICTIONS)} "
    "(default: eu for an EU/EEA --region, else uk).",
)
@click.option(
    "--region",
    default=None,
    help=f"Holiday calendar: {', '.join(UK_REGIONS)} (uk, default england), or an EU/EEA "
    "country code such as de, or its ISO 3166-2 subdivision such as de-by (regional holidays).",
)
@click.option("--id-received", default=None, metavar="DATE", help="Identity information received.")
@click.option(
    "--paused",
    multiple=True,
    metavar="FROM:TO",
    help="Clarification asked FROM, answered TO (both inclusive). Repeatable.",
)
@click.option("--extended", is_flag=True, help="A two-month extension was notified in time.")
@click.option(
    "--extension-notified",
    default=None,
    metavar="DATE",
    help="When the extension was notified (implies --extended; checked for lateness).",
)
@click.option("--explain", is_flag=True, help="Show how the date was reached, step by step.")
def deadline_command(
    received: str,
    jurisdiction: str | None,
    region: str | None,
    id_received: str | None,
    paused: tuple[str, ...],
    extended: bool,
    extension_notified: str | None,
    explain: bool,
) -> None:
    """Print the date (YYYY-MM-DD) by which a reply to a request RECEIVED on that date is due."""
    try:
        jurisdiction, region = _jurisdiction_for(jurisdiction, region)
        result = compute_deadline(
            _parse_date(received, "RECEIVED"),
            jurisdiction=jurisdiction,
            region=region,
            id_received=(
                _parse_date(id_received, "--id-received") if id_received is not None else None
            ),
            pauses=tuple(_parse_pause(p) for p in paused),
            extended=extended,
            extension_notified=(
                _parse_date(extension_notified, "--extension-notified")
                if extension_notified is not None
                else None
            ),
        )
    except (_BadInput, DeadlineError) as exc:
        _fail(str(exc))
        return  # unreachable; keeps type checkers happy about `result`

    click.echo(result.due.isoformat())
    if explain:
        for step in result.steps:
            click.echo(step)
    if result.extension_invalid and not explain:
        # A late extension changes the answer a user expects, so say so even without --explain.
        click.echo("warning: the extension was notified too late and is not valid", err=True)
