"""The scorecard's figures as open data (pure): one JSON document, or CSV with one row per
figure. A withheld figure is null (JSON) or empty (CSV) with the reason beside it; the same
suppression as the pages (results.suppress). Text from people (the campaign's title, an
organisation's name) cannot start a spreadsheet formula: such a cell gets a leading quote."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import date

from dsar.campaigns.results import NOT_GIVEN, PRIMARY, THRESHOLD, Line, Results

# Published name → the counted figure it is (results.count_line).
COUNTS = (
    ("letters_sent", "sent"), ("replies", "replies"), ("replied_on_time", "on_time"),
    ("replied_late", "late"), ("no_reply", "no_reply"), ("no_reply_overdue", "overdue"),
    ("no_reply_not_yet_due", "waiting"), ("refusals", "refused"),
    ("complaints_to_organisation", "to_controller"), ("complaints_to_regulator", "to_regulator"),
)
NOTES = {
    PRIMARY: f"fewer than {THRESHOLD} people",
    "withheld": f"withheld so that a figure from fewer than {THRESHOLD} people cannot be worked out",
}
ABOUT = (
    "One letter is one participant's request to one organisation. A reply is the organisation's "
    "answer or refusal; on time means by the legal due date, including any extension. Days to "
    "reply count from the day the organisation received the request. Checklist figures count "
    f"the replies that participants checked. A figure from fewer than {THRESHOLD} people is null, "
    "and so is any figure from which one could be worked out; organisations that fewer than "
    f"{THRESHOLD} letters went to are left out of the figures for all organisations together."
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def figures(line: Line, results: Results) -> tuple[dict, dict]:
    """(published name → value or None, published name → why it is withheld)."""
    values: dict = {}
    withheld: dict = {}

    def put(name: str, value, mark: str) -> None:
        values[name] = value
        if value is None:
            withheld[name] = NOTES.get(mark or PRIMARY, NOTES[PRIMARY])

    for name, counted in COUNTS:
        put(name, line.value(counted), line.mark(counted))
    for reason in results.reasons:
        put(f"refusals_{'reason_not_given' if reason == NOT_GIVEN else 'reason_' + reason}",
            line.value(f"refused:{reason}"), line.mark(f"refused:{reason}"))
    put("median_days_to_reply", line.median_days, PRIMARY)
    for code in results.items:
        for mark in ("checked", "answered", "partly", "missing"):
            counted = f"item:{code}:{mark}"
            put(f"checklist_{code}_{mark}", line.value(counted), line.mark(counted))
        put(f"checklist_{code}_share_answered_percent",
            line.share(f"item:{code}:answered", f"item:{code}:checked"), PRIMARY)
    return values, withheld


def document(results: Results, names: Mapping[str, str], *, title: str, slug: str, today: date) -> dict:
    organisations = []
    for line in results.lines:
        values, withheld = figures(line, results)
        organisations.append({"organisation": line.key, "name": names.get(line.key, line.key),
                              "figures": values, "withheld": withheld})
    values, withheld = figures(results.overall, results)
    return {
        "campaign": {"slug": slug, "title": title}, "as_of": today.isoformat(),
        "about": ABOUT, "threshold": THRESHOLD, "organisations": organisations,
        "all_organisations": {"organisations_left_out": results.left_out, "figures": values,
                              "withheld": withheld},
    }


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_text(data: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("campaign", "as_of", "organisation", "organisation_name", "figure", "value", "note"))
    title, day = data["campaign"]["title"], data["as_of"]
    blocks = [(o["organisation"], o["name"], o) for o in data["organisations"]]
    blocks.append(("", "all organisations shown", data["all_organisations"]))
    for key, name, block in blocks:
        for figure, value in block["figures"].items():
            writer.writerow([safe_cell(cell) for cell in (
                title, day, key, name, figure, value, block["withheld"].get(figure, ""))])
    return out.getvalue()
