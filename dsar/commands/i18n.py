"""python run.py i18n extract|update|compile — the catalog workflow (see dsar/i18n.py)."""

from __future__ import annotations

import click

from dsar import i18n


@click.group("i18n")
def i18n_group() -> None:
    """Refresh the translation catalogs (UI and letters)."""


@i18n_group.command("extract")
def extract_command() -> None:
    """Write the .pot templates from the sources."""
    for domain in i18n.DOMAINS:
        catalog = i18n.extract(domain)
        click.echo(f"{domain.template.relative_to(i18n.ROOT)}\t{len(catalog)} messages")


@i18n_group.command("update")
def update_command() -> None:
    """Extract, then merge the templates into every language's .po."""
    for domain in i18n.DOMAINS:
        i18n.extract(domain)
        i18n.update(domain)
        click.echo(f"{domain.name}: updated {', '.join(domain.locales)}")


@i18n_group.command("compile")
def compile_command() -> None:
    """Compile the UI catalogs into the instance folder (python run.py and db upgrade do this
    too; letter catalogs are read from their .po files)."""
    from dsar.config import load_settings

    root = load_settings().compiled_catalogs
    for locale in i18n.UI.locales:
        if i18n.UI.po(locale).exists():
            click.echo(str(i18n.compile_catalog(i18n.UI, locale, root)))
