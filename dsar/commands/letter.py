"""python run.py letter RIGHT --org SLUG --person FILE.json --out FILE

and the follow-up to an incomplete reply, which states the original request's facts:
python run.py letter incomplete_response --org SLUG --person FILE.json --missing c,h,copy
    --original-date DATE --original-reference REF --out FILE
"""

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
from dsar.letters.incomplete import KIND as INCOMPLETE
from dsar.letters.incomplete import (
    IncompleteError,
    IncompleteReply,
    compose_incomplete,
    facts_from_date,
)
from dsar.letters.inputs import InputError, build_letter_request, parse_person
from dsar.replies.checklist import ALL_ITEMS, MISSING, PARTLY, parse_codes
from dsar.requests.services import new_reference
from dsar.rights import RIGHTS

# In a person file, the details of the request sit beside the person's own.
REQUEST_FIELDS = ("reasons", "corrections", "decision")
# The options that describe the original request and its reply (incomplete_response only).
FOLLOWUP_OPTIONS = ("missing", "partly", "original_date", "original_reference", "reply_date")


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
@click.option("--channel", default=None, help="letter, email or webform (default: from format; "
              f"{INCOMPLETE}: how the original request was sent, default letter).")
@click.option("--ground", help="Erasure or restriction ground (erasure/restriction only).")
@click.option("--date", "letter_date", help="Letter date YYYY-MM-DD (default: today).")
@click.option("--missing", help=f"{INCOMPLETE}: items not answered, e.g. c,h,copy "
              "(item codes of the reply checklist).")
@click.option("--partly", help=f"{INCOMPLETE}: items answered only in part, e.g. a,g.")
@click.option("--original-date", help=f"{INCOMPLETE}: the day the request was sent (YYYY-MM-DD).")
@click.option("--original-reference", help=f"{INCOMPLETE}: the request's reference.")
@click.option("--original-kind", default="access", show_default=True,
              help=f"{INCOMPLETE}: the kind of the original request.")
@click.option("--reply-date", help=f"{INCOMPLETE}: the day the reply arrived (YYYY-MM-DD).")
@click.option("--out", required=True, help="Output file.")
@one_line_errors(ComposeError, InputError, DeadlineError, IncompleteError)
def letter_command(right, org_slug, person_file, jurisdiction, lang, fmt, channel, ground,
                   letter_date, out, original_kind, **followup) -> None:
    """Write a RIGHT letter to an organisation: RIGHT is one of the rights catalogue, or
    incomplete_response for the follow-up to an incomplete reply."""
    fmt = fmt or format_from_filename(out) or "pdf"
    if fmt not in FORMATS:
        raise CommandError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    today = parse_iso_date(letter_date, "--date") if letter_date else date.today()
    given = [name for name in FOLLOWUP_OPTIONS if followup[name]]
    if right != INCOMPLETE and given:
        raise CommandError(f"--{given[0].replace('_', '-')} is for {INCOMPLETE} only")
    data = read_person_file(person_file)
    person = parse_person({k: v for k, v in data.items() if k not in REQUEST_FIELDS})
    kind = RIGHTS.get(original_kind if right == INCOMPLETE else right)
    if kind is not None and kind.grounds and not ground:
        raise CommandError(f"{kind.key} needs --ground (one of {', '.join(kind.grounds)})")
    with database_session() as session:
        record = get_organisation(session, org_slug)
    if record is None:
        raise CommandError(f"unknown organisation {org_slug!r} (see: python run.py orgs list)")
    if fmt == "eml" and not record.email:
        raise CommandError(f"{record.name} has no email address in the directory; use pdf or docx")
    details = {"person": person, "jurisdiction": jurisdiction, "locale": lang, "ground": ground,
               "reasons": data.get("reasons"), "corrections": data.get("corrections"),
               "decision": data.get("decision")}
    if right == INCOMPLETE:
        letter = _incomplete_letter(record, today, original_kind, channel or "letter", details,
                                    **followup)
    else:
        request = build_letter_request(
            right=right, org=record, today=today, reference=new_reference(record.name),
            channel=channel or ("email" if fmt == "eml" else "letter"), **details)
        letter = compose(request)
    rendered = render(letter, fmt)
    try:
        Path(out).write_bytes(rendered.content)
    except OSError as exc:
        raise CommandError(f"cannot write {out}: {exc.strerror}") from None
    click.echo(f"{out}\t{letter.reference}")


def _codes(text: str | None, option: str) -> tuple[str, ...]:
    if not text:
        return ()
    try:
        return parse_codes(text)
    except ValueError as exc:
        raise CommandError(f"{option}: {exc}") from None


def _incomplete_letter(record, today: date, original_kind: str, channel: str, details: dict, *,
                       missing, partly, original_date, original_reference, reply_date):
    """The follow-up to an incomplete reply, from what the options say about the original."""
    missing, partly = _codes(missing, "--missing"), _codes(partly, "--partly")
    if not missing and not partly:
        raise CommandError(f"{INCOMPLETE} needs --missing or --partly (item codes, e.g. c,h,copy)")
    if both := [code for code in missing if code in partly]:
        raise CommandError(f"item {both[0]} is given as both missing and partly answered")
    if not original_date or not (original_reference or "").strip():
        raise CommandError(f"{INCOMPLETE} needs --original-date and --original-reference")
    sent = parse_iso_date(original_date, "--original-date")
    if sent > today:
        raise CommandError("--original-date: after the date of this letter")
    reply_on = parse_iso_date(reply_date, "--reply-date") if reply_date else None
    if reply_on is not None and not sent <= reply_on <= today:
        raise CommandError("--reply-date: must fall between --original-date and this letter's date")
    if original_kind not in RIGHTS:
        raise CommandError(f"--original-kind: unknown kind {original_kind!r} "
                           f"(choose from {', '.join(RIGHTS)})")
    original = build_letter_request(right=original_kind, org=record, today=sent,
                                    reference=original_reference.strip(), channel=channel,
                                    **details)
    order = list(ALL_ITEMS)
    marks = sorted([(code, MISSING) for code in missing] + [(code, PARTLY) for code in partly],
                   key=lambda pair: order.index(pair[0]))
    return compose_incomplete(IncompleteReply(
        request=original, facts=facts_from_date(original, reply_on), outstanding=tuple(marks),
        today=today))
