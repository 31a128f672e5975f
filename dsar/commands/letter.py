"""python run.py letter RIGHT --org SLUG --person FILE.json --out FILE"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from dsar.commands.common import CommandError, database_session, one_line_errors, parse_iso_date
from dsar.deadlines import DeadlineError
from dsar.directory.services import get_organisation
from dsar.letters.compose import LETTER_LOCALES, ComposeError, compose
from dsar.letters.formats import FORMATS, format_from_filename, render
from dsar.letters.inputs import InputError, build_letter_request, parse_person
from dsar.requests.services import new_reference
from dsar.rights import RIGHTS

# In a person file, the details of the request sit beside the person's own.
REQUEST_FIELDS = ("reasons", "corrections", "decision")


def read_person_file(path: str) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CommandError(f"person file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"cannot read person file {path}: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(f"person file {path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise CommandError(f"person file {path}: expected a JSON object")
    return data


@click.command("letter")
@click.argument("right")
@click.option("--org", "org_slug", required=True, help="Organisation slug (see: orgs list).")
@click.option("--person", "person_file", required=True, help="Person file (JSON, see README).")
@click.option("--jurisdiction", help="uk or eu (default: from the organisation's country).")
@click.option("--lang", help=f"Letter language: {', '.join(LETTER_LOCALES)}.")
@click.option("--format", "fmt", help=f"One of {', '.join(FORMATS)} (default: from --out).")
@click.option("--channel", default=None, help="letter, email or webform (default: from format).")
@click.option("--ground", help="Erasure or restriction ground (erasure/restriction only).")
@click.option("--date", "letter_date", help="Letter date YYYY-MM-DD (default: today).")
@click.option("--out", required=True, help="Output file.")
@one_line_errors(ComposeError, InputError, DeadlineError)
def letter_command(right, org_slug, person_file, jurisdiction, lang, fmt, channel, ground,
                   letter_date, out) -> None:
    """Write a RIGHT letter to an organisation: RIGHT is one of the rights catalogue."""
    fmt = fmt or format_from_filename(out) or "pdf"
    if fmt not in FORMATS:
        raise CommandError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    today = parse_iso_date(letter_date, "--date") if letter_date else date.today()
    data = read_person_file(person_file)
    person = parse_person({k: v for k, v in data.items() if k not in REQUEST_FIELDS})
    kind = RIGHTS.get(right)
    if kind is not None and kind.grounds and not ground:
        raise CommandError(f"{right} needs --ground (one of {', '.join(kind.grounds)})")
    with database_session() as session:
        record = get_organisation(session, org_slug)
    if record is None:
        raise CommandError(f"unknown organisation {org_slug!r} (see: python run.py orgs list)")
    request = build_letter_request(
        right=right, org=record, person=person, today=today, reference=new_reference(record.name),
        jurisdiction=jurisdiction, locale=lang,
        channel=channel or ("email" if fmt == "eml" else "letter"),
        reasons=data.get("reasons"), corrections=data.get("corrections"),
        ground=ground, decision=data.get("decision"),
    )
    if fmt == "eml" and not record.email:
        raise CommandError(f"{record.name} has no email address in the directory; use pdf or docx")
    rendered = render(compose(request), fmt)
    try:
        Path(out).write_bytes(rendered.content)
    except OSError as exc:
        raise CommandError(f"cannot write {out}: {exc.strerror}") from None
    click.echo(f"{out}\t{request.reference}")
