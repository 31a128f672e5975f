"""The recipient cascade through the web pages, with real CSRF tokens and a real database:
what the reply said, matching its recipients to the directory, new requests in one step,
the tree under the original, and the Art 19 letter read back from its PDF."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from dsar.letters.inputs import recipient_to_dict
from dsar.requests.models import DataRequest, Event
from dsar.requests.services import create_request, find_workspace
from tests.conftest import EXPERIAN, csrf_token
from tests.requests.conftest import PERSON, submit


def _session(app):
    return app.extensions["dsar_sessions"]()


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(data)).pages)


def _record_facts(client, tracked, **fields):
    values = {"recipients": "", "sources": "", "categories": "", "scores": "", "action": "save"}
    return submit(client, f"{tracked.url}/facts", {**values, **fields})


def _children(app, tracked) -> list[DataRequest]:
    with app.app_context():
        session = _session(app)
        parent = session.scalar(select(DataRequest).where(DataRequest.public_id == tracked.public_id))
        children = list(session.scalars(select(DataRequest).where(DataRequest.parent_id == parent.id)
                                        .order_by(DataRequest.id)))
        for child in children:
            child.events  # noqa: B018 - loaded before the session closes
        session.expunge_all()
        session.close()
    return children


def test_recipients_are_recorded_and_picked_from_the_reply_lines(client, clock, make_tracked):
    tracked = make_tracked()
    reply = "We shared your data with:\nBarclays Bank UK PLC\n\nLender X Finance\nYours sincerely"
    page = submit(client, f"{tracked.url}/facts", {"reply_text": reply, "action": "lines"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'name="line" type="checkbox" value="Lender X Finance"' in html
    picked = client.post(f"{tracked.url}/facts", data={
        "csrf_token": csrf_token(html), "reply_text": reply, "action": "pick",
        "recipients": "Barclays Bank UK PLC", "line": ["Barclays Bank UK PLC", "Lender X Finance"]})
    assert re.search(r'<textarea[^>]*id="recipients"[^>]*>Barclays Bank UK PLC\nLender X Finance</textarea>',
                     picked.get_data(as_text=True))
    saved = _record_facts(client, tracked, recipients="Barclays Bank UK PLC\nLender X Finance",
                          scores="Credit score: 620 (1 September 2026)")
    assert saved.status_code == 302 and saved.headers["Location"].endswith("recorded=facts_recorded#cascade")
    html = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Saved: You recorded what their reply says" in html
    assert "<li>Credit score: 620 (1 September 2026)</li>" in html
    # Both recipients are offered for the cascade, ticked.
    assert 'name="name" type="checkbox" value="Lender X Finance" checked' in html


def test_a_malformed_score_line_is_refused_and_kept(client, clock, make_tracked):
    tracked = make_tracked()
    response = _record_facts(client, tracked, recipients="Monzo", scores="six hundred")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Write each score as its name, a colon and the value" in html
    assert ">six hundred</textarea>" in html and ">Monzo</textarea>" in html


def test_two_recipients_become_two_access_requests_under_the_original(app, client, clock, make_tracked):
    tracked = make_tracked()
    _record_facts(client, tracked, recipients="Barclays Bank UK PLC\nLender X Finance")
    form = client.get(f"{tracked.url}/cascade?name=Barclays+Bank+UK+PLC&name=Lender+X+Finance")
    html = form.get_data(as_text=True)
    assert form.status_code == 200
    # The directory knows Barclays (picked automatically); Lender X is typed by hand.
    assert 'name="org-0" type="radio" value="barclays-gb" checked' in html
    assert 'name="org-1" type="radio" value="unlisted" checked' in html
    response = client.post(f"{tracked.url}/cascade", data={
        "csrf_token": csrf_token(html), "names": ["Barclays Bank UK PLC", "Lender X Finance"],
        "include-0": "1", "org-0": "barclays-gb", "include-1": "1", "org-1": "unlisted",
        "uname-1": "Lender X Finance Ltd", "address-1": "1 High Street\nLeeds\nLS1 1AA",
        "right": "access"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    barclays, lender = _children(app, tracked)
    assert (barclays.right, barclays.org_slug, barclays.recipient["name"]) == (
        "access", "barclays-gb", "Barclays PLC")
    assert (lender.right, lender.org_slug, lender.recipient["address"]) == (
        "access", None, ["1 High Street", "Leeds", "LS1 1AA"])
    for child in (barclays, lender):
        assert [e.kind for e in child.events] == ["created"]
        assert child.person["name"] == PERSON["name"] and child.details["letter_date"] == "2026-09-01"
        assert child.reference != tracked.reference
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    tree = page.split('id="cascade-tree"')[1].split("</ul>")[0]
    assert "Barclays PLC" in tree and "Lender X Finance Ltd" in tree
    # Posted on the letter's date (Tue 1 Sep), deemed received Thu 3 Sep: due Sat 3 Oct, so Mon 5 Oct.
    assert tree.count("Reply due by 5 October 2026, as the letter says") == 2
    assert "Recipients you have not written to yet" not in page  # both written to
    # Each has its own letter, with its own reference and due date.
    pdf = client.get(f"/w/{tracked.token}/r/{lender.public_id}/letter.pdf")
    text = _pdf_text(pdf.data)
    assert lender.reference in text and "Lender X Finance Ltd" in text and "5 October 2026" in text
    # And the child's page names the request it came from.
    child_page = client.get(f"/w/{tracked.token}/r/{lender.public_id}").get_data(as_text=True)
    assert "Written because Experian Ltd named them as a recipient:" in child_page


def test_grandchildren_are_shown_under_their_parent(app, client, clock, make_tracked):
    tracked = make_tracked()
    page = client.get(f"{tracked.url}/cascade?name=Monzo")
    client.post(f"{tracked.url}/cascade", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "names": ["Monzo"], "include-0": "1",
        "org-0": "monzo-gb", "right": "access"})
    [monzo] = _children(app, tracked)
    child_url = f"/w/{tracked.token}/r/{monzo.public_id}"
    page = client.get(f"{child_url}/cascade?name=Equifax")
    client.post(f"{child_url}/cascade", data={
        "csrf_token": csrf_token(page.get_data(as_text=True)), "names": ["Equifax"], "include-0": "1",
        "org-0": "equifax-gb", "right": "access"})
    html = client.get(tracked.url).get_data(as_text=True)
    tree = html.split('id="cascade-tree"')[1]
    assert re.search(r"Monzo Bank Limited</a>.*?<ul class=\"cascade-tree\">.*?Equifax Ltd</a>", tree, re.S)


def test_bad_choices_are_refused_and_what_was_typed_is_kept(app, client, clock, make_tracked):
    tracked = make_tracked()
    page = client.get(f"{tracked.url}/cascade?name=credit&name=Lender+X")
    html = page.get_data(as_text=True)
    assert "Our directory has several organisations with similar names" in html
    response = client.post(f"{tracked.url}/cascade", data={
        "csrf_token": csrf_token(html), "names": ["credit", "Lender X"], "include-0": "1",
        "include-1": "1", "org-1": "unlisted", "uname-1": "Lender X", "address-1": "",
        "email-1": "dpo@lender.example", "right": "object_processing", "reasons": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose which organisation credit is" in html
    assert 'href="#address-1">Enter the organisation\'s postal address' in html
    assert "Explain why, in your own words" in html
    assert 'value="dpo@lender.example"' in html
    assert _children(app, tracked) == []


def test_an_objection_and_an_erasure_carry_what_they_need(app, client, clock, make_tracked):
    tracked = make_tracked()
    html = client.get(f"{tracked.url}/cascade?name=Monzo").get_data(as_text=True)
    client.post(f"{tracked.url}/cascade", data={
        "csrf_token": csrf_token(html), "names": ["Monzo"], "include-0": "1", "org-0": "monzo-gb",
        "right": "erasure", "ground": "unlawful"})
    [erasure] = _children(app, tracked)
    assert (erasure.right, erasure.details["erasure_ground"]) == ("erasure", "unlawful")


def test_another_workspace_and_a_missing_token_get_nothing(client, clock, make_tracked):
    tracked = make_tracked()
    other = make_tracked()
    foreign = f"/w/{other.token}/r/{tracked.public_id}"
    for path in ("/facts", "/cascade?name=Monzo", "/compare", "/notify-recipients"):
        assert client.get(foreign + path).status_code == 404, path
    html = client.get(f"{other.url}/cascade?name=Monzo").get_data(as_text=True)
    for path in ("/cascade", "/facts", "/repeat", "/interval"):
        response = client.post(foreign + path, data={
            "csrf_token": csrf_token(html), "names": ["Monzo"], "include-0": "1", "org-0": "monzo-gb",
            "right": "access", "months": "12"})
        assert response.status_code == 404, path


def test_posts_without_the_csrf_token_are_refused(app, client, clock, make_tracked):
    tracked = make_tracked()
    response = client.post(f"{tracked.url}/cascade", data={
        "names": ["Monzo"], "include-0": "1", "org-0": "monzo-gb", "right": "access"})
    assert response.status_code == 400
    assert client.post(f"{tracked.url}/repeat").status_code == 400
    assert _children(app, tracked) == []


def _erasure_request(app, token: str) -> str:
    with app.app_context():
        session = _session(app)
        workspace = find_workspace(session, token)
        req = create_request(
            session, workspace, right="erasure", jurisdiction="uk", language="en", org_slug=None,
            recipient=recipient_to_dict(EXPERIAN), person=dict(PERSON),
            details={"channel": "letter", "erasure_ground": "unlawful"}, today=clock_day(app))
        session.add(Event(request_id=req.id, kind="sent", occurred_on=clock_day(app),
                          data={"channel": "letter"}))
        session.commit()
        public_id = req.public_id
        session.close()
    return public_id


def clock_day(app):
    return app.config["DSAR_TODAY"]


def test_after_an_erasure_one_letter_asks_them_to_tell_each_recipient(app, client, clock, make_tracked):
    access = make_tracked()
    _record_facts(client, access, recipients="Barclays Bank UK PLC\nLender X Finance")
    erasure = f"/w/{access.token}/r/{_erasure_request(app, access.token)}"
    page = client.get(erasure).get_data(as_text=True)
    assert "Ask them to tell each recipient" in page
    html = client.get(f"{erasure}/notify-recipients").get_data(as_text=True)
    assert 'value="Lender X Finance" checked' in html
    pdf = client.get(f"{erasure}/notify-recipients.pdf?shown=1&recipient=Lender+X+Finance&more=Broker+Z")
    text = _pdf_text(pdf.data)
    assert pdf.status_code == 200
    assert "Please tell the recipients of my data" in text
    assert "On 1 September 2026 I asked you to erase personal data about me" in text
    assert "Article 19 UK GDPR requires you to communicate any rectification or erasure" in text
    assert "Lender X Finance" in text and "Broker Z" in text and "Barclays" not in text
    # An access request has no such letter.
    assert client.get(f"{access.url}/notify-recipients").status_code == 404


def test_a_removed_snapshot_no_longer_counts(app, client, clock, make_tracked):
    tracked = make_tracked()
    _record_facts(client, tracked, recipients="Monzo")
    _record_facts(client, tracked, recipients="Monzo\nBarclays")
    with app.app_context():
        session = _session(app)
        events = list(session.scalars(select(Event).where(Event.kind == "facts_recorded").order_by(Event.id)))
        assert [e.data["recipients"] for e in events] == [["Monzo"], ["Monzo", "Barclays"]]
        session.close()
    page = client.get(tracked.url).get_data(as_text=True)
    assert 'value="Barclays" checked' in page
