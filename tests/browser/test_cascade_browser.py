"""The recipient cascade in real headless Chromium: the reply's lines are pasted and two
recipients picked from them, matched to the directory (one found, one typed by hand) and
written to in one step; the original's page then shows the two new access requests under it,
each with the date its letter asks a reply by. axe-core checks every page, in English and Welsh."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from dsar.requests.models import DataRequest, Event
from tests.requests.conftest import make_tracked  # noqa: F401 - fixture

pytestmark = pytest.mark.browser

REPLY = "We disclosed your data to:\nBarclays Bank UK PLC\nLender X Finance\nKind regards"


def _sent_request(live_app, make_tracked) -> tuple[str, str]:  # noqa: F811 - the fixture
    """A request to Experian written and posted on 1 September 2026."""
    tracked = make_tracked(today=date(2026, 9, 1))
    with live_app.app_context():
        session = live_app.extensions["dsar_sessions"]()
        req = session.scalar(select(DataRequest).where(DataRequest.public_id == tracked.public_id))
        session.add(Event(request_id=req.id, kind="sent", occurred_on=date(2026, 9, 1),
                          data={"channel": "letter"}))
        session.commit()
        session.close()
    return tracked.token, tracked.public_id


def test_two_recipients_from_the_reply_become_two_access_requests(page, live_app, live_server, audit,
                                                                  make_tracked):  # noqa: F811
    live_app.config["DSAR_TODAY"] = date(2026, 9, 20)  # posted 1 Sep; the reply came
    token, public_id = _sent_request(live_app, make_tracked)
    page.goto(f"{live_server}/w/{token}/r/{public_id}")
    audit.check()
    page.get_by_role("link", name="Record what their reply says").click()
    audit.check()
    page.get_by_label("The reply's text").fill(REPLY)
    page.get_by_role("button", name="Show its lines").click()
    audit.check(welsh=False)  # a page shown in answer to a POST
    page.get_by_label("Barclays Bank UK PLC").check()
    page.get_by_label("Lender X Finance").check()
    page.get_by_role("button", name="Add the ticked lines to the recipients").click()
    audit.check(welsh=False)
    assert page.get_by_label("Recipients: who they shared your data with").input_value() == (
        "Barclays Bank UK PLC\nLender X Finance")
    page.get_by_role("button", name="Save", exact=True).click()
    assert page.get_by_text("Saved: You recorded what their reply says").is_visible()
    audit.check()

    recipients = page.get_by_role("group", name="Recipients you have not written to yet")
    assert recipients.get_by_label("Barclays Bank UK PLC").is_checked()
    assert recipients.get_by_label("Lender X Finance").is_checked()
    page.get_by_role("button", name="Look them up in the directory").click()
    audit.check()
    lender = page.get_by_role("group", name="Lender X Finance")
    assert lender.get_by_text("Not in our directory: enter its postal address.").is_visible()
    lender.get_by_label("Postal address").fill("1 High Street\nLeeds\nLS1 1AA")
    assert page.get_by_role("group", name="Barclays Bank UK PLC").get_by_label("Barclays PLC").is_checked()
    assert page.get_by_label("Get a copy of all the data they hold about me").is_checked()
    page.get_by_role("button", name="Write the letters").click()
    audit.check()

    tree = page.locator("ul.cascade-tree")
    assert tree.locator("li").count() == 2
    for name in ("Barclays PLC", "Lender X Finance"):
        item = tree.locator("li", has=page.get_by_role("link", name=name, exact=True))
        assert item.get_by_text("Not sent yet").is_visible()
        assert item.get_by_text("Reply due by 22 October 2026, as the letter says").is_visible()
    tree.get_by_role("link", name="Lender X Finance", exact=True).click()
    audit.check()
    assert page.get_by_role("heading", name="Lender X Finance", level=1).is_visible()
    assert page.get_by_text("Written because Experian Ltd named them as a recipient:").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename.endswith("-access.pdf")
