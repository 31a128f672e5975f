"""python run.py letter RIGHT --org SLUG --person FILE.json --out FILE"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from dsar.commands.common import CommandError, database_session, one_line_errors, parse_iso_date
from dsar.deadlines import DeadlineError
from dsar.directory.services import get_organisation
from dsar.letters.compose import (
    LETTER_LOCALES,
    ComposeError,
    LetterRequest,
    available_locales,
    compose,
)
from dsar.letters.formats import FORMATS, format_from_filename, render
from dsar.letters.inputs import (
    InputError,
    corrections_list,
    free_text,
    parse_person,
    recipient_from_record,
)
from dsar.requests.services import new_reference
from dsar.rights import (
    ERASURE_GROUNDS,
    RESTRICTION_GROUNDS,
    RIGHT_KEYS,
    get_right,
    jurisdiction_for_country,
)


def read_person_file(path: str) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CommandError(f"person file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"cannot read person file {path}: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise CommandError(f"person file {path} is not valid JSON: {exc}") from None


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
    if right not in RIGHT_KEYS:
        raise CommandError(f"unknown right {right!r} (choose from {', '.join(RIGHT_KEYS)})")
    fmt = fmt or format_from_filename(out) or "pdf"
    if fmt not in FORMATS:
        raise CommandError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    if jurisdiction is not None and jurisdiction not in ("uk", "eu"):
        raise CommandError(f"unknown jurisdiction {jurisdiction!r} (choose uk or eu)")
    if lang is not None and lang not in LETTER_LOCALES:
        raise CommandError(f"unknown language {lang!r} (choose from {', '.join(LETTER_LOCALES)})")
    today = parse_iso_date(letter_date, "--date") if letter_date else date.today()
    data = read_person_file(person_file)
    if not isinstance(data, dict):
        raise CommandError(f"person file {person_file}: expected a JSON object")
    person = parse_person({k: v for k, v in data.items()
                           if k not in ("reasons", "corrections", "decision")})
    with database_session() as session:
        record = get_organisation(session, org_slug)
    if record is None:
        raise CommandError(f"unknown organisation {org_slug!r} (see: python run.py orgs list)")
    spec = get_right(right)
    grounds = ERASURE_GROUNDS if "erasure_ground" in spec.needs else RESTRICTION_GROUNDS
    if ground is not None and ground not in grounds:
        raise CommandError(f"unknown ground {ground!r} (choose from {', '.join(grounds)})")
    if lang is None:
        lang = record.request_language if record.request_language in available_locales() else "en"
    request = LetterRequest(
        right=right,
        jurisdiction=jurisdiction or jurisdiction_for_country(record.country),
        locale=lang,
        reference=new_reference(),
        person=person,
        recipient=recipient_from_record(record),
        today=today,
        channel=channel or ("email" if fmt == "eml" else "letter"),
        reasons=free_text(data.get("reasons"), "reasons"),
        corrections=corrections_list(data.get("corrections")),
        erasure_ground=ground if "erasure_ground" in spec.needs else "",
        restriction_ground=ground if "restriction_ground" in spec.needs else "",
        decision=free_text(data.get("decision"), "decision"),
    )
    if "erasure_ground" in spec.needs and not ground:
        raise CommandError(f"erasure needs --ground (one of {', '.join(ERASURE_GROUNDS)})")
    if "restriction_ground" in spec.needs and not ground:
        raise CommandError(f"restriction needs --ground (one of {', '.join(RESTRICTION_GROUNDS)})")
    if fmt == "eml" and not record.email:
        raise CommandError(f"{record.name} has no email address in the directory; use pdf or docx")
    rendered = render(compose(request), fmt)
    try:
        Path(out).write_bytes(rendered.content)
    except OSError as exc:
        raise CommandError(f"cannot write {out}: {exc.strerror}") from None
    click.echo(f"{out}\t{request.reference}")
