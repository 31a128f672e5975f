"""The deadline explanation in the UI language: one sentence per step, dates, weekdays and months
formatted by Babel in the UI locale, plurals by ngettext, and the English wording in step with
the CLI's (dsar.deadlines._MESSAGES). Catalogs may not translate these sentences yet, so the
German and Welsh checks look at what Babel formats, not at the wording."""

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

CASES = [
    (D(2024, 11, 25), {}),  # Christmas and Boxing Day
    (D(2026, 1, 31), {}),  # month end, Saturday and Sunday
    (D(2024, 9, 3), {"jurisdiction": "eu", "region": "de"}),
    (D(2024, 11, 1), {"id_received": D(2024, 11, 10)}),
    (D(2026, 5, 5), {"pauses": [Pause(D(2026, 5, 11), D(2026, 5, 11))]}),  # one day
    (D(2026, 5, 5), {"pauses": [Pause(D(2026, 5, 11), D(2026, 5, 12))]}),  # two days
    (D(2026, 5, 5), {"pauses": [Pause(D(2026, 6, 10), D(2026, 6, 12))]}),  # too late
    (D(2026, 5, 5), {"id_received": D(2026, 5, 10), "pauses": [Pause(D(2026, 5, 6), D(2026, 5, 11))]}),
    (D(2026, 5, 5), {"id_received": D(2026, 5, 10), "pauses": [Pause(D(2026, 5, 6), D(2026, 5, 8))]}),
    (D(2026, 2, 4), {"pauses": [Pause(D(2026, 2, 10), D(2026, 2, 12))]}),  # before the DUAA
    (D(2026, 5, 5), {"jurisdiction": "eu", "region": "fr",
                     "pauses": [Pause(D(2026, 5, 11), D(2026, 5, 15))]}),
    (D(2024, 11, 25), {"extension_notified": D(2024, 12, 20)}),
    (D(2024, 11, 25), {"extension_notified": D(2024, 12, 28)}),
    (D(2023, 11, 30), {"extended": True}),
]


@pytest.fixture
def in_locale(app):
    """Run ``fn`` inside a request context with the UI locale forced."""

    def run(locale: str, fn):
        with app.test_request_context("/"), force_locale(locale):
            return fn()

    return run


def _english_ui(cli_sentence: str) -> str:
    """What the CLI sentence reads like on an en_GB page: Babel's medium dates have no weekday
    (and CLDR abbreviates September "Sept" in British English), and "day(s)" is a real plural."""
    text = re.sub(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?=\d{1,2} \w{3} \d{4})", "", cli_sentence)
    text = re.sub(r"\b(\d{1,2}) Sep (\d{4})", r"\1 Sept \2", text)
    text = re.sub(r"\b1 day\(s\) do not", "1 day does not", text)
    text = re.sub(r"\b1 day\(s\)", "1 day", text)
    return text.replace("day(s)", "days")


def test_every_message_has_a_ui_sentence():
    assert set(_SENTENCES) == set(deadlines._MESSAGES)
    seen = {s.key for received, kwargs in CASES for s in compute_deadline(received, **kwargs).explanation}
    assert seen == set(deadlines._MESSAGES), "the cases below should cover every message"


@pytest.mark.parametrize(("received", "kwargs"), CASES)
def test_english_ui_sentences_match_the_cli_wording(in_locale, received, kwargs):
    result = compute_deadline(received, **kwargs)
    shown = in_locale("en_GB", lambda: explain_steps(result))
    assert len(shown) == len(result.steps)
    assert shown == [_english_ui(s) for s in result.steps]


def test_christmas_in_british_english(in_locale):
    shown = in_locale("en_GB", lambda: explain_steps(compute_deadline(D(2024, 11, 25))))
    assert shown == [
        "received 25 Nov 2024",
        "corresponding date 25 Dec 2024",
        "25 Dec 2024 is Christmas Day",
        "26 Dec 2024 is Boxing Day",
        "due 27 Dec 2024",
    ]


def test_german_dates_weekdays_and_months(in_locale):
    result = compute_deadline(D(2026, 1, 31))
    shown = in_locale("de", lambda: explain_steps(result))
    assert len(shown) == len(result.steps)
    assert "31.01.2026" in shown[0]
    assert any("Februar 2026" in s and "31" in s for s in shown)
    assert any("28.02.2026" in s and "Samstag" in s for s in shown)
    assert any("01.03.2026" in s and "Sonntag" in s for s in shown)
    assert "02.03.2026" in shown[-1]
    assert not any(word in " ".join(shown) for word in ("Saturday", "Sunday", "February", "Feb 2026"))


def test_welsh_dates_weekdays_and_months(in_locale):
    result = compute_deadline(D(2026, 1, 31))
    shown = in_locale("cy", lambda: " ".join(explain_steps(result)))
    assert "Chwefror 2026" in shown and "Dydd Sadwrn" in shown and "Dydd Sul" in shown
    assert "Saturday" not in shown


def test_holiday_names_are_passed_through(in_locale):
    result = compute_deadline(D(2024, 9, 3), jurisdiction="eu", region="de")
    shown = in_locale("de", lambda: explain_steps(result))
    assert any("03.10.2024" in s and "German Unity Day" in s for s in shown)


@pytest.mark.parametrize(("end", "days", "pause", "moved"), [
    (D(2026, 5, 11), 1, "1 day does not count", "moves 1 day later to 6 Jun 2026"),
    (D(2026, 5, 12), 2, "2 days do not count", "moves 2 days later to 7 Jun 2026"),
])
def test_plural_days(in_locale, end, days, pause, moved):
    result = compute_deadline(D(2026, 5, 5), pauses=[Pause(D(2026, 5, 11), end)])
    assert result.paused_days == days
    shown = in_locale("en_GB", lambda: explain_steps(result))
    assert f"clarification from 11 May 2026 to {end.day} May 2026: {pause}" in shown
    assert f"the date {moved}" in shown


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


def test_request_page_shows_the_explanation_in_the_ui_language(client, clock, make_tracked):
    tracked = make_tracked()
    record(client, tracked, "sent", "2026-09-01", channel="letter")
    # Posted Tue 1 Sep 2026: deemed received Thu 3 Sep; 3 Oct is a Saturday, due Mon 5 Oct.
    html = client.get(tracked.url).get_data(as_text=True)
    for sentence in ("received 3 Sept 2026", "3 Oct 2026 is a Saturday", "due 5 Oct 2026"):
        assert f"<li>{sentence}</li>" in html
    assert "Thu 3 Sep 2026" not in html

    client.post("/language", data={"lang": "de", "next": "/", "csrf_token": csrf_token(html)})
    html = client.get(tracked.url).get_data(as_text=True)
    steps = re.search(r'<ol class="list-number steps">(.*?)</ol>', html, re.S).group(1)
    assert steps.count("<li>") == 5
    assert "03.09.2026" in steps and "03.10.2026" in steps and "Samstag" in steps
    assert "05.10.2026" in steps and "Saturday" not in steps
