"""Shared pieces of the commands: the database, and one-line errors with exit status 2."""

from __future__ import annotations

import functools
import sys

import click


class CommandError(Exception):
    """An expected failure: printed as one line, exit status 2."""


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
    """A session on the configured database, migrated and holding the shipped directory."""
    from dsar.config import load_settings
    from dsar.db import prepare_database

    _engine, factory = prepare_database(load_settings().database_url)
    return factory()
