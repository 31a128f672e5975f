"""The legal clock: when a reply to a data-subject request is due.

Pure functions (no Flask, no database) so the web app, the CLI and the letters all compute
the same date. The rules: UK GDPR Arts 12(3) and 12A with the ICO's right-of-access guidance
(ico.org.uk, "Time limits for responding"); EU GDPR Art 12(3) with Regulation (EEC, Euratom)
1182/71 Arts 2(1) and 3 (holidays of the member state, or the part of it, where the controller
acts).

Every result carries ``steps``: plain-language English sentences explaining how the date was
reached (the CLI prints them), and ``explanation``: the same steps as data (``Step``: a message
key and its raw values - dates stay ``date`` objects), so the web UI can word them in the
reader's language (dsar/requests/explain.py). Both come from ``_step``: it builds the Step, and
the English is rendered from it through the ``_MESSAGES`` table, the single place where the
English wording lives.
"""

from __future__ import annotations

import calendar as _calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays

__all__ = [
    "CLARIFICATION_PAUSE_FROM",
    "EU_COUNTRIES",
    "FIRST_CLASS_POST_DAYS",
    "INTERNATIONAL_POST_DAYS",
    "JURISDICTIONS",
    "UK_REGIONS",
    "Deadline",
    "DeadlineError",
    "Pause",
    "Step",
    "add_months",
    "calendar_location",
    "compute_deadline",
    "deemed_receipt",
    "eu_identity_clock_start",
    "holiday_calendar",
    "is_working_day",
    "next_working_day_on_or_after",
    "subdivisions_of",
]

JURISDICTIONS = ("uk", "eu")
UK_REGIONS = ("england", "wales", "scotland", "northern-ireland")

# Commencement of Art 12A(5) UK GDPR (Data (Use and Access) Act 2025): only requests received
# on or after this date may have the clock paused for clarification.
CLARIFICATION_PAUSE_FROM = date(2026, 2, 5)

_UK_SUBDIVISIONS = {
    "england": "ENG",
    "wales": "WLS",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}

# EU27 plus the EEA states that apply the GDPR (Iceland, Liechtenstein, Norway), lower-case ISO
# 3166-1 alpha-2. Greece is "gr" in ISO; the EU's own "el" is accepted as an alias.
EU_COUNTRIES = (
    "at", "be", "bg", "cy", "cz", "de", "dk", "ee", "es", "fi", "fr", "gr", "hr", "hu", "ie",
    "it", "lt", "lu", "lv", "mt", "nl", "pl", "pt", "ro", "se", "si", "sk",
    "is", "li", "no",
)  # fmt: skip
_EU_ALIASES = {"el": "gr"}


class DeadlineError(ValueError):
    """Unknown jurisdiction/region or impossible input (e.g. a pause ending before it starts)."""


@dataclass(frozen=True)
class Pause:
    """A clarification pause: from the controller's request (start) to the answer (end),
    both days inclusive."""

    start: date
    end: date


@dataclass(frozen=True)
class Step:
    """One explanation step as data: a ``_MESSAGES`` key and the values its sentence needs, in
    the order given. Dates are ``date`` objects, holiday names are as ``holidays`` gives them,
    counts are ints. Hashable, so a Deadline stays hashable."""

    key: str
    values: tuple[tuple[str, object], ...] = ()

    def as_dict(self) -> dict[str, object]:
        return dict(self.values)

    @property
    def english(self) -> str:
        """The English sentence (what ``Deadline.steps`` holds)."""
        return _MESSAGES[self.key].format_map({k: _Shown(v) for k, v in self.values})


@dataclass(frozen=True)
class Deadline:
    due: date  # the due date (the reply is in time until the end of that day)
    start: date  # the date the clock (re)started
    corresponding: date  # raw corresponding date of the applicable period, before pauses/rolling
    steps: tuple[str, ...]  # plain-language explanation, one sentence per step
    extended: bool  # a valid extension was applied
    extension_invalid: bool  # an extension was notified too late: flagged, NOT applied
    paused_days: int  # clarification days that moved the due date
    # The same steps as data, one Step per sentence of ``steps`` (for translated explanations).
    explanation: tuple[Step, ...] = ()


