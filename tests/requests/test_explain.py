"""The deadline explanation in the UI language: one sentence per step, dates, weekdays and months
formatted by Babel in the UI locale (British English: "3 Sept 2024", no weekday), plurals by
ngettext, and German and Welsh from the catalogs. Every expected line is written out."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask_babel import force_locale

from dsar import deadlines
from dsar.deadlines import Pause, Step, compute_deadline
from dsar.requests.explain import _SENTENCES, explain_step, explain_steps
from tests.conftest import csrf_token
from tests.requests.conftest import record

D = date

# (received, options, the steps as an en_GB page shows them). Together they use every message.
CASES = [
    (D(2024, 11, 25), {}, [  # Christmas and Boxing Day
        "received 25 Nov 2024",
        "corresponding date 25 Dec 2024",
        "25 Dec 2024 is Christmas Day",
        "26 Dec 2024 is Boxing Day",
        "due 27 Dec 2024",
    ]),
    (D(2026, 1, 31), {}, [  # month end, Saturday and Sunday
        "received 31 Jan 2026",
        "corresponding date 28 Feb 2026",
        "February 2026 has no day 31, so the last day of that month counts",
        "28 Feb 2026 is a Saturday",
        "1 Mar 2026 is a Sunday",
        "due 2 Mar 2026",
    ]),
    (D(2024, 9, 3), {"jurisdiction": "eu", "region": "de"}, [
        "received 3 Sept 2024",
        "the day of receipt is not counted; the month ends on the same date next month",
        "corresponding date 3 Oct 2024",
        "3 Oct 2024 is German Unity Day",
        "due 4 Oct 2024",
    ]),
    (D(2024, 11, 1), {"id_received": D(2024, 11, 10)}, [
        "received 1 Nov 2024",
        "identity information received 10 Nov 2024: the month starts again from that day",
        "corresponding date 10 Dec 2024",
        "due 10 Dec 2024",
    ]),
    (D(2026, 5, 5), {"pauses": [Pause(D(2026, 5, 11), D(2026, 5, 11))]}, [  # one day
        "received 5 May 2026",
        "corresponding date 5 Jun 2026",
        "clarification from 11 May 2026 to 11 May 2026: 1 day does not count",
        "the date moves 1 day later to 6 Jun 2026",
        "6 Jun 2026 is a Saturday",
        "7 Jun 2026 is a Sunday",
        "due 8 Jun 2026",
    ]),
    (D(2026, 5, 5), {"pauses": [Pause(D(2026, 5, 11), D(2026, 5, 12))]}, [  # two days
        "received 5 May 2026",
        "corresponding date 5 Jun 2026",
        "clarification from 11 May 2026 to 12 May 2026: 2 days do not count",
        "the date moves 2 days later to 7 Jun 2026",
        "7 Jun 2026 is a Sunday",
        "due 8 Jun 2026",
    ]),
    (D(2026, 5, 5), {"pauses": [Pause(D(2026, 6, 10), D(2026, 6, 12))]}, [  # asked too late
        "received 5 May 2026",
        "corresponding date 5 Jun 2026",
        "clarification asked 10 Jun 2026, after the deadline 5 Jun 2026: it does not pause",
        "due 5 Jun 2026",
    ]),
    (D(2026, 5, 5), {"id_received": D(2026, 5, 10), "pauses": [Pause(D(2026, 5, 6), D(2026, 5, 11))]}, [
        "received 5 May 2026",
        "identity information received 10 May 2026: the month starts again from that day",
        "corresponding date 10 Jun 2026",
        "clarification from 6 May 2026 to 11 May 2026: 2 days do not count",
        "clarification days before the clock started (10 May 2026) do not count",
        "the date moves 2 days later to 12 Jun 2026",
        "due 12 Jun 2026",
    ]),
    (D(2026, 5, 5), {"id_received": D(2026, 5, 10), "pauses": [Pause(D(2026, 5, 6), D(2026, 5, 8))]}, [
        "received 5 May 2026",
        "identity information received 10 May 2026: the month starts again from that day",
        "corresponding date 10 Jun 2026",
        "clarification from 6 May 2026 to 8 May 2026: 0 days do not count",
        "clarification days before the clock started (10 May 2026) do not count",
        "due 10 Jun 2026",
    ]),
    (D(2026, 2, 4), {"pauses": [Pause(D(2026, 2, 10), D(2026, 2, 12))]}, [  # before the DUAA
        "received 4 Feb 2026",
        "the request was received before 5 Feb 2026, so the clock is not paused for clarification"
        " (pre-DUAA rules)",
        "corresponding date 4 Mar 2026",
        "due 4 Mar 2026",
    ]),
    (D(2026, 5, 5), {"pauses": [Pause(D(2026, 5, 11), D(2026, 5, 13)),
                                Pause(D(2026, 5, 12), D(2026, 5, 15))]}, [  # overlapping
        "received 5 May 2026",
        "corresponding date 5 Jun 2026",
        "clarification from 11 May 2026 to 13 May 2026: 3 days do not count",
        "the date moves 3 days later to 8 Jun 2026",
        "clarification from 12 May 2026 to 15 May 2026: 2 days do not count",
        "days up to 13 May 2026 were already paused by an earlier clarification: they count once",
        "the date moves 2 days later to 10 Jun 2026",
        "due 10 Jun 2026",
    ]),
    (D(2026, 2, 14), {"pauses": [Pause(D(2026, 3, 16), D(2026, 3, 20))]}, [  # answer after due
        "received 14 Feb 2026",
        "corresponding date 14 Mar 2026",
        "clarification from 16 Mar 2026 to 20 Mar 2026: 5 days do not count",
        "the date moves 5 days later to 19 Mar 2026",
        "the answer arrived 20 Mar 2026: the reply cannot be due before that day",
        "due 20 Mar 2026",
    ]),
    (D(2026, 6, 1), {"jurisdiction": "eu", "region": "de", "id_received": D(2026, 6, 3)}, [
        "received 1 Jun 2026",
        "the day of receipt is not counted; the month ends on the same date next month",
        "identity information received 3 Jun 2026: the month is taken to start again from that day"
        " (unsettled in the EU: some authorities treat the wait only as a pause)",
        "corresponding date 3 Jul 2026",
        "due 3 Jul 2026",
    ]),
    (D(2026, 5, 5), {"jurisdiction": "eu", "region": "fr",
                     "pauses": [Pause(D(2026, 5, 11), D(2026, 5, 15))]}, [
        "received 5 May 2026",
        "the day of receipt is not counted; the month ends on the same date next month",
        "the clarification pause is a UK rule (Art 12A); it does not apply in the EU",
        "corresponding date 5 Jun 2026",
        "due 5 Jun 2026",
    ]),
    (D(2024, 11, 25), {"extension_notified": D(2024, 12, 20)}, [
        "received 25 Nov 2024",
        "without an extension the reply would be due 27 Dec 2024",
        "extension notified 20 Dec 2024, within the first month: valid",
        "extended: corresponding date three months after the start is 25 Feb 2025",
        "due 25 Feb 2025",
    ]),
    (D(2024, 11, 25), {"extension_notified": D(2024, 12, 28)}, [
        "received 25 Nov 2024",
        "corresponding date 25 Dec 2024",
        "25 Dec 2024 is Christmas Day",
        "26 Dec 2024 is Boxing Day",
        "extension notified 28 Dec 2024, after the first month ended 27 Dec 2024: not valid,"
        " the one-month deadline stands",
        "due 27 Dec 2024",
    ]),
    (D(2023, 11, 30), {"extended": True}, [
        "received 30 Nov 2023",
        "without an extension the reply would be due 2 Jan 2024",
        "extension applied; no notification date given, assumed told in time",
        "extended: corresponding date three months after the start is 29 Feb 2024",
        "February 2024 has no day 30, so the last day of that month counts",
        "due 29 Feb 2024",
    ]),
]


@pytest.fixture
def in_locale(app):
    """Run ``fn`` inside a request context with the UI locale forced."""

    def run(locale: str, fn):
        with app.test_request_context("/"), force_locale(locale):
            return fn()

    return run


def test_every_message_has_a_ui_sentence():
    assert set(_SENTENCES) == set(deadlines._MESSAGES)
    seen = {s.key for received, kwargs, _shown in CASES
            for s in compute_deadline(received, **kwargs).explanation}
    assert seen == set(deadlines._MESSAGES), "the cases above should cover every message"


@pytest.mark.parametrize(("received", "kwargs", "expected"), CASES)
def test_english_ui_sentences(in_locale, received, kwargs, expected):
    assert in_locale("en_GB", lambda: explain_steps(compute_deadline(received, **kwargs))) == expected


def test_german_dates_weekdays_and_months(in_locale):
    assert in_locale("de", lambda: explain_steps(compute_deadline(D(2026, 1, 31)))) == [
        "Eingegangen am 31.01.2026",
        "Entsprechender Kalendertag: 28.02.2026",
        "Februar 2026 hat keinen 31. Tag, daher zählt der letzte Tag dieses Monats",
        "28.02.2026 ist ein Samstag",
        "01.03.2026 ist ein Sonntag",
        "Fällig am 02.03.2026",
    ]


def test_welsh_dates_weekdays_and_months(in_locale):
    assert in_locale("cy", lambda: explain_steps(compute_deadline(D(2026, 1, 31)))) == [
        "derbyniwyd ar 31 Ion 2026",
        "y dyddiad cyfatebol yw 28 Chwef 2026",
        "nid oes diwrnod 31 ym mis Chwefror 2026, felly diwrnod olaf y mis hwnnw sy'n cyfrif",
        "Dydd Sadwrn yw 28 Chwef 2026",
        "Dydd Sul yw 1 Maw 2026",
        "yn ddyledus ar 2 Maw 2026",
    ]


def test_holiday_names_are_passed_through(in_locale):
    result = compute_deadline(D(2024, 9, 3), jurisdiction="eu", region="de")
    assert "03.10.2024 ist ein Feiertag (German Unity Day)" in in_locale("de", lambda: explain_steps(result))


def test_zero_days_is_plural(in_locale):
    step = Step("pause", (("start", D(2026, 5, 6)), ("end", D(2026, 5, 8)), ("n", 0)))
    assert in_locale("en_GB", lambda: explain_step(step)) == (
        "clarification from 6 May 2026 to 8 May 2026: 0 days do not count"
    )


def test_unknown_key_falls_back_to_english_and_no_deadline_to_nothing(in_locale, monkeypatch):
    monkeypatch.setitem(deadlines._MESSAGES, "brand_new", "something new on {day}")
    step = Step("brand_new", (("day", D(2024, 12, 25)),))
    assert in_locale("de", lambda: explain_step(step)) == "something new on Wed 25 Dec 2024"
    assert in_locale("de", lambda: explain_steps(None)) == []


def _steps_on(page_html: str) -> list[str]:
    steps = re.search(r'<ol class="list-number steps">(.*?)</ol>', page_html, re.S)
    assert steps, "the page shows no deadline steps"
    return [item.strip() for item in re.findall(r"<li>(.*?)</li>", steps.group(1), re.S)]


def test_request_page_shows_the_explanation_in_the_ui_language(client, clock, make_tracked):
    tracked = make_tracked()
    record(client, tracked, "sent", "2026-09-01", channel="letter")
    # Posted Tue 1 Sep 2026: deemed received Thu 3 Sep; 3 Oct is a Saturday, due Mon 5 Oct.
    html = client.get(tracked.url).get_data(as_text=True)
    assert _steps_on(html) == [
        "received 3 Sept 2026",
        "corresponding date 3 Oct 2026",
        "3 Oct 2026 is a Saturday",
        "4 Oct 2026 is a Sunday",
        "due 5 Oct 2026",
    ]
    client.post("/language", data={"lang": "de", "next": "/", "csrf_token": csrf_token(html)})
    assert _steps_on(client.get(tracked.url).get_data(as_text=True)) == [
        "Eingegangen am 03.09.2026",
        "Entsprechender Kalendertag: 03.10.2026",
        "03.10.2026 ist ein Samstag",
        "04.10.2026 ist ein Sonntag",
        "Fällig am 05.10.2026",
    ]
