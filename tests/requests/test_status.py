"""derive(): status, due date and days left from event sequences (pure, no app, no database)."""

from __future__ import annotations

from datetime import date

import pytest

from dsar.requests.status import (
    COMPLAINT_ACK_DAYS,
    EventValue,
    derive,
    effective_events,
)

UK = {"jurisdiction": "uk", "region": "england"}
DE = {"jurisdiction": "eu", "region": "de"}


def ev(kind: str, day: str, id: int | None = None, supersedes: int | None = None, **data) -> EventValue:
    return EventValue(kind, date.fromisoformat(day), data, id=id, supersedes=supersedes)


def state(events, today: str, calendar=UK):
    numbered = [e if e.id is not None else EventValue(e.kind, e.occurred_on, e.data, i + 1, e.supersedes)
                for i, e in enumerate(events)]
    return derive(numbered, today=date.fromisoformat(today), **calendar)


CREATED = ev("created", "2026-09-01")
POSTED = ev("sent", "2026-09-01", channel="letter")


def test_draft_has_no_clock():
    s = state([CREATED], "2026-09-01")
    assert (s.status, s.due, s.days_left, s.deadline) == ("draft", None, None, None)
    assert s.drp.status is None  # DRP has no name for an unsubmitted request
    assert s.group == "to_send"


def test_posted_letter_counts_from_deemed_receipt_as_an_assumption():
    s = state([CREATED, POSTED], "2026-09-10")
    # Tue 1 Sep posted -> received Thu 3 Sep (second working day) -> 3 Oct is a Saturday -> Mon 5 Oct
    assert s.receipt == date(2026, 9, 3) and s.receipt_assumed
    assert (s.status, s.due, s.days_left) == ("sent", date(2026, 10, 5), 25)
    assert s.drp.status == "open"


def test_delivery_date_replaces_the_assumption():
    s = state([CREATED, POSTED, ev("delivered", "2026-09-07")], "2026-09-10")
    assert s.receipt == date(2026, 9, 7) and not s.receipt_assumed
    assert s.due == date(2026, 10, 7)


@pytest.mark.parametrize("channel", ["email", "webform"])
def test_email_and_web_forms_count_from_the_day_sent(channel):
    s = state([CREATED, ev("sent", "2026-09-03", channel=channel)], "2026-09-03")
    assert s.receipt == date(2026, 9, 3) and not s.receipt_assumed
    assert s.due == date(2026, 10, 5)


def test_overdue_the_day_after_the_due_date():
    assert state([CREATED, POSTED], "2026-10-05").status == "sent"
    assert state([CREATED, POSTED], "2026-10-05").days_left == 0
    s = state([CREATED, POSTED], "2026-10-06")
    assert (s.status, s.days_left, s.overdue, s.group) == ("overdue", -1, True, "overdue")


def test_identity_request_stops_the_clock_and_restarts_the_month():
    events = [CREATED, POSTED, ev("id_requested", "2026-09-10")]
    s = state(events, "2026-09-20")
    assert (s.status, s.due, s.days_left) == ("awaiting_identity", None, None)
    assert (s.drp.status, s.drp.reason) == ("in_progress", "need_user_verification")
    s = state(events + [ev("id_provided", "2026-09-14", channel="email")], "2026-09-20")
    assert (s.status, s.due) == ("sent", date(2026, 10, 14))


def test_identity_sent_by_post_counts_from_its_deemed_receipt():
    events = [CREATED, POSTED, ev("id_requested", "2026-09-10"),
              ev("id_provided", "2026-09-14", channel="letter")]
    assert state(events, "2026-09-20").due == date(2026, 10, 16)  # received Wed 16 Sep


def test_clarification_pauses_the_clock():
    events = [CREATED, POSTED, ev("clarification_requested", "2026-09-10")]
    waiting = state(events, "2026-09-12")
    assert waiting.status == "awaiting_clarification"
    # Paused up to today (3 days so far, both ends inclusive): the date moves as days pass.
    assert waiting.due == date(2026, 10, 6)
    answered = state(events + [ev("clarification_provided", "2026-09-14")], "2026-09-20")
    assert answered.status == "sent"
    assert answered.deadline.paused_days == 5 and answered.due == date(2026, 10, 8)