# --- explanation sentences: the single place where wording lives --------------------------

_MESSAGES = {
    "received": "received {day}",
    "eu_receipt": "the day of receipt is not counted; the month ends on the same date next month",
    "id_received": "identity information received {day}: the month starts again from that day",
    "id_received_eu": (
        "identity information received {day}: the month is taken to start again from that day "
        "(unsettled in the EU: some authorities treat the wait only as a pause)"
    ),
    "corresponding": "corresponding date {day}",
    "corresponding_ext": "extended: corresponding date three months after the start is {day}",
    "month_end": "{month:%B %Y} has no day {n}, so the last day of that month counts",
    "holiday": "{day} is {name}",
    "weekend": "{day} is a {day:%A}",
    "due": "due {day}",
    "pause": "clarification from {start} to {end}: {n} day(s) do not count",
    "pause_clipped": "clarification days before the clock started ({start}) do not count",
    "pause_late": "clarification asked {start}, after the deadline {due}: it does not pause",
    "pause_overlap": (
        "days up to {day} were already paused by an earlier clarification: they count once"
    ),
    "pause_moved": "the date moves {n} day(s) later to {day}",
    "pause_answer": "the answer arrived {day}: the reply cannot be due before that day",
    "pause_eu": "the clarification pause is a UK rule (Art 12A); it does not apply in the EU",
    "pause_pre_duaa": (
        "the request was received before {commencement}, so the clock is not paused "
        "for clarification (pre-DUAA rules)"
    ),
    "one_month_due": "without an extension the reply would be due {day}",
    "ext_assumed": "extension applied; no notification date given, assumed told in time",
    "ext_valid": "extension notified {day}, within the first month: valid",
    "ext_invalid": (
        "extension notified {day}, after the first month ended {due}: not valid, "
        "the one-month deadline stands"
    ),
}


def _fmt(day: date) -> str:
    """'Mon 25 Nov 2024' - unambiguous in any country, no leading zero on the day."""
    return f"{day:%a} {day.day} {day:%b %Y}"


