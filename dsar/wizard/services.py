"""The citizen wizard's logic: drafts, validation of each step, and turning a finished draft
into stored requests. Takes a session and plain values; knows nothing of Flask requests."""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, inspect, select
from sqlalchemy.orm import Session

from dsar import validation
from dsar.directory.schema import OrgRecord
from dsar.directory.services import get_organisation
from dsar.letters.compose import available_locales
from dsar.letters.identifiers import numbers_value, parse_identifiers
from dsar.letters.inputs import (
    MAX_FIELD,
    MAX_TEXT,
    build_letter_request,
    default_letter_language,
    person_to_dict,
    recipient_from_record,
    recipient_to_dict,
    request_details,
)
from dsar.letters.model import Recipient
from dsar.letters.text import has_hidden_controls
from dsar.requests.models import DataRequest, Workspace, hash_token
from dsar.requests.services import create_request, create_workspace
from dsar.rights import RIGHTS, WIZARD_GROUPS, Right, get_right, needs_identifiers
from dsar.web.forms import FormResult
from dsar.web.problems import HIDDEN_CHARACTERS, IDENTIFIER_FORMAT, form_errors
from dsar.wizard.models import WizardDraft

MAX_ORGS = 20
DRAFT_LIFETIME = timedelta(hours=24)


# Cleaned values and errors (field name → message) of one submitted step.
StepResult = FormResult


# ---------------------------------------------------------------- drafts

def load_draft(session: Session, token: str | None, sid: str | None) -> WizardDraft:
    """The session's saved draft, or a new unsaved one (nothing is stored before a save, so
    no page view writes to the database). A draft whose session id does not match is not
    loaded."""
    if token and sid:
        draft = session.scalar(select(WizardDraft).where(WizardDraft.token_hash == hash_token(token)))
        if draft is not None and hmac.compare_digest(draft.sid_hash, hash_token(sid)):
            return draft
    return WizardDraft(data={})


@dataclass(frozen=True)
class DraftKeys:
    """What the session cookie keeps from a draft's first save."""

    token: str
    sid: str


def save_draft(session: Session, draft: WizardDraft, **changes) -> DraftKeys | None:
    """Apply ``changes``. At the first save the draft is stored under a new token and a new
    session id, which are returned for the session cookie (rotation: whatever a planted
    cookie held before does not lead to it)."""
    # Assign a new dict: SQLAlchemy does not see in-place changes to a JSON column.
    draft.data = {**(draft.data or {}), **changes}
    if not inspect(draft).transient:  # stored already
        return None
    keys = DraftKeys(token=secrets.token_urlsafe(24), sid=secrets.token_urlsafe(24))
    draft.token_hash, draft.sid_hash = hash_token(keys.token), hash_token(keys.sid)
    session.add(draft)
    return keys


def purge_drafts(session: Session, now: datetime) -> int:
    """Delete drafts untouched for a day (abandoned: a finished draft is deleted at once)."""
    result = session.execute(delete(WizardDraft).where(WizardDraft.updated_at < now - DRAFT_LIFETIME))
    return result.rowcount


# ---------------------------------------------------------------- organisations

@dataclass(frozen=True)
class ChosenOrg:
    key: str  # slug, or "custom-N" for one the person typed
    record: OrgRecord | None
    recipient: Recipient


def chosen_orgs(session: Session, data: dict) -> list[ChosenOrg]:
    chosen = []
    for slug in data.get("orgs", []):
        record = get_organisation(session, slug)
        if record is not None:
            chosen.append(ChosenOrg(slug, record, recipient_from_record(record)))
    for i, custom in enumerate(data.get("custom_orgs", [])):
        recipient = Recipient(
            name=custom["name"], address=tuple(custom["address"]), email=custom.get("email", ""),
            country=custom.get("country", "gb"),
        )
        chosen.append(ChosenOrg(f"custom-{i}", None, recipient))
    return chosen


def _text(form, name: str, limit: int = MAX_FIELD) -> str:
    # One character past the limit is kept, so the length check still sees the text is too long.
    return (form.get(name) or "").replace("\r\n", "\n").strip()[: limit + 1]


def _check_length(result: StepResult, name: str, limit: int) -> None:
    if len(result.values.get(name, "")) > limit:
        result.errors[name] = _l("Must be %(n)s characters or fewer", n=limit)


def _check_name_address_email(result: StepResult) -> list[validation.Problem]:
    """The checks shared by the person's details and an organisation typed by hand."""
    values = result.values
    return [
        *validation.check_name("name", values["name"]),
        *validation.check_address("address", validation.address_lines(values["address"])),
        *validation.check_email("email", values["email"]),
    ]