def test_clarification_does_not_pause_in_the_eu():
    events = [CREATED, ev("sent", "2026-09-01", channel="email"),
              ev("clarification_requested", "2026-09-10"), ev("clarification_provided", "2026-09-14")]
    s = state(events, "2026-09-20", DE)
    assert s.due == date(2026, 10, 1) and s.deadline.paused_days == 0


def test_valid_extension_moves_the_date_three_months_from_the_start():
    events = [CREATED, POSTED, ev("extended", "2026-09-30", reasons="complex")]
    s = state(events, "2026-10-20")
    assert (s.status, s.due, s.extension_invalid) == ("extended", date(2026, 12, 3), False)
    assert s.drp.status == "in_progress"


def test_late_extension_is_flagged_and_ignored():
    events = [CREATED, POSTED, ev("extended", "2026-10-06")]
    s = state(events, "2026-10-07")
    assert s.extension_invalid and s.due == date(2026, 10, 5)
    assert s.status == "overdue"


def test_complete_response_settles_the_request():
    events = [CREATED, POSTED, ev("response_received", "2026-10-20", completeness="complete")]
    s = state(events, "2026-11-01")
    assert (s.status, s.outcome, s.overdue, s.days_left) == ("response_received", "complete", False, None)
    assert s.drp.status == "fulfilled" and s.group == "done"


def test_partial_response_keeps_the_deadline_running():
    events = [CREATED, POSTED, ev("response_received", "2026-09-20", completeness="partial")]
    s = state(events, "2026-10-10")
    assert (s.status, s.outcome, s.overdue, s.days_left) == ("response_received", "partial", True, -5)
    assert s.drp.status == "in_progress"


def test_refusal_is_denied_in_drp():
    s = state([CREATED, POSTED, ev("refused", "2026-09-20")], "2026-12-01")
    assert (s.status, s.overdue, s.drp.status) == ("refused", False, "denied")


def test_complaint_to_the_organisation_starts_the_s164a_clock():
    events = [CREATED, POSTED, ev("complaint_to_controller", "2026-10-12", channel="email")]
    s = state(events, "2026-10-20")
    assert s.status == "escalated_organisation"
    assert s.complaint_ack_due == date(2026, 11, 10)  # 30 days beginning with 12 Oct
    assert (date(2026, 11, 10) - date(2026, 10, 12)).days == COMPLAINT_ACK_DAYS
    assert not s.complaint_ack_late
    late = state(events, "2026-11-11")
    assert late.complaint_ack_late and late.group == "overdue"
    assert late.drp.status == "open"  # the request itself was never acknowledged
    acknowledged = state(events + [ev("complaint_acknowledged", "2026-11-02")], "2026-11-11")
    assert acknowledged.complaint_acknowledged and not acknowledged.complaint_ack_late


def test_posted_complaint_is_received_two_working_days_later():
    events = [CREATED, POSTED, ev("complaint_to_controller", "2026-10-12", channel="letter")]
    assert state(events, "2026-10-20").complaint_ack_due == date(2026, 11, 12)


def test_no_s164a_clock_before_it_was_in_force_or_in_the_eu():
    old = [ev("created", "2026-03-02"), ev("sent", "2026-03-02", channel="email"),
           ev("complaint_to_controller", "2026-05-01", channel="email")]
    assert state(old, "2026-06-01").complaint_ack_due is None
    eu = [CREATED, ev("sent", "2026-09-01", channel="email"),
          ev("complaint_to_controller", "2026-10-12", channel="email")]
    assert state(eu, "2026-11-20", DE).complaint_ack_due is None


def test_regulator_escalation_and_the_ico_three_months():
    events = [CREATED, POSTED, ev("reminder_sent", "2026-10-12", channel="letter"),
              ev("complaint_to_regulator", "2026-11-20")]
    s = state(events, "2026-11-21")
    assert s.status == "escalated_regulator" and s.overdue
    assert s.last_contact == date(2026, 10, 12) and s.regulator_by == date(2027, 1, 12)
    assert s.group == "done"


