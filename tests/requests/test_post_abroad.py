"""A request posted abroad: the tracker counts the same delivery time as the letter states."""

from datetime import date

from dsar.letters.compose import received_date
from dsar.requests.status import EventValue, derive, post_days_for
from tests.conftest import SCHUFA


def test_post_days_follow_the_border():
    assert post_days_for({"country": "gb"}, {"country": "gb"}) == 2
    assert post_days_for({"country": "gb"}, {"country": "de"}) == 5
    assert post_days_for({}, {"country": "de"}) == 5  # no country stored: a UK address
    assert post_days_for({"country": "de"}, {"country": "de"}) == 2


def test_the_tracker_and_the_letter_agree_on_receipt_abroad(make_request, make_person):
    # Posted in the UK on Monday 2 November 2026 to SCHUFA in Cologne: five working days.
    request = make_request(jurisdiction="eu", recipient=SCHUFA, person=make_person(country="gb"),
                           today=date(2026, 11, 2))
    assert received_date(request) == date(2026, 11, 9)
    events = [EventValue("sent", date(2026, 11, 2), {"channel": "letter"}, 1)]
    state = derive(events, today=date(2026, 11, 10), jurisdiction="eu", region="de",
                   post_days=post_days_for({"country": "gb"}, {"country": "de"}))
    assert (state.receipt, state.due) == (date(2026, 11, 9), date(2026, 12, 9))
    home = derive(events, today=date(2026, 11, 10), jurisdiction="eu", region="de")
    assert home.receipt == date(2026, 11, 4)  # two working days: what the tracker said before