def _errors(result: StepResult, problems, overrides: dict | None = None,
            rename: dict | None = None) -> StepResult:
    """Add the problems' messages to the result, then refuse invisible control characters in
    any field not yet in error (instead of letting the letter differ silently)."""
    result.errors.update(form_errors(problems, overrides, rename))
    for name, value in result.values.items():
        if isinstance(value, str) and name not in result.errors and has_hidden_controls(
            value.replace("\t", " ")
        ):
            result.errors[name] = HIDDEN_CHARACTERS
    return result


def validate_custom_org(form) -> StepResult:
    result = StepResult()
    result.values = {
        "name": _text(form, "name"),
        "address": _text(form, "address", MAX_TEXT),
        "email": _text(form, "email"),
        "country": _text(form, "country").lower() or "gb",
    }
    problems = _check_name_address_email(result)
    if not re.fullmatch(r"[a-z]{2}", result.values["country"]):
        result.errors["country"] = _l("Choose the country the organisation is in")
    return _errors(result, problems, {
        "name": _l("Enter the organisation's name"),
        "address": _l("Enter the organisation's postal address"),
        ("address", "too_many_lines"): _l("Enter the address in 10 lines or fewer"),
    })


def custom_org_value(values: dict) -> dict:
    return {
        "name": values["name"],
        "address": [x.strip() for x in values["address"].splitlines() if x.strip()],
        "email": values["email"],
        "country": values["country"],
    }


# ---------------------------------------------------------------- the request

@dataclass(frozen=True)
class Recommendation:
    """The kind offered first, and the kind of organisation it is recommended for."""

    key: str
    category: str


def recommendation(session: Session, data: dict) -> Recommendation | None:
    """The kind the catalogue recommends (``recommended_for``) for a category of the chosen
    organisations: the first organisation's categories are tried first, in their order."""
    for org in chosen_orgs(session, data):
        for category in org.record.categories if org.record else org.recipient.categories:
            for right in RIGHTS.values():
                if category in right.recommended_for:
                    return Recommendation(right.key, category)
    return None


def grouped_choices(recommended: str | None) -> list[tuple[str, list[Right]]]:
    """The other kinds under the wizard's headings, each in catalogue order."""
    groups = [(group, [r for r in RIGHTS.values() if r.group == group and r.key != recommended])
              for group in WIZARD_GROUPS]
    return [(group, rights) for group, rights in groups if rights]


def validate_right(form) -> StepResult:
    right = form.get("right", "")
    if right not in RIGHTS:
        return StepResult({"right": ""}, {"right": _l("Choose what you want the organisation to do")})
    return StepResult({"right": right})


def validate_details(form) -> StepResult:
    result = StepResult()
    result.values = {
        "name": _text(form, "name"),
        "address": _text(form, "address", MAX_TEXT),
        "email": _text(form, "email"),
    }
    return _errors(result, _check_name_address_email(result), {
        "name": _l("Enter your full name"),
        "address": _l("Enter your postal address"),
        ("address", "too_many_lines"): _l("Enter your address in 10 lines or fewer"),
    })


def needs_identifier_step(session: Session, data: dict) -> bool:
    if not data.get("right"):
        return False
    right = get_right(data["right"])
    return any(
        needs_identifiers(right, org.record.categories if org.record else ())
        for org in chosen_orgs(session, data)
    )


def validate_identifiers(form, chosen_slugs: list[str], *, today: date) -> StepResult:
    """Date of birth, previous addresses, and numbers as "Label: number" (for every chosen
    organisation that asks for such numbers) or "short-name / Label: number" (for that one
    organisation only, which must be one of ``chosen_slugs``)."""
    result = StepResult()
    day, month, year = (_text(form, f"dob-{p}", 10) for p in ("day", "month", "year"))
    result.values = {
        "dob-day": day, "dob-month": month, "dob-year": year,
        "previous_addresses": _text(form, "previous_addresses", MAX_TEXT),
        "customer_numbers": _text(form, "customer_numbers", MAX_TEXT),
    }
    dob, problems = validation.birth_date_from_parts("date_of_birth", day, month, year, today)
    if dob is not None:
        result.values["date_of_birth"] = dob.isoformat()
    problems += validation.check_previous_addresses(
        "previous_addresses", validation.address_blocks(result.values["previous_addresses"]))
    problems += validation.check_identifier_lines("customer_numbers", result.values["customer_numbers"])
    result = _errors(result, problems, rename={"date_of_birth": "dob-day"})
    if "customer_numbers" not in result.errors:
        try:
            scopes = parse_identifiers(result.values["customer_numbers"])
        except ValueError:
            result.errors["customer_numbers"] = IDENTIFIER_FORMAT
        else:
            unknown = [scope for scope in scopes if scope and scope not in chosen_slugs]
            if unknown:
                result.errors["customer_numbers"] = _l(
                    "%(name)s is not one of the organisations you chose: start the line with one of "
                    "the short names listed, or leave it out", name=unknown[0][:60])
    return result