class _Shown:
    """A value as an English sentence shows it: a bare ``{day}`` is ``_fmt(day)``, a format spec
    (``{day:%A}``) goes to the date itself; anything else formats as usual."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __format__(self, spec: str) -> str:
        if isinstance(self.value, date) and not spec:
            return _fmt(self.value)
        return format(self.value, spec)


def _step(key: str, **values: object) -> Step:
    """Build one explanation step; its English sentence is ``Step.english``."""
    if key not in _MESSAGES:
        raise KeyError(f"no explanation message {key!r}")
    return Step(key, tuple(values.items()))


# --- calendars -----------------------------------------------------------------------------


def holiday_calendar(
    jurisdiction: str, region: str, subdivision: str | None = None
) -> holidays.HolidayBase:
    """Public/bank holidays of the controller's location.

    uk: region is one of UK_REGIONS or its ISO 3166-2 code (GB-ENG, GB-WLS, GB-SCT, GB-NIR);
    England and Wales have separate calendars in ``holidays`` even though they mostly coincide.
    eu: region is the ISO country code of an EU/EEA state, optionally with its ISO 3166-2
    subdivision ("de-by") or with the subdivision given separately (``subdivision="by"``):
    regional holidays count where the controller acts (Reg 1182/71 Art 2(1)), e.g. 6 January
    and Corpus Christi in Bavaria. Case does not matter. Raises DeadlineError for anything else.
    """
    country, subdiv = calendar_location(jurisdiction, region, subdivision)
    return _cached_calendar(country, subdiv)


def calendar_location(
    jurisdiction: str, region: str, subdivision: str | None = None
) -> tuple[str, str | None]:
    """Validate a location: (ISO country code, ``holidays`` subdivision code or None)."""
    j = (jurisdiction or "").strip().lower()
    r = (region or "").strip().lower()
    sub = (subdivision or "").strip().upper() or None
    if r not in _UK_SUBDIVISIONS and "-" in r:
        if sub is not None:
            raise DeadlineError(f"region {region!r} already names a subdivision; give one, not both")
        r, sub = r.split("-", 1)
        sub = sub.upper()
    if j == "uk":
        if r == "gb" and sub in _UK_SUBDIVISIONS.values():
            return "GB", sub
        if r not in _UK_SUBDIVISIONS or sub is not None:
            raise DeadlineError(
                f"unknown UK region {region!r} (expected one of {', '.join(UK_REGIONS)})"
            )
        return "GB", _UK_SUBDIVISIONS[r]
    if j == "eu":
        r = _EU_ALIASES.get(r, r)
        if r not in EU_COUNTRIES:
            raise DeadlineError(
                f"unknown EU/EEA country {region!r} (expected an ISO code such as 'de' or 'de-by')"
            )
        country = r.upper()
        if sub is not None and sub not in subdivisions_of(country):
            known = ", ".join(f"{country}-{code}" for code in subdivisions_of(country))
            raise DeadlineError(
                f"unknown subdivision {country}-{sub} "
                + (f"(expected one of {known})" if known else f"({country} has none in the calendar)")
            )
        return country, sub
    raise DeadlineError(
        f"unknown jurisdiction {jurisdiction!r} (expected one of {', '.join(JURISDICTIONS)})"
    )


_ISO_SUBDIVISION = re.compile(r"[A-Z0-9]{1,3}")


@lru_cache(maxsize=64)
def subdivisions_of(country: str) -> tuple[str, ...]:
    """The ISO 3166-2 subdivision codes (without the country prefix) that have their own
    holidays in ``holidays``; its other subdivision keys (city names, school zones) are left out
    because they are not ISO codes."""
    codes = holidays.country_holidays(country).subdivisions
    return tuple(code.upper() for code in codes if _ISO_SUBDIVISION.fullmatch(code.upper()))


@lru_cache(maxsize=64)
def _cached_calendar(country: str, subdiv: str | None) -> holidays.HolidayBase:
    # Building a calendar is comparatively slow and the result only grows lazily by year,
    # so one shared instance per location is enough.
    return holidays.country_holidays(country, subdiv=subdiv)


def is_working_day(day: date, calendar) -> bool:
    """Not a Saturday, Sunday or holiday in ``calendar``."""
    return day.weekday() < 5 and day not in calendar


def next_working_day_on_or_after(day: date, calendar) -> date:
    return _roll(day, calendar, None)


def _roll(day: date, calendar, steps: list[Step] | None) -> date:
    """Move forward to a working day, recording why each skipped day does not count."""
    while not is_working_day(day, calendar):
        if steps is not None:
            name = calendar.get(day)
            if name:
                steps.append(_step("holiday", day=day, name=name))
            else:
                steps.append(_step("weekend", day=day))
        day = _next_day(day)
    return day


def _next_day(day: date) -> date:
    try:
        return day + timedelta(days=1)
    except OverflowError:
        raise DeadlineError("date out of range") from None


def add_months(start: date, months: int) -> date:
    """The corresponding date ``months`` later; the last day of the target month if that
    month is too short (31 Jan + 1 -> 28 Feb, or 29 Feb in a leap year)."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    if not date.min.year <= year <= date.max.year:
        raise DeadlineError("date out of range")
    last = _calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(start.day, last))


# --- the clock ------------------------------------------------------------------------------


