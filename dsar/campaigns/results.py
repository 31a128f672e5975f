"""A campaign's pooled results (pure): per organisation and for all of them together, how
many letters went, how many were answered on time or late, how complete the answers were,
the refusals and the escalations. Imports neither Flask nor SQLAlchemy; the loader that
feeds it plain ``LetterFacts`` is results_store.py.

Only the participants' requests are counted, and only as numbers: no name, note or free text
reaches the figures. A figure from fewer than ``THRESHOLD`` people is withheld (``suppress``):

* a count of 1 to 4 letters is "fewer than 5" (0 is shown: it describes nobody);
* an organisation that fewer than 5 letters went to shows no figure at all, and is left out
  of the "all organisations" line (which says how many were left out), so that line minus
  the others cannot give its figures;
* a median or a share is shown only when it is computed from 5 or more replies;
* no withheld figure can be worked out by adding or subtracting shown ones on the same line
  (sent = replies + no reply, replies = on time + late, …) or down a column (all
  organisations = the sum of each): where one could, a second figure is withheld too, and
  the withheld figures of one sum always add up to 5 or more ("withheld" in the tables)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from dsar.replies.checklist import ALL_ITEMS, ANSWERED, MISSING, PARTLY
from dsar.requests.status import CaseState

THRESHOLD = 5
# What counts as the organisation's answer: a reply, a refusal, or a credit agency's s.159 answer.
ANSWER_KINDS = ("response_received", "refused", "cca_answer_received")
# Refusal reasons as codes a ``refused`` event may carry in data["reason"]; anything else
# (and the free-text note, which is never pooled) counts as "not_given".
REFUSAL_REASONS = ("manifestly_unfounded", "excessive", "identity", "exemption", "no_data", "other")
NOT_GIVEN = "not_given"
JUDGED_MARKS = (ANSWERED, PARTLY, MISSING)  # not_applicable and unmarked items are left out

# The sums that hold on every line: (total, parts). Used to stop differencing.
OUTCOMES = ("on_time", "late", "overdue", "waiting")
LINE_SUMS = (
    ("sent", ("replies", "no_reply")),
    ("replies", ("on_time", "late")),
    ("no_reply", ("overdue", "waiting")),
)

PRIMARY, SECONDARY = "fewer_than_5", "withheld"


@dataclass(frozen=True)
class LetterFacts:
    """What one letter's event log says, as plain values (none of them depends on today
    except ``due`` while a clarification pause runs; the loader re-derives those daily)."""

    sent: bool
    receipt: date | None = None
    due: date | None = None
    answered_on: date | None = None
    refused: bool = False
    refusal_reason: str | None = None
    to_controller: bool = False
    to_regulator: bool = False
    marks: Mapping[str, str | None] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"sent": self.sent, "receipt": _iso(self.receipt), "due": _iso(self.due),
                "answered_on": _iso(self.answered_on), "refused": self.refused,
                "refusal_reason": self.refusal_reason, "to_controller": self.to_controller,
                "to_regulator": self.to_regulator, "marks": dict(self.marks)}

    @classmethod
    def from_json(cls, data: Mapping) -> LetterFacts:
        return cls(sent=bool(data["sent"]), receipt=_day(data["receipt"]), due=_day(data["due"]),
                   answered_on=_day(data["answered_on"]), refused=bool(data["refused"]),
                   refusal_reason=data["refusal_reason"], to_controller=bool(data["to_controller"]),
                   to_regulator=bool(data["to_regulator"]), marks=dict(data["marks"] or {}))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def letter_facts(state: CaseState) -> LetterFacts:
    """The facts of one request from its derived state (status.derive)."""
    if state.sent_on is None:
        return LetterFacts(sent=False)
    answer = next((e for e in state.events if e.kind in ANSWER_KINDS), None)
    refusal = next((e for e in state.events if e.kind == "refused"), None)
    checked = [e for e in state.events if e.kind == "reply_checked"]
    marks = checked[-1].data.get("marks") if checked else None
    reason = str(refusal.data.get("reason") or "") if refusal else ""
    kinds = {e.kind for e in state.events}
    return LetterFacts(
        sent=True, receipt=state.receipt, due=state.due,
        answered_on=answer.occurred_on if answer else None, refused=refusal is not None,
        refusal_reason=(reason if reason in REFUSAL_REASONS else NOT_GIVEN) if refusal else None,
        to_controller="complaint_to_controller" in kinds, to_regulator="complaint_to_regulator" in kinds,
        marks={str(k): v for k, v in marks.items() if k in ALL_ITEMS} if isinstance(marks, Mapping) else {})


# --- counting ------------------------------------------------------------------------------


@dataclass
class Line:
    """The figures of one organisation (``key`` its slug) or of all of them (key "")."""

    key: str
    counts: dict[str, int]
    days: list[int]  # days from receipt to answer, one per answer
    hidden: dict[str, str] = field(default_factory=dict)  # figure -> PRIMARY or SECONDARY
    withheld_whole: bool = False  # fewer than THRESHOLD letters: nothing shown

    def value(self, name: str) -> int | None:
        """The figure as published: None when withheld."""
        if self.withheld_whole or name in self.hidden:
            return None
        return self.counts.get(name, 0)

    def mark(self, name: str) -> str:
        """"" when shown, else PRIMARY or SECONDARY."""
        if self.withheld_whole:
            return PRIMARY
        return self.hidden.get(name, "")

    @property
    def median_days(self) -> float | None:
        if self.withheld_whole or len(self.days) < THRESHOLD:
            return None
        return statistics.median(self.days)

    def share(self, part: str, whole: str) -> float | None:
        """part/whole as a percentage, shown only when both are shown and whole >= THRESHOLD."""
        top, bottom = self.value(part), self.value(whole)
        if top is None or bottom is None or bottom < THRESHOLD:
            return None
        return round(100 * top / bottom, 1)


def count_line(key: str, letters: Iterable[LetterFacts], today: date) -> Line:
    counts: dict[str, int] = {}
    days: list[int] = []

    def add(name: str) -> None:
        counts[name] = counts.get(name, 0) + 1

    for f in letters:
        if not f.sent:
            continue
        add("sent")
        if f.answered_on is not None:
            add("replies")
            add("late" if f.due is not None and f.answered_on > f.due else "on_time")
            if f.receipt is not None:
                days.append(max((f.answered_on - f.receipt).days, 0))
        else:
            add("no_reply")
            add("overdue" if f.due is not None and today > f.due else "waiting")
        if f.refused:
            add("refused")
            add(f"refused:{f.refusal_reason or NOT_GIVEN}")
        if f.to_controller:
            add("to_controller")
        if f.to_regulator:
            add("to_regulator")
        for code, mark in f.marks.items():
            if mark in JUDGED_MARKS:
                add(f"item:{code}:checked")
                add(f"item:{code}:{mark}")
    return Line(key, counts, days)


def _sums(line: Line) -> list[tuple[str, tuple[str, ...]]]:
    """The sums that hold on ``line``: the fixed ones, the refusals by reason, and each
    checklist item's checked = answered + partly + missing."""
    sums = list(LINE_SUMS)
    sums.append(("refused", tuple(f"refused:{r}" for r in (*REFUSAL_REASONS, NOT_GIVEN))))
    for code in item_codes([line]):
        sums.append((f"item:{code}:checked", tuple(f"item:{code}:{m}" for m in JUDGED_MARKS)))
    return sums