@pytest.mark.parametrize(("closing", "status", "outcome", "drp"), [
    (ev("closed", "2026-10-01", outcome="fulfilled"), "closed", "fulfilled", "fulfilled"),
    (ev("closed", "2026-10-01", outcome="abandoned"), "closed", "abandoned", "expired"),
    (ev("withdrawn", "2026-10-01"), "closed", "withdrawn", "revoked"),
])
def test_closing(closing, status, outcome, drp):
    s = state([CREATED, POSTED, closing, ev("response_received", "2026-10-02")], "2026-12-01")
    # Closing is final: a later entry stays in the log but changes nothing.
    assert (s.status, s.outcome, s.drp.status, s.overdue, s.days_left) == (
        status, outcome, drp, False, None)


def test_a_correction_supersedes_the_original_entry():
    events = [ev("created", "2026-09-01", id=1), ev("sent", "2026-09-01", id=2, channel="letter"),
              ev("sent", "2026-09-04", id=3, supersedes=2, channel="email")]
    s = state(events, "2026-09-10")
    assert [e.id for e in s.events] == [1, 3]
    assert (s.sent_on, s.channel, s.receipt, s.due) == (
        date(2026, 9, 4), "email", date(2026, 9, 4), date(2026, 10, 5))


def test_a_retraction_removes_the_entry_and_itself():
    events = [ev("created", "2026-09-01", id=1), ev("sent", "2026-09-01", id=2, channel="letter"),
              ev("refused", "2026-09-10", id=3), ev("retracted", "2026-09-11", id=4, supersedes=3)]
    assert [e.id for e in effective_events(events)] == [1, 2]
    assert state(events, "2026-09-12").status == "sent"


def test_events_are_ordered_by_date_not_by_recording():
    events = [ev("created", "2026-09-01", id=1), ev("response_received", "2026-09-20", id=3),
              ev("sent", "2026-09-02", id=2, channel="email")]
    s = state(events, "2026-09-21")
    assert [e.kind for e in s.events] == ["created", "sent", "response_received"]
    assert s.status == "response_received"


def test_odd_logs_never_raise():
    # Dates before the request was received are clamped rather than crashing the page.
    events = [CREATED, ev("sent", "2026-09-05", channel="email"), ev("delivered", "2026-09-02"),
              ev("extended", "2026-09-01"), ev("clarification_requested", "2026-09-03"),
              ev("clarification_provided", "2026-09-02")]
    s = state(events, "2026-09-10")
    assert s.receipt == date(2026, 9, 5) and s.due is not None


def test_what_needs_doing_groups():
    due_soon = state([CREATED, ev("sent", "2026-09-01", channel="email")], "2026-09-24")
    assert due_soon.days_left == 7 and due_soon.group == "due_soon"
    waiting = state([CREATED, ev("sent", "2026-09-01", channel="email")], "2026-09-23")
    assert waiting.days_left == 8
    assert waiting.group == "waiting"


def test_available_actions_follow_the_state():
    from dsar.requests.tracking import available_actions

    assert available_actions(state([CREATED], "2026-09-01")) == ("sent", "withdrawn")
    sent = available_actions(state([CREATED, POSTED], "2026-09-10"))
    assert sent[0] == "response_received" and "delivered" in sent and "sent" not in sent
    asked = available_actions(state([CREATED, POSTED, ev("id_requested", "2026-09-05")], "2026-09-10"))
    assert asked[0] == "id_provided"
    complaint = state([CREATED, POSTED, ev("complaint_to_controller", "2026-10-12", channel="email")],
                      "2026-10-20")
    assert available_actions(complaint)[0] == "complaint_acknowledged"
    done = state([CREATED, POSTED, ev("response_received", "2026-09-20", completeness="complete")],
                 "2026-10-20")
    assert available_actions(done)[0] == "closed"
    closed = state([CREATED, POSTED, ev("withdrawn", "2026-09-20")], "2026-10-20")
    assert available_actions(closed) == ()


def test_an_incomplete_reply_after_the_deadline_needs_doing():
    s = state([CREATED, POSTED, ev("response_received", "2026-09-20", completeness="partial")], "2026-10-10")
    assert s.group == "overdue"
