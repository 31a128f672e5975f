"""How a deadline was worked out, in the reader's language (the web page's explanation).

``dsar.deadlines`` stays free of Flask: it records each step as a ``Step`` (a message key and
raw values) next to its English sentence for the CLI. Here the same sentences are written as
gettext messages with named placeholders, so they reach the UI catalogs (domain "messages"),
and dates, weekdays and months are formatted by Babel in the UI locale. Holiday names are
shown as the ``holidays`` package gives them.

Keep the wording here in step with ``deadlines._MESSAGES`` (tests/requests/test_explain.py
checks that the English matches).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask_babel import format_date, ngettext
from flask_babel import gettext as _

from dsar.deadlines import Deadline, Step

__all__ = ["explain_step", "explain_steps"]


def _day(value: date) -> str:
    return format_date(value, format="medium")


def _weekday(value: date) -> str:
    return format_date(value, format="EEEE")


def _month(value: date) -> str:
    # Stand-alone month name and year ("February 2026", "Februar 2026", "Chwefror 2026").
    return format_date(value, format="LLLL y")


# One entry per deadlines._MESSAGES key; each gets the step's values as a dict.
_SENTENCES: dict[str, Callable[[dict], str]] = {
    "received": lambda v: _("received %(day)s", day=_day(v["day"])),
    "eu_receipt": lambda v: _(
        "the day of receipt is not counted; the month ends on the same date next month"
    ),
    "id_received": lambda v: _(
        "identity information received %(day)s: the month starts again from that day",
        day=_day(v["day"]),
    ),
    "id_received_eu": lambda v: _(
        "identity information received %(day)s: the month is taken to start again from that day "
        "(unsettled in the EU: some authorities treat the wait only as a pause)",
        day=_day(v["day"]),
    ),
    "corresponding": lambda v: _("corresponding date %(day)s", day=_day(v["day"])),
    "corresponding_ext": lambda v: _(
        "extended: corresponding date three months after the start is %(day)s", day=_day(v["day"])
    ),
    # Translators: %(month)s is a month and year ("February 2026"); %(n)s is a day of the month.
    "month_end": lambda v: _(
        "%(month)s has no day %(n)s, so the last day of that month counts",
        month=_month(v["month"]), n=v["n"],
    ),
    # Translators: %(name)s is the name of a public holiday, possibly in English.
    "holiday": lambda v: _("%(day)s is %(name)s", day=_day(v["day"]), name=v["name"]),
    # Translators: %(weekday)s is "Saturday" or "Sunday".
    "weekend": lambda v: _("%(day)s is a %(weekday)s", day=_day(v["day"]), weekday=_weekday(v["day"])),
    "due": lambda v: _("due %(day)s", day=_day(v["day"])),
    "pause": lambda v: ngettext(
        "clarification from %(start)s to %(end)s: %(num)d day does not count",
        "clarification from %(start)s to %(end)s: %(num)d days do not count",
        v["n"], start=_day(v["start"]), end=_day(v["end"]),
    ),
    "pause_clipped": lambda v: _(
        "clarification days before the clock started (%(start)s) do not count", start=_day(v["start"])
    ),
    "pause_late": lambda v: _(
        "clarification asked %(start)s, after the deadline %(due)s: it does not pause",
        start=_day(v["start"]), due=_day(v["due"]),
    ),
    "pause_overlap": lambda v: _(
        "days up to %(day)s were already paused by an earlier clarification: they count once",
        day=_day(v["day"]),
    ),
    "pause_answer": lambda v: _(
        "the answer arrived %(day)s: the reply cannot be due before that day", day=_day(v["day"])
    ),
    "pause_moved": lambda v: ngettext(
        "the date moves %(num)d day later to %(day)s",
        "the date moves %(num)d days later to %(day)s",
        v["n"], day=_day(v["day"]),
    ),
    "pause_eu": lambda v: _(
        "the clarification pause is a UK rule (Art 12A); it does not apply in the EU"
    ),
    "pause_pre_duaa": lambda v: _(
        "the request was received before %(commencement)s, so the clock is not paused "
        "for clarification (pre-DUAA rules)",
        commencement=_day(v["commencement"]),
    ),
    "one_month_due": lambda v: _(
        "without an extension the reply would be due %(day)s", day=_day(v["day"])
    ),
    "ext_assumed": lambda v: _(
        "extension applied; no notification date given, assumed told in time"
    ),
    "ext_valid": lambda v: _(
        "extension notified %(day)s, within the first month: valid", day=_day(v["day"])
    ),
    "ext_invalid": lambda v: _(
        "extension notified %(day)s, after the first month ended %(due)s: not valid, "
        "the one-month deadline stands",
        day=_day(v["day"]), due=_day(v["due"]),
    ),
}


def explain_step(step: Step) -> str:
    """One step in the UI language; a key without a sentence here falls back to the English."""
    sentence = _SENTENCES.get(step.key)
    if sentence is None:
        return step.english
    return sentence(step.as_dict())


def explain_steps(deadline: Deadline | None) -> list[str]:
    """How ``deadline`` was worked out, one sentence per step (``Deadline.explanation``), in
    the current UI locale. Needs an app context (a request context on the web)."""
    if deadline is None:
        return []
    return [explain_step(step) for step in deadline.explanation]