def _apply_pauses(
    due: date,
    clock_start: date,
    pauses: Sequence[Pause],
    calendar,
    steps: list[Step],
) -> tuple[date, int]:
    """Move the (unrolled) due date later by the clarification days; return (date, days).

    UNVERIFIED: the exact day-counting of an Art 12A(5) UK GDPR pause (the clock stops while the
    controller waits for the answer; time already used stays used). Implemented as: every day
    from the clarification request to the answer, both inclusive, is added to the due date.
    Each pause is judged on its own, in the order asked:
    - one asked after the deadline as it then stands (rolled to a working day) cannot revive it;
    - days already paused by an earlier, overlapping pause count once; back-to-back pauses are
      separate requests, each checked for lateness;
    - days before the clock started (e.g. before an identity restart) do not count;
    - the remaining time runs again from the answer, so the reply is never due before the day
      the answer arrived (it can fall earlier when the clarification was asked on a day the
      roll past a weekend or holiday had added).
    The caller rolls the result past weekends and holidays. If the counting turns out to be
    different, change it here only.
    """
    total = 0
    paused_until: date | None = None  # last day already taken out of the clock
    for pause in sorted(pauses, key=lambda p: (p.start, p.end)):
        current_due = _roll(due, calendar, None)
        if pause.start > current_due:
            steps.append(_step("pause_late", start=pause.start, due=current_due))
            continue
        first = max(pause.start, clock_start)
        if paused_until is not None and paused_until >= first:
            first = paused_until + timedelta(days=1)
        days = max((pause.end - first).days + 1, 0)
        steps.append(_step("pause", start=pause.start, end=pause.end, n=days))
        if pause.start < clock_start:
            steps.append(_step("pause_clipped", start=clock_start))
        elif first > pause.start:
            steps.append(_step("pause_overlap", day=min(paused_until, pause.end)))
        if days == 0:
            continue
        paused_until = pause.end
        due += timedelta(days=days)
        total += days
        steps.append(_step("pause_moved", n=days, day=due))
        if due < pause.end:
            due = pause.end
            steps.append(_step("pause_answer", day=pause.end))
    return due, total


def eu_identity_clock_start(received: date, id_received: date) -> tuple[date, Step]:
    """EU: when the month starts if the controller had to ask for identity information, and
    the explanation step saying which reading is used. UNVERIFIED - the law is not settled.

    GDPR Art 12(3) counts the month "of receipt of the request" and says nothing of a restart;
    Art 12(6) lets a controller with reasonable doubts ask for information needed to confirm
    the identity. Supervisory authorities differ: some (e.g. Berlin) treat the wait as a pause,
    others as a restart; EDPB Guidelines 01/2022 on the right of access, section 5.3 (timing),
    is the place to check. Reading used here: a restart from the day the information arrives,
    as under UK GDPR Art 12A - the later of the two dates, so the tracker never calls a reply
    overdue that the restart reading would still allow. To change the reading, change only
    this function (and its explanation message).
    """
    return id_received, _step("id_received_eu", day=id_received)


def _period_end(
    start: date,
    months: int,
    pauses: Sequence[Pause],
    pauses_apply: bool,
    calendar,
    steps: list[Step],
) -> tuple[date, date, int]:
    """Corresponding date, then pauses, then roll: (due, corresponding, paused_days)."""
    corresponding = add_months(start, months)
    steps.append(_step("corresponding" if months == 1 else "corresponding_ext", day=corresponding))
    if corresponding.day != start.day:
        steps.append(_step("month_end", month=corresponding, n=start.day))
    paused_days = 0
    moved = corresponding
    if pauses_apply and pauses:
        moved, paused_days = _apply_pauses(corresponding, start, pauses, calendar, steps)
    due = _roll(moved, calendar, steps)
    return due, corresponding, paused_days


