"""What changed between two rounds of the same request (pure): the recipients, sources and
categories a reply named, its scores, and the checklist marks.

Imports neither Flask nor SQLAlchemy. Each change is a plain value; the comparison page words
it ("New recipient: Broker Z", "Experian score went from 620 to 540") in the page's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dsar.replies.facts import LISTS, Facts, name_key

NEW, GONE, CHANGED = "new", "gone", "changed"
# One word per list, as the changes name them ("recipient", "source", "category").
SINGULAR = {"recipients": "recipient", "sources": "source", "categories": "category"}


@dataclass(frozen=True)
class Change:
    change: str  # new, gone or changed
    what: str  # recipient, source, category, score or item (a checklist item's code)
    name: str
    before: str = ""
    after: str = ""
    before_date: str = ""  # scores: the dates the reply gave them
    after_date: str = ""


def _lists(before: Facts, after: Facts) -> list[Change]:
    changes = []
    for field in LISTS:
        old = {name_key(n): n for n in getattr(before, field)}
        new = {name_key(n): n for n in getattr(after, field)}
        what = SINGULAR[field]
        changes += [Change(NEW, what, name) for key, name in new.items() if key not in old]
        changes += [Change(GONE, what, name) for key, name in old.items() if key not in new]
    return changes


def _value_key(value: str) -> str:
    return " ".join(value.casefold().split())


def _scores(before: Facts, after: Facts) -> list[Change]:
    old = {name_key(s.name) or s.name: s for s in before.scores}
    new = {name_key(s.name) or s.name: s for s in after.scores}
    changes = []
    for key, score in new.items():
        previous = old.get(key)
        if previous is None:
            changes.append(Change(NEW, "score", score.name, after=score.value, after_date=score.date))
        elif _value_key(previous.value) != _value_key(score.value) or (
                _value_key(previous.date) != _value_key(score.date)):
            changes.append(Change(CHANGED, "score", score.name, before=previous.value,
                                  after=score.value, before_date=previous.date,
                                  after_date=score.date))
    changes += [Change(GONE, "score", s.name, before=s.value, before_date=s.date)
                for key, s in old.items() if key not in new]
    return changes


def _marks(before: Mapping[str, str], after: Mapping[str, str]) -> list[Change]:
    """Checklist items whose mark changed between the rounds (both rounds marked them)."""
    return [Change(CHANGED, "item", code, before=before[code], after=mark)
            for code, mark in after.items() if code in before and before[code] != mark]


def compare(before: Facts, after: Facts, *, before_marks: Mapping[str, str] | None = None,
            after_marks: Mapping[str, str] | None = None) -> list[Change]:
    """Every difference from the earlier round to the later one: new, gone and changed
    recipients, sources and categories, then scores, then checklist marks."""
    return [*_lists(before, after), *_scores(before, after),
            *_marks(before_marks or {}, after_marks or {})]


def new_recipients(changes: list[Change]) -> list[str]:
    """The recipients a later round names for the first time: where the cascade goes next."""
    return [c.name for c in changes if c.change == NEW and c.what == "recipient"]
