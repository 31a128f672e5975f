"""Validation of the workspace's small forms (reminders, complaints): cleaned values to show
again and messages per field, in the wizard's StepResult style."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from dsar.directory.schema import EMAIL_RE
from dsar.letters.followups import WHAT_HAPPENED_LIMIT
from dsar.web.forms import FormResult

MAX_TEXT = 10000
# Why no confirmation email was sent (see dsar/requests/optin.py for the limits).
LIMIT_REACHED = {
    "address": _l("We have sent too many confirmation emails to this address today. "
                  "Try again tomorrow."),
    "workspace": _l("We have sent too many confirmation emails for these requests today. "
                    "Try again tomorrow."),
    "client": _l("We have sent too many confirmation emails for your connection in the last "
                 "hour. Try again later."),
}
SEND_FAILED = _l("We could not send the confirmation email just now. Try again later.")


def _text(form, name: str, limit: int = MAX_TEXT) -> str:
    return (form.get(name) or "").replace("\r\n", "\n").strip()[: limit + 1]


def validate_reminders(form) -> FormResult:
    result = FormResult(values={"email": _text(form, "email", 320),
                                "consent": form.get("consent") == "yes"})
    if not result.values["email"]:
        result.errors["email"] = _l("Enter the email address for reminders")
    elif not EMAIL_RE.match(result.values["email"]) or len(result.values["email"]) > 320:
        result.errors["email"] = _l("Enter an email address in the correct format, like name@example.com")
    if not result.values["consent"]:
        result.errors["consent"] = _l("Tick the box to say you want reminders by email")
    return result


def validate_complaint(form) -> FormResult:
    result = FormResult(values={"details": _text(form, "details")})
    if len(result.values["details"]) > MAX_TEXT:
        result.errors["details"] = _l("Must be %(n)s characters or fewer", n=MAX_TEXT)
    return result


def validate_regulator(form) -> FormResult:
    """What happened (the ICO takes about 2,000 characters: over that is a warning, since the
    person may cut it in the form itself), the harm, and where the person lives."""
    result = FormResult(values={
        "what_happened": _text(form, "what_happened"),
        "harm": _text(form, "harm"),
        "residence": _text(form, "residence", 2).lower(),
        "authority": _text(form, "authority", 120),
    })
    what = result.values["what_happened"]
    if not what:
        result.errors["what_happened"] = _l("Say what happened, in your own words")
    elif len(what) > MAX_TEXT:
        result.errors["what_happened"] = _l("Must be %(n)s characters or fewer", n=MAX_TEXT)
    elif len(what) > WHAT_HAPPENED_LIMIT:
        result.warnings["what_happened"] = _l(
            "This is %(count)s characters long. The ICO's form takes about %(limit)s: shorten it, "
            "and leave the details to the timeline and the correspondence.",
            count=len(what), limit=WHAT_HAPPENED_LIMIT)
    if len(result.values["harm"]) > MAX_TEXT:
        result.errors["harm"] = _l("Must be %(n)s characters or fewer", n=MAX_TEXT)
    if result.values["residence"] and not result.values["residence"].isalpha():
        result.errors["residence"] = _l("Choose the country you live in")
    return result
