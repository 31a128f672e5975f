"""Shared pieces of the commands: the database, and one-line errors with exit status 2."""

from __future__ import annotations

import functools
import re
import sys
from datetime import date

import click


class CommandError(Exception):
    """An expected failure: printed as one line, exit status 2."""


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_iso_date(text: str, what: str) -> date:
    """Strict YYYY-MM-DD (date.fromisoformat alone also accepts forms like 20250101)."""
    text = text.strip()
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise CommandError(f"{what}: {text!r} is not a valid date (expected YYYY-MM-DD)")


def fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


def one_line_errors(*error_types: type[BaseException]):
    """Turn the listed exceptions (and CommandError) into one stderr line and exit 2."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            try:
                return func(*args, **kwargs)
            except (CommandError, *error_types) as exc:
                message = exc.args[0] if exc.args else exc.__class__.__name__
                fail(str(message).splitlines()[0] if str(message) else repr(exc))

        return wrapper

    return decorate


def database_session():
    """A session on the configured database, after the bootstrap step (migrations, the
    shipped directory, catalogs), which does nothing when all is current."""
    from dsar.bootstrap import bootstrap
    from dsar.config import load_settings
    from dsar.db import make_engine, make_session_factory

    settings = load_settings()
    bootstrap(settings)
    return make_session_factory(make_engine(settings.database_url))()
