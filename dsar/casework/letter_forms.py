"""The forms of a client's letters: the letter of authority to generate, its signed copy, and
letters to several organisations at once. Each returns a FormResult: the values as typed,
errors by field, and the checked values for the service."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from dsar.casework.authority import CREDIT_REFERENCE_AGENCIES, DEFAULT_MONTHS, MAX_MONTHS
from dsar.casework.letters import MAX_ORGANISATIONS
from dsar.deadlines import add_months
from dsar.directory.services import get_organisation
from dsar.letters.inputs import MAX_TEXT
from dsar.letters.text import has_hidden_controls
from dsar.rights import RIGHTS
from dsar.web.forms import FormResult

# What an authority can name: every single request kind (a pack is authorised by its parts).
AUTHORISABLE = tuple(key for key, right in RIGHTS.items() if not right.is_pack)
PRESETS = {"cras": CREDIT_REFERENCE_AGENCIES}
# The letter service refused the client's stored details (e.g. an address of too many lines).
LETTER_PROBLEM = _l("The letters could not be written from the client's details. Check the client's "
                    "name and address, then try again.")


def chosen_organisations(form, session: Session) -> list[str]:
    """The ticked organisations plus a preset's, known to the directory, in order, at most
    MAX_ORGANISATIONS."""
    slugs = list(form.getlist("orgs")) + list(PRESETS.get(form.get("preset") or "", ()))
    known = [s for s in dict.fromkeys(slugs) if len(s) <= 120 and get_organisation(session, s)]
    return known[:MAX_ORGANISATIONS]


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def authority_defaults(today: date) -> dict:
    return {"orgs": [], "rights": list(AUTHORISABLE),
            "expires_on": add_months(today, DEFAULT_MONTHS).isoformat()}


def validate_authority(form, session: Session, *, today: date) -> FormResult:
    result = FormResult()
    orgs = chosen_organisations(form, session)
    rights = [r for r in form.getlist("rights") if r in AUTHORISABLE]
    result.values = {"orgs": orgs, "rights": rights, "expires_on": (form.get("expires_on") or "")[:20]}
    if not orgs:
        result.errors["orgs"] = _l(
            "Choose at least one organisation the client authorises the team to write to")
    if not rights:
        result.errors["rights"] = _l("Choose at least one request the authority covers")
    expires_on = _date(result.values["expires_on"])
    if expires_on is None or not today < expires_on <= add_months(today, MAX_MONTHS):
        result.errors["expires_on"] = _l(
            "Enter an expiry date after today and within %(n)s years, like %(example)s",
            n=MAX_MONTHS // 12, example=add_months(today, DEFAULT_MONTHS).isoformat())
    result.cleaned = {"organisations": orgs, "rights": rights, "expires_on": expires_on}
    return result


def validate_signed_copy(form, has_file: bool, *, issued_on: date | None, today: date) -> FormResult:
    result = FormResult()
    v = result.values = {"signed_on": (form.get("signed_on") or "")[:20],
                         "expires_on": (form.get("expires_on") or "")[:20]}
    signed_on, expires_on = _date(v["signed_on"]), _date(v["expires_on"])
    if signed_on is None or signed_on > today or (issued_on and signed_on < issued_on):
        result.errors["signed_on"] = _l(
            "Enter the date the client signed, like %(example)s: not before the letter was generated, "
            "and not in the future", example=today.isoformat())
    if expires_on is None or expires_on <= today or not expires_on <= add_months(today, MAX_MONTHS):
        result.errors["expires_on"] = _l(
            "Enter an expiry date after today and within %(n)s years, like %(example)s",
            n=MAX_MONTHS // 12, example=add_months(today, DEFAULT_MONTHS).isoformat())
    if not has_file:
        result.errors["signed_copy"] = _l("Choose the signed copy: a PDF, PNG or JPEG file")
    result.cleaned = {"signed_on": signed_on, "expires_on": expires_on}
    return result


def validate_letters(form, session: Session) -> FormResult:
    result = FormResult()
    orgs = chosen_organisations(form, session)
    v = result.values = {"orgs": orgs, "right": form.get("right") or "", "ground": form.get("ground") or "",
                         "posted_today": form.get("posted_today") == "yes"}
    for name in ("reasons", "corrections", "decision"):
        v[name] = (form.get(name) or "").replace("\r\n", "\n").strip()[: MAX_TEXT + 1]
        if len(v[name]) > MAX_TEXT:
            result.errors[name] = _l("Must be %(n)s characters or fewer", n=MAX_TEXT)
        elif has_hidden_controls(v[name].replace("\n", " ").replace("\t", " ")):
            result.errors[name] = _l("Remove the invisible control characters from this text")
    if not orgs:
        result.errors["orgs"] = _l("Choose at least one organisation to write to")
    right = RIGHTS.get(v["right"])
    if right is None:
        result.errors["right"] = _l("Choose what you want the organisations to do")
    else:
        if "reasons" in right.needs and not v["reasons"]:
            result.errors["reasons"] = _l("Explain the client's reasons in a few sentences")
        if "corrections" in right.needs and not v["corrections"]:
            result.errors["corrections"] = _l("Say what is wrong and what it should say")
        if right.grounds and v["ground"] not in right.grounds:
            result.errors["ground"] = _l("Choose the reason that fits best")
    result.cleaned = {"org_slugs": tuple(orgs), "right": v["right"], "reasons": v["reasons"],
                      "corrections": v["corrections"], "decision": v["decision"],
                      "ground": v["ground"] if right and right.grounds else "",
                      "posted_today": v["posted_today"]}
    return result
