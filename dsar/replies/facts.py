"""What a reply said, as the person records it (pure): the recipients it names, the sources of
the data, the categories of data and the scores with their dates.

One snapshot is the data of one ``facts_recorded`` event; the latest snapshot in effect is
current (dsar/replies/cascade.py). Imports neither Flask nor SQLAlchemy. Entered as text, a
line per entry; a score line is ``name: value (date)``, the date optional.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dsar import validation
from dsar.directory import ranking

LISTS = ("recipients", "sources", "categories")
MAX_ENTRIES = 100  # per list: a reply naming more is pasted in parts
_SCORE_LINE = re.compile(r"^(?P<name>[^:]+?)\s*:\s*(?P<value>[^()]+?)\s*(?:\((?P<date>[^()]*)\))?$")


@dataclass(frozen=True)
class Score:
    name: str
    value: str
    date: str = ""  # as the reply gives it ("1 March 2026", "03/2026")

    def to_dict(self) -> dict:
        return {"name": self.name, "value": self.value, "date": self.date}


@dataclass(frozen=True)
class Facts:
    recipients: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    scores: tuple[Score, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.recipients or self.sources or self.categories or self.scores)

    def to_dict(self) -> dict:
        return {"recipients": list(self.recipients), "sources": list(self.sources),
                "categories": list(self.categories), "scores": [s.to_dict() for s in self.scores]}


@dataclass
class ParsedFacts:
    facts: Facts
    errors: dict[str, str] = field(default_factory=dict)  # field -> problem code

    @property
    def ok(self) -> bool:
        return not self.errors


def name_key(name: str) -> str:
    """'Barclays Bank UK PLC' and 'barclays bank' are one organisation: words without case,
    accents or legal forms (the directory's own ranking rule)."""
    return " ".join(ranking.core(ranking.tokens(name)))


def unique(names) -> tuple[str, ...]:
    """Names in order, each organisation once, blank lines dropped."""
    seen, kept = set(), []
    for name in names:
        name = " ".join(str(name).split())
        key = name_key(name)
        if key and key not in seen:
            seen.add(key)
            kept.append(name)
    return tuple(kept)


def lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


def parse_form(values: dict) -> ParsedFacts:
    """A form's four texts (recipients, sources, categories, scores) as a snapshot, with a
    problem code per field: "too_many", "too_long", "hidden_characters" or "score_format"."""
    errors: dict[str, str] = {}
    found: dict[str, tuple[str, ...]] = {}
    for name in LISTS:
        entries = unique(lines(values.get(name, "")))
        if problem := _problem(name, entries):
            errors[name] = problem
        found[name] = entries
    scores = []
    for line in lines(values.get("scores", "")):
        match = _SCORE_LINE.match(line)
        if match is None:
            errors.setdefault("scores", "score_format")
            continue
        scores.append(Score(match["name"], match["value"], (match["date"] or "").strip()))
    if problem := _problem("scores", [s.name + s.value + s.date for s in scores]):
        errors.setdefault("scores", problem)
    return ParsedFacts(Facts(scores=tuple(scores), **found), errors)


def _problem(name: str, entries) -> str:
    if len(entries) > MAX_ENTRIES:
        return "too_many"
    for entry in entries:
        if problems := validation.check_line(name, entry, limit=validation.MAX_NAME):
            return problems[0].code
    return ""


def from_data(data) -> Facts:
    """A stored snapshot back (tolerant: an odd value is dropped, never an error)."""
    data = data if isinstance(data, dict) else {}

    def strings(key) -> tuple[str, ...]:
        value = data.get(key)
        return unique(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()

    scores = tuple(
        Score(str(s.get("name") or ""), str(s.get("value") or ""), str(s.get("date") or ""))
        for s in data.get("scores") or () if isinstance(s, dict) and s.get("name"))
    return Facts(strings("recipients"), strings("sources"), strings("categories"), scores)


def form_values(facts: Facts) -> dict[str, str]:
    """A snapshot as the form's texts (to change it)."""
    return {
        **{name: "\n".join(getattr(facts, name)) for name in LISTS},
        "scores": "\n".join(f"{s.name}: {s.value}" + (f" ({s.date})" if s.date else "")
                            for s in facts.scores),
    }
