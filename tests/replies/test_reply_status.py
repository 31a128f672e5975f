"""The reply checklist in the status (pure): reply_checked events make a reply complete or
partial, consistently with response_received's own completeness; and the Data Rights
Protocol's name (plus the GDPR extensions) for every status."""

from __future__ import annotations

import pytest

from dsar.requests.status import (
    DRP_EXTENSIONS,
    DRP_STATUSES,
    EVENT_KINDS,
    STATUSES,
    outstanding_codes,
    reply_completeness,
)
from tests.requests.test_status import CREATED, POSTED, ev, state

ACCESS_MARKS = dict.fromkeys(("confirmation", "copy", "a", "b", "c", "d", "e", "f", "g", "h",
                              "transfers"), "answered")


def checked(day: str, id: int | None = None, **changes):
    return ev("reply_checked", day, id=id, marks={**ACCESS_MARKS, **changes})


INTAKE = ev("response_received", "2026-09-28", files=["f1"], source="reply")


def test_reply_checked_is_an_event_kind():
    assert "reply_checked" in EVENT_KINDS


def test_a_reply_taken_in_is_unjudged_until_checked():
    s = state([CREATED, POSTED, INTAKE], "2026-09-30")
    assert (s.status, s.outcome, s.days_left, s.group) == ("response_received", "", 5, "waiting")
    assert s.drp.status == "in_progress"


def test_the_checklist_makes_the_reply_partial_or_complete():
    partial = state([CREATED, POSTED, INTAKE, checked("2026-09-30", c="missing", h="partly")], "2026-10-10")
    assert (partial.outcome, partial.overdue, partial.days_left, partial.group) == ("partial", True, -5,
                                                                                    "overdue")
    complete = state([CREATED, POSTED, INTAKE, checked("2026-09-30", transfers="not_applicable")],
                     "2026-10-10")
    assert (complete.outcome, complete.overdue, complete.days_left, complete.group) == (
        "complete", False, None, "done")


def test_a_checklist_with_unmarked_items_and_nothing_missing_changes_nothing():
    half = ev("reply_checked", "2026-09-30", marks={**ACCESS_MARKS, "h": None})
    assert state([CREATED, POSTED, INTAKE, half], "2026-09-30").outcome == ""
    said = ev("response_received", "2026-09-28", completeness="partial")
    assert state([CREATED, POSTED, said, half], "2026-09-30").outcome == "partial"


def test_the_later_of_the_two_sources_wins():
    said_complete = ev("response_received", "2026-09-28", completeness="complete")
    missing_c = checked("2026-09-29", c="missing")
    assert state([CREATED, POSTED, said_complete, missing_c], "2026-09-30").outcome == "partial"
    another_reply = ev("response_received", "2026-10-01", completeness="complete")
    assert state([CREATED, POSTED, said_complete, missing_c, another_reply], "2026-10-02").outcome == (
        "complete")


def test_the_latest_checklist_in_effect_counts():
    events = [CREATED, POSTED, INTAKE, checked("2026-09-29", id=10, c="missing"),
              checked("2026-09-30", id=11)]
    assert state(events, "2026-09-30").outcome == "complete"
    retracted = [*events, ev("retracted", "2026-09-30", id=12, supersedes=11)]
    assert state(retracted, "2026-09-30").outcome == "partial"


def test_a_checklist_before_any_reply_or_after_a_refusal_changes_nothing():
    assert state([CREATED, POSTED, checked("2026-09-20", c="missing")], "2026-09-21").status == "sent"
    refused = state([CREATED, POSTED, ev("refused", "2026-09-20"), checked("2026-09-21", c="missing")],
                    "2026-09-22")
    assert (refused.status, refused.outcome) == ("refused", "")


def test_checking_the_reply_after_complaining_about_it_still_counts():
    events = [CREATED, POSTED, INTAKE, ev("complaint_to_controller", "2026-10-05", channel="email"),
              checked("2026-10-06", c="missing")]
    s = state(events, "2026-10-07")
    assert (s.status, s.outcome, s.overdue) == ("escalated_organisation", "partial", True)


def test_completeness_and_outstanding_items_from_a_snapshot():
    assert reply_completeness({"marks": {"c": "missing", "h": None}}) == "partial"
    assert reply_completeness({"marks": {"c": "answered", "h": "not_applicable"}}) == "complete"
    assert reply_completeness({"marks": {"c": "answered", "h": None}}) is None
    assert reply_completeness({"marks": "nonsense"}) is None
    assert outstanding_codes({"marks": {"c": "missing", "h": "partly", "a": "answered"}}) == ("c", "h")


# --- the Data Rights Protocol's name for every status ----------------------------------

SCENARIOS = {
    "draft": ([CREATED], "2026-09-01", None),
    "sent": ([CREATED, POSTED], "2026-09-10", "open"),
    "sent, acknowledged": ([CREATED, POSTED, ev("acknowledged", "2026-09-05")], "2026-09-10", "in_progress"),
    "awaiting_identity": ([CREATED, POSTED, ev("id_requested", "2026-09-05")], "2026-09-10", "in_progress"),
    "awaiting_clarification": ([CREATED, POSTED, ev("clarification_requested", "2026-09-05")],
                               "2026-09-10", "in_progress"),
    "extended": ([CREATED, POSTED, ev("extended", "2026-09-20")], "2026-10-10", "extended"),
    "overdue": ([CREATED, POSTED], "2026-10-10", "overdue"),
    "response_received, unjudged": ([CREATED, POSTED, INTAKE], "2026-09-30", "in_progress"),
    "response_received, complete": ([CREATED, POSTED, INTAKE, checked("2026-09-30")], "2026-10-01",
                                    "fulfilled"),
    "response_received, partial": ([CREATED, POSTED, INTAKE, checked("2026-09-30", c="missing")],
                                   "2026-10-01", "partial"),
    "refused": ([CREATED, POSTED, ev("refused", "2026-09-20")], "2026-09-21", "denied"),
    "escalated_organisation": ([CREATED, POSTED, ev("complaint_to_controller", "2026-10-05")],
                               "2026-10-06", "escalated"),
    "escalated_regulator": ([CREATED, POSTED, ev("complaint_to_regulator", "2026-10-05")],
                            "2026-10-06", "escalated"),
    "closed, fulfilled": ([CREATED, POSTED, ev("closed", "2026-10-01", outcome="fulfilled")],
                          "2026-10-02", "fulfilled"),
    "closed, withdrawn": ([CREATED, POSTED, ev("withdrawn", "2026-09-10")], "2026-09-11", "revoked"),
    "closed, abandoned": ([CREATED, POSTED, ev("closed", "2026-10-01", outcome="abandoned")],
                          "2026-10-02", "closed"),
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_drp_status_of_every_status(scenario):
    events, today, expected = SCENARIOS[scenario]
    s = state(events, today)
    assert s.status == scenario.split(",")[0]
    assert s.drp_status == expected
    assert expected is None or expected in DRP_STATUSES + DRP_EXTENSIONS


def test_every_status_and_every_extension_is_covered():
    assert {name.split(",")[0] for name in SCENARIOS} == set(STATUSES)
    assert {SCENARIOS[name][2] for name in SCENARIOS} >= set(DRP_EXTENSIONS)