def needs_more_step(data: dict) -> bool:
    if not data.get("right"):
        return False
    right = get_right(data["right"])
    return bool(right.needs or right.optional)


def validate_more(form, right_key: str) -> StepResult:
    right = get_right(right_key)
    result = StepResult()
    for name in ("reasons", "corrections", "decision"):
        result.values[name] = _text(form, name, MAX_TEXT)
        _check_length(result, name, MAX_TEXT)
    result.values["ground"] = form.get("ground", "")
    if "reasons" in right.needs and not result.values["reasons"]:
        result.errors["reasons"] = _l("Explain why, in your own words")
    if "corrections" in right.needs and not result.values["corrections"]:
        result.errors["corrections"] = _l("Say what is wrong and what it should say")
    if right.grounds and result.values["ground"] not in right.grounds:
        result.errors["ground"] = _l("Choose the reason that fits best")
    return _errors(result, [])


# ---------------------------------------------------------------- finishing

def missing_steps(session: Session, data: dict, today: date) -> list[str]:
    """The wizard steps still to be completed, in order (for 'check your answers')."""
    missing = []
    if not data.get("orgs") and not data.get("custom_orgs"):
        missing.append("organisations")
    if not data.get("right"):
        missing.append("request")
    # A step saved under older rules is asked again rather than failing when the letter is made.
    if not data.get("details") or not validate_details(data["details"]).ok:
        missing.append("details")
    if data.get("identifiers") and not validate_identifiers(
            data["identifiers"], list(data.get("orgs", [])), today=today).ok:
        missing.append("identifiers")
    if needs_more_step(data) and not validate_more(data.get("more", {}), data["right"]).ok:
        missing.append("more")
    return missing


def letter_language(org: ChosenOrg, chosen: dict) -> str:
    if chosen.get(org.key) in available_locales():
        return chosen[org.key]
    return default_letter_language(org.record or org.recipient)


def identifier_numbers(data: dict) -> dict[str, dict[str, str]]:
    """The numbers of a draft's identifiers step: scope ("" or a slug) → label → number."""
    try:
        return parse_identifiers(data.get("identifiers", {}).get("customer_numbers", ""))
    except ValueError:  # not saved unless valid; an old draft's text is dropped, not sent
        return {}


def person_value(data: dict) -> dict:
    """The draft's person in the person file's form (see dsar/letters/inputs.py)."""
    details, ids = data.get("details", {}), data.get("identifiers", {})
    addresses = [
        [x.strip() for x in block.splitlines() if x.strip()]
        for block in re.split(r"\n\s*\n", ids.get("previous_addresses", ""))
    ]
    return {
        "name": details["name"],
        "address": [x.strip() for x in details["address"].splitlines() if x.strip()],
        "email": details.get("email", ""),
        "date_of_birth": ids.get("date_of_birth"),
        "previous_addresses": [a for a in addresses if a],
        "customer_numbers": numbers_value(identifier_numbers(data)),
    }


def finish(session: Session, data: dict, today: date) -> tuple[Workspace, str, list[DataRequest]]:
    """Store one request per chosen organisation in a new private workspace."""
    workspace, token = create_workspace(session)
    more = data.get("more", {})
    right = get_right(data["right"])
    requests = []
    for org in chosen_orgs(session, data):
        letter = build_letter_request(
            right=right.key, org=org.record or org.recipient, person=person_value(data),
            today=today, locale=letter_language(org, data.get("languages", {})),
            reasons=more.get("reasons", ""), corrections=more.get("corrections", ""),
            # A ground chosen for an earlier choice of right stays in the draft; drop it.
            ground=more.get("ground", "") if right.grounds else "",
            decision=more.get("decision", ""),
        )
        requests.append(
            create_request(
                session, workspace,
                right=letter.right,
                jurisdiction=letter.jurisdiction,
                language=letter.locale,
                org_slug=org.record.slug if org.record else None,
                recipient=recipient_to_dict(letter.recipient),
                person=person_to_dict(letter.person),
                details=request_details(letter),
                today=today,
            )
        )
    return workspace, token, requests