def item_codes(lines: Iterable[Line]) -> list[str]:
    """The checklist items any reply was checked against, in the catalogue's order."""
    seen = {name.split(":")[1] for line in lines for name in line.counts if name.startswith("item:")}
    return [code for code in ALL_ITEMS if code in seen]


# --- suppression -----------------------------------------------------------------------------


def _protect_sum(cells: list[tuple[Line, str]], total: tuple[Line, str], prefer_total: bool) -> bool:
    """One sum total = Σ cells. Withhold one more figure (returns True) when what is shown
    would give away a withheld one: a lone withheld figure, or withheld parts that add up
    to fewer than THRESHOLD while the total is shown."""
    def hidden(cell):
        return cell[0].withheld_whole or cell[1] in cell[0].hidden

    hidden_parts = [c for c in cells if hidden(c)]
    total_hidden = hidden(total)
    shown_parts = [c for c in cells if not hidden(c)]
    if not total_hidden:
        if not hidden_parts:
            return False
        small = sum(c[0].counts.get(c[1], 0) for c in hidden_parts) < THRESHOLD
        if len(hidden_parts) > 1 and not small:
            return False
        if prefer_total or not shown_parts:
            total[0].hidden[total[1]] = SECONDARY
        else:
            _withhold_smallest(shown_parts)
        return True
    if hidden_parts or not shown_parts:
        return False  # only a difference of withheld figures can be worked out
    _withhold_smallest(shown_parts)
    return True


def _withhold_smallest(cells: list[tuple[Line, str]]) -> None:
    """The smallest shown figure that is not 0 (withholding a 0 would protect nothing)."""
    def size(cell):
        count = cell[0].counts.get(cell[1], 0)
        return (count == 0, count)

    line, name = min(cells, key=size)
    line.hidden[name] = SECONDARY


def suppress(lines: list[Line], overall: Line) -> None:
    """Withhold every figure from fewer than THRESHOLD people, then the figures that would
    give one away (module docstring), until nothing more needs withholding."""
    for line in (*lines, overall):
        if line is not overall and line.counts.get("sent", 0) < THRESHOLD:
            line.withheld_whole = True
        for name, count in line.counts.items():
            if 0 < count < THRESHOLD:
                line.hidden[name] = PRIMARY
    shown_lines = [line for line in lines if not line.withheld_whole]
    names = sorted({name for line in (*shown_lines, overall) for name in line.counts})
    changed = True
    while changed:
        changed = False
        for line in (*shown_lines, overall):
            for total, parts in _sums(line):
                changed |= _protect_sum([(line, p) for p in parts], (line, total), prefer_total=False)
        for name in names:  # down each column: all organisations = the sum of those shown
            changed |= _protect_sum([(line, name) for line in shown_lines], (overall, name),
                                    prefer_total=True)


@dataclass(frozen=True)
class Results:
    lines: list[Line]  # one per organisation, in the campaign's order
    overall: Line  # all organisations with THRESHOLD letters or more, together
    left_out: int  # organisations whose letters are too few to show
    items: list[str]  # checklist item codes with any judged mark
    reasons: list[str]  # refusal reason codes, in order


def pool(letters_by_org: Mapping[str, Iterable[LetterFacts]], today: date) -> Results:
    """The published figures of a campaign: ``letters_by_org`` maps each organisation (in
    the order to show) to its letters' facts."""
    lines = [count_line(key, letters, today) for key, letters in letters_by_org.items()]
    kept = [line for line in lines if line.counts.get("sent", 0) >= THRESHOLD]
    overall = Line("", {}, [])
    for line in kept:
        for name, count in line.counts.items():
            overall.counts[name] = overall.counts.get(name, 0) + count
        overall.days.extend(line.days)
    suppress(lines, overall)
    return Results(lines, overall, len(lines) - len(kept), item_codes([*lines, overall]),
                   [*REFUSAL_REASONS, NOT_GIVEN])
