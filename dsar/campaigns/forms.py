"""The campaign forms: an organiser's settings (create, edit) and a person's joining (their
details, checked exactly as the wizard's details step, and the consent boxes). Each returns
a FormResult: the values as typed, errors by field, and the checked values for a service."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from dsar.campaigns.services import CampaignSettings, check_settings
from dsar.casework.letter_forms import chosen_organisations
from dsar.web.forms import FormResult
from dsar.wizard.services import person_value, validate_details

CONSENT_MISSING = _l("Tick the box to take part in the campaign")
# The letter service refused the details (a rule the form does not check, e.g. a directory
# record gone since the page was shown).
LETTERS_PROBLEM = _l("Your letters could not be written from these details. Check your name and "
                     "address, then try again.")
_TEXTS = {"title": 400, "description": 6000, "organiser_paragraph": 6000}


def _date(value: str) -> tuple[str, date | None, bool]:
    """The typed date, the date, and whether what was typed is not a date."""
    typed = (value or "").strip()[:20]
    if not typed:
        return typed, None, False
    try:
        return typed, date.fromisoformat(typed), False
    except ValueError:
        return typed, None, True


def validate_campaign(form, session: Session, *, editing: bool = False) -> FormResult:
    result = FormResult()
    v = result.values = {name: (form.get(name) or "").replace("\r\n", "\n").strip()[:limit]
                         for name, limit in _TEXTS.items()}
    v.update(right=form.get("right") or "", jurisdiction=form.get("jurisdiction") or "",
             language=form.get("language") or "", orgs=chosen_organisations(form, session),
             status=form.get("status") or "open")
    dates = {}
    for name in ("starts_on", "ends_on"):
        v[name], dates[name], bad = _date(form.get(name))
        if bad:
            result.errors[name] = _l("Enter a date like %(example)s, or leave it empty", example="2027-01-31")
    settings = CampaignSettings(
        title=v["title"], right=v["right"], org_slugs=tuple(v["orgs"]), description=v["description"],
        jurisdiction=v["jurisdiction"], language=v["language"],
        organiser_paragraph=v["organiser_paragraph"], **dates)
    errors, _records = check_settings(session, settings)
    result.errors = {**errors, **result.errors}
    if editing and v["status"] not in ("open", "closed"):
        result.errors["status"] = _l("Choose whether the campaign is open or closed")
    result.cleaned = {"settings": settings, "status": v["status"] if editing else None}
    return result


def campaign_values(campaign) -> dict:
    """An existing campaign as the form shows it."""
    return {"title": campaign.title, "description": campaign.description, "right": campaign.right,
            "jurisdiction": campaign.jurisdiction, "language": campaign.language,
            "organiser_paragraph": campaign.organiser_paragraph,
            "orgs": [t.org_slug for t in campaign.targets if t.active],
            "starts_on": campaign.starts_on.isoformat() if campaign.starts_on else "",
            "ends_on": campaign.ends_on.isoformat() if campaign.ends_on else "",
            "status": campaign.status}


def validate_join(form) -> FormResult:
    """The wizard's details step (name, address, optional email) and the consent boxes."""
    result = validate_details(form)
    result.values["consent"] = form.get("consent") == "yes"
    result.values["share_named"] = form.get("share_named") == "yes"
    if not result.values["consent"]:
        result.errors["consent"] = CONSENT_MISSING
    if result.ok:
        result.cleaned = {"person": person_value({"details": result.values}),
                          "share_named": result.values["share_named"]}
    return result
