"""The cascade's and the rounds' forms: what was typed, checked, with one message per field.
Takes a form mapping; returns plain values for the services (dsar/replies/cascade.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from dsar.directory.services import get_organisation
from dsar.letters.inputs import MAX_TEXT
from dsar.letters.model import Recipient
from dsar.replies import cascade, facts
from dsar.replies.rounds import MAX_INTERVAL_MONTHS
from dsar.validation import MAX_NAME
from dsar.web.forms import FormResult
from dsar.web.problems import HIDDEN_CHARACTERS
from dsar.wizard.services import custom_org_value, validate_custom_org, validate_more

FACT_ERRORS = {
    "too_many": _l("Enter %(n)s lines or fewer", n=facts.MAX_ENTRIES),
    "too_long": _l("Must be %(n)s characters or fewer", n=MAX_NAME),
    "hidden_characters": HIDDEN_CHARACTERS,
    "not_text": _l("Enter this detail"),
    "score_format": _l(
        "Write each score as its name, a colon and the value, like Credit score: 620 (1 March 2026)"),
}


def _text(form, name: str, limit: int = MAX_TEXT) -> str:
    return (form.get(name) or "").replace("\r\n", "\n")[: limit + 1]


def fact_values(form) -> dict[str, str]:
    return {name: _text(form, name) for name in (*facts.LISTS, "scores", "reply_text")}


def validate_facts(form) -> tuple[facts.Facts, FormResult]:
    values = fact_values(form)
    parsed = facts.parse_form(values)
    errors = {name: FACT_ERRORS[code] for name, code in parsed.errors.items()}
    return parsed.facts, FormResult(values=values, errors=errors)


def pick_lines(values: dict, picked: list[str]) -> dict:
    """The ticked lines of the reply added to the recipients the form already has."""
    current = facts.lines(values.get("recipients", ""))
    values = dict(values)
    values["recipients"] = "\n".join(facts.unique([*current, *picked]))
    return values


def names_from(args) -> list[str]:
    """The organisations to write to: the ticked recipients and the lines typed below them."""
    names = [*args.getlist("name"), *facts.lines(args.get("more", ""))]
    return list(facts.unique(n[:300] for n in names))[: cascade.MAX_TARGETS]


@dataclass
class CascadeForm:
    values: dict
    errors: dict = field(default_factory=dict)
    targets: list[cascade.Target] = field(default_factory=list)
    right: str = "access"
    more: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_cascade(session: Session, form, matches: list[cascade.Match]) -> CascadeForm:
    """Each row: left out, a directory record (one of the candidates shown, or any record),
    or an organisation typed by hand (name and postal address); then the kind and what it
    needs (the reasons for an objection, the ground for an erasure)."""
    values = {key: form.get(key, "") for key in form}
    result = CascadeForm(values=values)
    for i, match in enumerate(matches):
        if not form.get(f"include-{i}"):
            continue
        pick = form.get(f"org-{i}", "")
        if pick == "unlisted":
            typed = validate_custom_org({
                "name": form.get(f"uname-{i}", ""), "address": form.get(f"address-{i}", ""),
                "email": form.get(f"email-{i}", ""), "country": form.get(f"country-{i}", "gb")})
            for name, message in typed.errors.items():
                result.errors[f"{'uname' if name == 'name' else name}-{i}"] = message
            if typed.ok:
                value = custom_org_value(typed.values)
                result.targets.append(cascade.Target(match.name, recipient=Recipient(
                    name=value["name"], address=tuple(value["address"]), email=value["email"],
                    country=value["country"])))
            continue
        record = get_organisation(session, pick) if pick else None
        if record is None:
            result.errors[f"org-{i}"] = _l("Choose which organisation %(name)s is", name=match.name)
            continue
        result.targets.append(cascade.Target(match.name, record=record))
    if not result.errors and not result.targets:
        result.errors["include-0" if matches else "right"] = _l(
            "Tick at least one organisation to write to")
    right = form.get("right", "")
    if right not in cascade.CASCADE_RIGHTS:
        result.errors["right"] = _l("Choose what you want them to do")
        return result
    result.right = right
    more = validate_more(form, right)
    result.errors.update(more.errors)
    result.more = {"reasons": more.values.get("reasons", ""), "ground": more.values.get("ground", "")}
    return result


def validate_interval(form) -> tuple[int | None, FormResult]:
    raw = (form.get("months") or "").strip()
    result = FormResult(values={"months": raw})
    if form.get("action") == "stop":
        return None, result
    if not re.fullmatch(r"[0-9]{1,3}", raw) or not 1 <= int(raw) <= MAX_INTERVAL_MONTHS:
        result.errors["months"] = _l("Enter a number of months from 1 to %(n)s", n=MAX_INTERVAL_MONTHS)
        return None, result
    return int(raw), result