def compute_deadline(
    received: date,
    *,
    jurisdiction: str = "uk",
    region: str = "england",
    subdivision: str | None = None,
    id_received: date | None = None,
    pauses: Sequence[Pause] = (),
    extended: bool = False,
    extension_notified: date | None = None,
) -> Deadline:
    """When the reply to a request received on ``received`` is due.

    - ``region``/``subdivision``: the holiday calendar (see ``holiday_calendar``).
    - ``id_received``: identity (or authority/fee) received later restarts the month from then
      (UK: Art 12A; EU: the reading chosen in ``eu_identity_clock_start``).
    - ``pauses``: clarification pauses; UK only, and only for requests received on or after
      CLARIFICATION_PAUSE_FROM. Otherwise they are ignored and a step says why.
    - ``extended``/``extension_notified``: a two-month extension (three months from the start).
      It is valid if notified on or before the one-month due date. Giving
      ``extension_notified`` implies ``extended``. ``extended=True`` without a notification
      date is assumed to have been notified in time (the CLI's bare ``--extended`` flag).
      A late extension is flagged (``extension_invalid``) and the one-month date stands.
    """
    calendar = holiday_calendar(jurisdiction, region, subdivision)
    is_uk = jurisdiction.strip().lower() == "uk"
    if id_received is not None and id_received < received:
        raise DeadlineError("identity information cannot arrive before the request")
    for pause in pauses:
        if pause.end < pause.start:
            raise DeadlineError(f"pause ends ({pause.end}) before it starts ({pause.start})")
        if pause.start < received:
            raise DeadlineError(f"pause starts ({pause.start}) before the request was received")
    if extension_notified is not None and extension_notified < received:
        raise DeadlineError("an extension cannot be notified before the request was received")

    steps = [_step("received", day=received)]
    if not is_uk:
        steps.append(_step("eu_receipt"))
    start = received
    if id_received is not None and id_received > received:
        if is_uk:
            start = id_received
            steps.append(_step("id_received", day=id_received))
        else:
            start, step = eu_identity_clock_start(received, id_received)
            steps.append(step)

    pauses = tuple(pauses)
    pauses_apply = is_uk and received >= CLARIFICATION_PAUSE_FROM
    if pauses and not is_uk:
        steps.append(_step("pause_eu"))
    elif pauses and not pauses_apply:
        steps.append(_step("pause_pre_duaa", commencement=CLARIFICATION_PAUSE_FROM))

    one_month_steps: list[Step] = []
    due, corresponding, paused = _period_end(
        start, 1, pauses, pauses_apply, calendar, one_month_steps
    )
    extended = extended or extension_notified is not None
    valid = extended and (extension_notified is None or extension_notified <= due)
    invalid = extended and not valid

    if valid:
        steps.append(_step("one_month_due", day=due))
        if extension_notified is None:
            steps.append(_step("ext_assumed"))
        else:
            steps.append(_step("ext_valid", day=extension_notified))
        due, corresponding, paused = _period_end(start, 3, pauses, pauses_apply, calendar, steps)
    else:
        steps.extend(one_month_steps)
        if invalid:
            steps.append(_step("ext_invalid", day=extension_notified, due=due))
    steps.append(_step("due", day=due))
    return Deadline(
        due=due,
        start=start,
        corresponding=corresponding,
        steps=tuple(step.english for step in steps),
        extended=valid,
        extension_invalid=invalid,
        paused_days=paused,
        explanation=tuple(steps),
    )


# A letter posted first class is treated as delivered on the second business day after posting
# (Interpretation Act 1978 s.7, as the courts apply it in CPR 6.26).
FIRST_CLASS_POST_DAYS = 2
# Nothing fixes a delivery time for international post: letters that go abroad state their
# due date as counted from receipt and estimate it generously with this many working days.
INTERNATIONAL_POST_DAYS = 5


def deemed_receipt(
    posted: date,
    *,
    jurisdiction: str = "uk",
    region: str = "england",
    subdivision: str | None = None,
    working_days: int = FIRST_CLASS_POST_DAYS,
) -> date:
    """When a posted letter is taken to arrive: ``working_days`` working days after posting
    (the second, for first-class post within the UK)."""
    calendar = holiday_calendar(jurisdiction, region, subdivision)
    day, counted = posted, 0
    while counted < working_days:
        day = _next_day(day)
        if is_working_day(day, calendar):
            counted += 1
    return day
