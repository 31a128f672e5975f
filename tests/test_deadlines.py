"""The legal clock (UK GDPR Arts 12(3) and 12A with the ICO's right-of-access guidance; GDPR
Art 12(3) with Regulation 1182/71). Every expected date is written out; nothing depends on today."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsar import deadlines
from dsar.deadlines import (
    CLARIFICATION_PAUSE_FROM,
    JURISDICTIONS,
    UK_REGIONS,
    Deadline,
    DeadlineError,
    Pause,
    Step,
    add_months,
    compute_deadline,
    deemed_receipt,
    eu_identity_clock_start,
    holiday_calendar,
    is_working_day,
    next_working_day_on_or_after,
)

D = date


# --- ICO worked examples ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2024, 1, 1), D(2024, 2, 1)),  # received on a bank holiday: the day still counts
        (D(2024, 11, 25), D(2024, 12, 27)),  # 25 and 26 Dec are bank holidays
        (D(2023, 1, 31), D(2023, 2, 28)),  # no 31 Feb: last day of February
        (D(2024, 1, 31), D(2024, 2, 29)),  # leap year
        (D(2021, 1, 31), D(2021, 3, 1)),  # 28 Feb 2021 is a Sunday -> Monday
        (D(2026, 1, 31), D(2026, 3, 2)),  # 28 Feb 2026 is a Saturday -> Monday
        (D(2024, 9, 3), D(2024, 10, 3)),
        (D(2024, 3, 31), D(2024, 4, 30)),
    ],
)
def test_ico_worked_examples(received, due):
    assert compute_deadline(received).due == due


def test_christmas_example_explains_every_step():
    result = compute_deadline(D(2024, 11, 25))
    assert result.steps == (
        "received Mon 25 Nov 2024",
        "corresponding date Wed 25 Dec 2024",
        "Wed 25 Dec 2024 is Christmas Day",
        "Thu 26 Dec 2024 is Boxing Day",
        "due Fri 27 Dec 2024",
    )
    assert result.start == D(2024, 11, 25)
    assert result.corresponding == D(2024, 12, 25)
    assert (result.extended, result.extension_invalid, result.paused_days) == (False, False, 0)


def test_month_end_and_weekend_are_explained():
    result = compute_deadline(D(2026, 1, 31))
    assert result.corresponding == D(2026, 2, 28)
    assert "February 2026 has no day 31, so the last day of that month counts" in result.steps
    assert "Sat 28 Feb 2026 is a Saturday" in result.steps
    assert "Sun 1 Mar 2026 is a Sunday" in result.steps
    assert result.steps[-1] == "due Mon 2 Mar 2026"


def test_receipt_on_a_weekend_still_counts():
    assert compute_deadline(D(2024, 11, 30)).due == D(2024, 12, 30)


# --- UK nations ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "region", "due"),
    [
        (D(2024, 12, 2), "england", D(2025, 1, 2)),
        (D(2024, 12, 2), "scotland", D(2025, 1, 3)),  # 2 January is a Scottish bank holiday
        (D(2023, 10, 30), "england", D(2023, 11, 30)),
        (D(2023, 10, 30), "scotland", D(2023, 12, 1)),  # St Andrew's Day
        (D(2025, 2, 17), "england", D(2025, 3, 17)),
        (D(2025, 2, 17), "northern-ireland", D(2025, 3, 18)),  # St Patrick's Day
        (D(2023, 6, 12), "northern-ireland", D(2023, 7, 13)),  # Battle of the Boyne
        (D(2024, 7, 5), "england", D(2024, 8, 5)),
        (D(2024, 7, 5), "scotland", D(2024, 8, 6)),  # Scottish summer holiday: first Monday
        (D(2024, 7, 26), "scotland", D(2024, 8, 26)),
        (D(2024, 7, 26), "wales", D(2024, 8, 27)),  # E&W summer holiday: last Monday
        (D(2024, 3, 1), "england", D(2024, 4, 2)),  # Easter Monday
        (D(2024, 3, 1), "scotland", D(2024, 4, 1)),  # not a bank holiday in Scotland
    ],
)
def test_uk_nations_have_their_own_bank_holidays(received, region, due):
    assert compute_deadline(received, region=region).due == due


def test_holiday_name_is_explained():
    steps = compute_deadline(D(2023, 10, 30), region="scotland").steps
    assert "Thu 30 Nov 2023 is Saint Andrew's Day" in steps


# --- EU --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "country", "due"),
    [
        (D(2024, 9, 3), "de", D(2024, 10, 4)),  # German Unity Day, 3 October
        (D(2024, 9, 3), "fr", D(2024, 10, 3)),
        (D(2025, 6, 14), "fr", D(2025, 7, 15)),  # Bastille Day, 14 July
        (D(2025, 6, 14), "de", D(2025, 7, 14)),
        (D(2024, 11, 25), "de", D(2024, 12, 27)),
        (D(2024, 1, 31), "ie", D(2024, 2, 29)),
        (D(2024, 4, 1), "no", D(2024, 5, 2)),  # EEA: Norway, 1 May is a holiday anyway
        (D(2024, 4, 17), "no", D(2024, 5, 21)),  # 17 May Constitution Day (Fri) -> Tue
    ],
)
def test_eu_same_calendar_date_rolled_past_national_holidays(received, country, due):
    assert compute_deadline(received, jurisdiction="eu", region=country).due == due


def test_eu_explains_that_the_receipt_day_is_not_counted():
    steps = compute_deadline(D(2024, 9, 3), jurisdiction="eu", region="de").steps
    assert any("not counted" in s for s in steps)
    assert "Thu 3 Oct 2024 is German Unity Day" in steps


def test_greece_accepts_both_codes():
    gr = compute_deadline(D(2024, 2, 25), jurisdiction="eu", region="gr")
    el = compute_deadline(D(2024, 2, 25), jurisdiction="eu", region="el")
    assert gr.due == el.due


# --- identity restarts the month ---------------------------------------------------------------


def test_identity_information_restarts_the_month():
    result = compute_deadline(D(2024, 11, 1), id_received=D(2024, 11, 10))
    assert result.start == D(2024, 11, 10)
    assert result.due == D(2024, 12, 10)
    assert "identity information received Sun 10 Nov 2024" in result.steps[1]


def test_identity_on_the_same_day_changes_nothing():
    result = compute_deadline(D(2024, 11, 25), id_received=D(2024, 11, 25))
    assert result == compute_deadline(D(2024, 11, 25))


def test_eu_identity_reading_is_a_restart_and_says_it_is_unsettled():
    result = compute_deadline(
        D(2026, 6, 1), jurisdiction="eu", region="de", id_received=D(2026, 6, 3)
    )
    assert result.start == D(2026, 6, 3)
    assert result.due == D(2026, 7, 3)
    assert result.steps[2] == (
        "identity information received Wed 3 Jun 2026: the month is taken to start again from "
        "that day (unsettled in the EU: some authorities treat the wait only as a pause)"
    )


def test_eu_identity_rule_lives_in_one_function_marked_unverified():
    start, step = eu_identity_clock_start(D(2026, 6, 1), D(2026, 6, 3))
    assert (start, step.key) == (D(2026, 6, 3), "id_received_eu")
    doc = eu_identity_clock_start.__doc__
    for mark in ("UNVERIFIED", "Art 12(3)", "Art 12(6)", "Guidelines 01/2022", "5.3"):
        assert mark in doc
    assert "UNVERIFIED" in deadlines._apply_pauses.__doc__


# --- clarification pauses ----------------------------------------------------------------------


def test_pause_moves_the_due_date_after_commencement():
    result = compute_deadline(D(2026, 5, 5), pauses=[Pause(D(2026, 5, 11), D(2026, 5, 15))])
    assert result.paused_days == 5
    assert result.due == D(2026, 6, 10)  # 5 June + 5 days
    assert result.corresponding == D(2026, 6, 5)


def test_pause_on_commencement_day_then_rolls_past_weekend():
    assert compute_deadline(D(2026, 2, 5)).due == D(2026, 3, 5)
    result = compute_deadline(
        CLARIFICATION_PAUSE_FROM, pauses=[Pause(D(2026, 2, 10), D(2026, 2, 12))]
    )
    assert result.paused_days == 3
    assert result.due == D(2026, 3, 9)  # 8 March 2026 is a Sunday


def test_no_pause_for_requests_received_before_commencement():
    result = compute_deadline(D(2026, 2, 4), pauses=[Pause(D(2026, 2, 10), D(2026, 2, 12))])
    assert result.due == D(2026, 3, 4)
    assert result.paused_days == 0
    assert any("before Thu 5 Feb 2026" in s for s in result.steps)


def test_no_pause_in_the_eu():
    result = compute_deadline(
        D(2026, 5, 5),
        jurisdiction="eu",
        region="fr",
        pauses=[Pause(D(2026, 5, 11), D(2026, 5, 15))],
    )
    assert result.due == D(2026, 6, 5)
    assert result.paused_days == 0
    assert any("does not apply in the EU" in s for s in result.steps)


def test_overlapping_pauses_count_each_day_once():
    pauses = [Pause(D(2026, 5, 11), D(2026, 5, 13)), Pause(D(2026, 5, 12), D(2026, 5, 15))]
    assert compute_deadline(D(2026, 5, 5), pauses=pauses).paused_days == 5


def test_clarification_after_the_deadline_does_not_revive_it():
    result = compute_deadline(D(2026, 5, 5), pauses=[Pause(D(2026, 6, 10), D(2026, 6, 12))])
    assert result.due == D(2026, 6, 5)
    assert result.paused_days == 0


def test_pause_days_before_the_id_restart_do_not_count():
    result = compute_deadline(
        D(2026, 5, 5),
        id_received=D(2026, 5, 10),
        pauses=[Pause(D(2026, 5, 6), D(2026, 5, 11))],
    )
    assert result.paused_days == 2  # 10 and 11 May only
    assert result.due == D(2026, 6, 12)


# Each pause is judged on its own: one asked after the deadline (as the earlier pauses left it)
# cannot revive it, even when it follows the previous answer the next day.
@pytest.mark.parametrize(
    "second",
    [Pause(D(2026, 3, 17), D(2026, 3, 19)), Pause(D(2026, 3, 18), D(2026, 3, 19))],
)
def test_back_to_back_pause_after_the_deadline_does_not_revive_it(second):
    # 14 Mar 2026 is a Saturday: due Mon 16 Mar; a one-day pause on 16 Mar keeps it there.
    result = compute_deadline(D(2026, 2, 14), pauses=[Pause(D(2026, 3, 16), D(2026, 3, 16)), second])
    assert result.due == D(2026, 3, 16)
    assert result.paused_days == 1
    assert [s.key for s in result.explanation if s.key.startswith("pause")] == [
        "pause", "pause_moved", "pause_answer", "pause_late",
    ]
    assert Step("pause_late", (("start", second.start), ("due", D(2026, 3, 16)))) in result.explanation


def test_back_to_back_pauses_in_time_each_count():
    pauses = [Pause(D(2026, 5, 11), D(2026, 5, 12)), Pause(D(2026, 5, 13), D(2026, 5, 15))]
    result = compute_deadline(D(2026, 5, 5), pauses=pauses)
    assert result.paused_days == 5
    assert result.due == D(2026, 6, 10)
    assert "clarification from Mon 11 May 2026 to Tue 12 May 2026: 2 day(s) do not count" in result.steps
    assert "clarification from Wed 13 May 2026 to Fri 15 May 2026: 3 day(s) do not count" in result.steps


def test_overlapping_pause_says_which_days_were_already_paused():
    pauses = [Pause(D(2026, 5, 11), D(2026, 5, 13)), Pause(D(2026, 5, 12), D(2026, 5, 15))]
    result = compute_deadline(D(2026, 5, 5), pauses=pauses)
    assert result.due == D(2026, 6, 10)
    assert "clarification from Tue 12 May 2026 to Fri 15 May 2026: 2 day(s) do not count" in result.steps
    assert (
        "days up to Wed 13 May 2026 were already paused by an earlier clarification: "
        "they count once"
    ) in result.steps


def test_a_pause_inside_an_earlier_one_adds_nothing():
    pauses = [Pause(D(2026, 5, 11), D(2026, 5, 15)), Pause(D(2026, 5, 12), D(2026, 5, 13))]
    result = compute_deadline(D(2026, 5, 5), pauses=pauses)
    assert result.paused_days == 5
    assert result.due == D(2026, 6, 10)


@pytest.mark.parametrize(
    ("answered", "due"),
    [
        (D(2026, 3, 20), D(2026, 3, 20)),  # 16 Mar + 5 days would be Thu 19 Mar
        (D(2026, 3, 21), D(2026, 3, 23)),  # answered on a Saturday: rolled to Monday
        (D(2026, 3, 17), D(2026, 3, 17)),
    ],
)
def test_reply_is_never_due_before_the_answer_arrived(answered, due):
    # Asked on Mon 16 Mar, the last day only because 14 Mar was a Saturday: the time left had
    # run out, so the clock restarts with nothing left and the reply is due when the answer comes.
    result = compute_deadline(D(2026, 2, 14), pauses=[Pause(D(2026, 3, 16), answered)])
    assert result.due == due
    assert Step("pause_answer", (("day", answered),)) in result.explanation


def test_answer_floor_does_not_apply_when_time_was_left():
    # Asked on the unrolled last day (Sat 14 Mar): one day is left after the answer.
    result = compute_deadline(D(2026, 2, 14), pauses=[Pause(D(2026, 3, 14), D(2026, 3, 18))])
    assert result.due == D(2026, 3, 19)
    assert all(step.key != "pause_answer" for step in result.explanation)


# --- extension ---------------------------------------------------------------------------------


def test_valid_extension_is_three_months_from_start():
    result = compute_deadline(D(2024, 11, 25), extended=True, extension_notified=D(2024, 12, 20))
    assert result.extended and not result.extension_invalid
    assert result.due == D(2025, 2, 25)
    assert result.corresponding == D(2025, 2, 25)
    assert "without an extension the reply would be due Fri 27 Dec 2024" in result.steps


def test_extension_notified_on_the_last_day_of_the_first_month_is_valid():
    result = compute_deadline(D(2024, 11, 25), extension_notified=D(2024, 12, 27))
    assert result.extended and result.due == D(2025, 2, 25)


def test_late_extension_is_flagged_and_not_applied():
    result = compute_deadline(D(2024, 11, 25), extended=True, extension_notified=D(2024, 12, 28))
    assert result.extension_invalid and not result.extended
    assert result.due == D(2024, 12, 27)
    assert any("not valid" in s for s in result.steps)


def test_extension_without_a_date_is_assumed_in_time():
    result = compute_deadline(D(2023, 11, 30), extended=True)
    assert result.extended
    assert result.due == D(2024, 2, 29)  # month-end rule over three months


def test_extension_then_pause_then_roll():
    result = compute_deadline(
        D(2026, 5, 5), extended=True, pauses=[Pause(D(2026, 7, 1), D(2026, 7, 3))]
    )
    # 5 Aug 2026 + 3 days = Sat 8 Aug -> Mon 10 Aug; the pause lies after the one-month date
    # but inside the extended period, so it counts.
    assert result.paused_days == 3
    assert result.due == D(2026, 8, 10)



# --- the explanation as data (for translated explanations) -------------------------------------

EXPLAINED_CASES = [
    (D(2024, 11, 25), {}),
    (D(2026, 1, 31), {}),
    (D(2023, 10, 30), {"region": "scotland"}),
    (D(2024, 9, 3), {"jurisdiction": "eu", "region": "de"}),
    (D(2024, 11, 1), {"id_received": D(2024, 11, 10)}),
    (D(2026, 5, 5), {"pauses": [Pause(D(2026, 5, 11), D(2026, 5, 15))]}),
    (D(2026, 5, 5), {"pauses": [Pause(D(2026, 6, 10), D(2026, 6, 12))]}),
    (D(2026, 5, 5), {"id_received": D(2026, 5, 10), "pauses": [Pause(D(2026, 5, 6), D(2026, 5, 11))]}),
    (D(2026, 2, 4), {"pauses": [Pause(D(2026, 2, 10), D(2026, 2, 12))]}),
    (D(2026, 5, 5), {"jurisdiction": "eu", "region": "fr",
                     "pauses": [Pause(D(2026, 5, 11), D(2026, 5, 15))]}),
    (D(2024, 11, 25), {"extension_notified": D(2024, 12, 20)}),
    (D(2024, 11, 25), {"extension_notified": D(2024, 12, 28)}),
    (D(2023, 11, 30), {"extended": True}),
]


@pytest.mark.parametrize(("received", "kwargs"), EXPLAINED_CASES)
def test_explanation_is_the_steps_as_data(received, kwargs):
    result = compute_deadline(received, **kwargs)
    assert len(result.explanation) == len(result.steps)
    assert all(isinstance(step, Step) for step in result.explanation)
    assert tuple(step.english for step in result.explanation) == result.steps
    assert result.explanation[0].key == "received"
    assert result.explanation[-1].key == "due"
    assert result.explanation[-1].as_dict() == {"day": result.due}
    hash(result)  # frozen all the way down


def test_explanation_keeps_raw_values():
    result = compute_deadline(D(2024, 11, 25))
    assert [step.key for step in result.explanation] == [
        "received", "corresponding", "holiday", "holiday", "due",
    ]
    assert result.explanation[2] == Step("holiday", (("day", D(2024, 12, 25)), ("name", "Christmas Day")))
    month_end = compute_deadline(D(2026, 1, 31)).explanation
    assert Step("month_end", (("month", D(2026, 2, 28)), ("n", 31))) in month_end
    assert Step("weekend", (("day", D(2026, 2, 28)),)) in month_end
    paused = compute_deadline(D(2026, 5, 5), pauses=[Pause(D(2026, 5, 11), D(2026, 5, 15))])
    assert Step("pause_moved", (("n", 5), ("day", D(2026, 6, 10)))) in paused.explanation


def test_deadline_can_still_be_built_without_an_explanation():
    built = Deadline(due=D(2024, 12, 27), start=D(2024, 11, 25), corresponding=D(2024, 12, 25),
                     steps=("due Fri 27 Dec 2024",), extended=False, extension_invalid=False,
                     paused_days=0)
    assert built.explanation == ()


# --- deemed receipt ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("posted", "region", "received"),
    [
        (D(2024, 12, 19), "england", D(2024, 12, 23)),  # Thu -> Fri, Mon
        (D(2024, 12, 23), "england", D(2024, 12, 27)),  # skips Christmas and Boxing Day
        (D(2024, 5, 3), "england", D(2024, 5, 8)),  # Friday before the May bank holiday
        (D(2024, 12, 31), "england", D(2025, 1, 3)),
        (D(2024, 12, 31), "scotland", D(2025, 1, 6)),  # 1 and 2 January
    ],
)
def test_deemed_receipt_second_working_day_after_posting(posted, region, received):
    assert deemed_receipt(posted, region=region) == received


# --- building blocks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2024, 12, 15), 1, D(2025, 1, 15)),
        (D(2023, 11, 30), 3, D(2024, 2, 29)),
        (D(2024, 5, 31), 0, D(2024, 5, 31)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_working_days():
    cal = holiday_calendar("uk", "england")
    assert not is_working_day(D(2024, 12, 25), cal)
    assert not is_working_day(D(2024, 12, 28), cal)
    assert is_working_day(D(2024, 12, 27), cal)
    assert next_working_day_on_or_after(D(2024, 12, 25), cal) == D(2024, 12, 27)
    assert next_working_day_on_or_after(D(2024, 12, 27), cal) == D(2024, 12, 27)


# --- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("jurisdiction", "region"),
    [
        ("us", "england"),
        ("uk", "ireland"),
        ("uk", "de"),
        ("eu", "scotland"),
        ("eu", "gb"),
        ("eu", "ch"),
        ("eu", ""),
    ],
)
def test_unknown_jurisdiction_or_region(jurisdiction, region):
    with pytest.raises(DeadlineError):
        compute_deadline(D(2024, 1, 1), jurisdiction=jurisdiction, region=region)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"id_received": D(2024, 1, 1)},
        {"pauses": [Pause(D(2026, 5, 10), D(2026, 5, 9))]},
        {"pauses": [Pause(D(2024, 1, 1), D(2024, 1, 3))]},
        {"extended": True, "extension_notified": D(2024, 1, 1)},
    ],
)
def test_impossible_input(kwargs):
    with pytest.raises(DeadlineError):
        compute_deadline(D(2024, 2, 1), **kwargs)


def test_deadline_error_is_a_value_error():
    assert issubclass(DeadlineError, ValueError)
    assert JURISDICTIONS == ("uk", "eu")
    assert UK_REGIONS == ("england", "wales", "scotland", "northern-ireland")


# --- properties over many dates ----------------------------------------------------------------

LOCATIONS = [("uk", r) for r in UK_REGIONS] + [("eu", c) for c in ("de", "fr", "ie", "pl")]
dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2040, 12, 31))
locations = st.sampled_from(LOCATIONS)


@settings(max_examples=300, deadline=None)
@given(received=dates, location=locations)
def test_due_is_a_working_day_on_or_after_the_corresponding_date(received, location):
    jurisdiction, region = location
    result = compute_deadline(received, jurisdiction=jurisdiction, region=region)
    assert is_working_day(result.due, holiday_calendar(jurisdiction, region))
    assert _months_between(received, result.corresponding) == 1
    assert result.corresponding <= result.due <= result.corresponding + timedelta(days=10)
    assert result.steps[-1].startswith("due ")


@settings(max_examples=300, deadline=None)
@given(a=dates, b=dates, location=locations)
def test_due_is_monotonic_in_the_received_date(a, b, location):
    jurisdiction, region = location
    a, b = sorted((a, b))
    due_a = compute_deadline(a, jurisdiction=jurisdiction, region=region).due
    due_b = compute_deadline(b, jurisdiction=jurisdiction, region=region).due
    assert due_a <= due_b


@settings(max_examples=200, deadline=None)
@given(
    received=st.dates(min_value=CLARIFICATION_PAUSE_FROM, max_value=D(2040, 12, 31)),
    offset=st.integers(0, 40),
    length=st.integers(0, 20),
    region=st.sampled_from(UK_REGIONS),
)
def test_a_pause_never_brings_the_deadline_forward(received, offset, length, region):
    start = received + timedelta(days=offset)
    pause = Pause(start, start + timedelta(days=length))
    plain = compute_deadline(received, region=region)
    paused = compute_deadline(received, region=region, pauses=[pause])
    assert paused.due >= plain.due
    assert is_working_day(paused.due, holiday_calendar("uk", region))
    if pause.start <= plain.due:  # asked in time: the reply is never due before the answer
        assert paused.due >= pause.end


@settings(max_examples=200, deadline=None)
@given(received=dates, location=locations)
def test_an_extension_never_brings_the_deadline_forward(received, location):
    jurisdiction, region = location
    plain = compute_deadline(received, jurisdiction=jurisdiction, region=region)
    longer = compute_deadline(received, jurisdiction=jurisdiction, region=region, extended=True)
    assert longer.extended and longer.due > plain.due
    assert _months_between(received, longer.corresponding) == 3


def _months_between(start: date, corresponding: date) -> int:
    """How many calendar months later ``corresponding`` is, checking it is the same day of the
    month or - only when that month is too short - that month's last day."""
    if corresponding.day != start.day:
        assert corresponding.day < start.day
        assert (corresponding + timedelta(days=1)).day == 1, f"{corresponding} is not a month end"
    return (corresponding.year - start.year) * 12 + corresponding.month - start.month
