"""A client's request in the team area (/t/<team>/clients/<client>/requests/<request>): the
citizen's request pages in a team scope. A caseworker records what happened, takes in and
checks the reply and writes the follow-up, which goes out from the team on the client's
behalf; the caseload follows; a read-only member looks but cannot act; another team sees
nothing; every view, change and letter is in the audit trail."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from dsar.requests.models import DataRequest
from dsar.teams.models import AuditEvent
from tests.casework.conftest import authorise, post_form
from tests.conftest import csrf_token
from tests.replies import samples

MARKS = {f"mark-{code}": "answered" for code in
         ("confirmation", "copy", "a", "b", "d", "e", "f", "g", "h", "transfers")}


@pytest.fixture
def client_request(app, world, casefile, db_session):
    """A letter to Experian written for the client under a signed authority, not posted
    yet; returns the request page's URL."""
    authorise(world, casefile)
    base = f"/t/{world.team.slug}/clients/{casefile.public_id}"
    response = post_form(world.worker, f"{base}/letters/new",
                         {"orgs": ["experian-gb"], "right": "access", "action": "write"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    request = db_session.scalar(select(DataRequest))
    return f"{base}/requests/{request.public_id}"


def _post(member, url: str, data: dict, *, page: str, **kwargs):
    """POST ``data`` with the CSRF token of ``page`` (where the form is)."""
    token = csrf_token(member.get(page).get_data(as_text=True))
    return member.post(url, data={"csrf_token": token, **data}, **kwargs)


def _today(app, day: str) -> None:
    app.config["DSAR_TODAY"] = date.fromisoformat(day)


def _pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


def _caseload_row(world, reference: str) -> str:
    page = world.worker.get(f"/t/{world.team.slug}/").get_data(as_text=True)
    start = page.index(reference)
    return page[page.rindex("<tr>", 0, start):page.index("</tr>", start)]


def test_a_caseworker_records_checks_and_follows_up_a_client_request(
        app, world, casefile, client_request, db_session):
    page = world.worker.get(client_request)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Experian Ltd" in html and "What happened?" in html and "Caseload" in html  # team nav
    assert f'href="/t/{world.team.slug}/clients/{casefile.public_id}"' in html  # back to the client
    reference = db_session.scalar(select(DataRequest.reference))

    _today(app, "2026-11-27")
    response = post_form(world.worker, f"{client_request}/record/sent", {
        "date-day": "27", "date-month": "11", "date-year": "2026", "channel": "letter"},
        content_type="multipart/form-data")
    assert response.status_code == 302
    assert response.headers["Location"] == f"{client_request}?recorded=sent#timeline"
    assert "Sent: waiting for a reply" in _caseload_row(world, reference)

    _today(app, "2026-12-10")
    response = _post(world.worker, f"{client_request}/reply", {
        "reply-date-day": "9", "reply-date-month": "12", "reply-date-year": "2026",
        "files": [(io.BytesIO(samples.pdf()), "experian-reply.pdf")]},
        page=client_request, content_type="multipart/form-data")
    assert response.status_code == 302
    assert response.headers["Location"] == f"{client_request}?reply=received#reply"
    html = world.worker.get(client_request).get_data(as_text=True)
    assert "Dear Ms Llŵyd, we process your personal data for the purpose of credit" in html
    assert "experian-reply.pdf" in html

    response = _post(world.worker, f"{client_request}/reply/checklist",
                     {**MARKS, "mark-c": "missing"}, page=client_request)
    assert response.status_code == 302
    assert "Reply: partial (1 item missing)" in world.worker.get(client_request).get_data(as_text=True)
    assert "Incomplete reply received" in _caseload_row(world, reference)

    letter = world.worker.get(f"{client_request}/incomplete-reply.pdf")
    assert letter.status_code == 200 and letter.mimetype == "application/pdf"
    text = _pdf_text(letter.data)
    assert text.startswith("Leeds Debt Advice 2 Help Street Leeds LS1 2AB help@leeds.example")
    assert ("We are writing on behalf of Jo Bloggs, as their authorised representative, about their "
            "request of 26 November 2026.") in text
    assert "to us at the address above and not to Jo Bloggs" in text
    assert "please do not write to Jo Bloggs at any home address" in text  # safe contact
    assert "1 Safe Street" not in text and "jo@example.org" not in text
    assert "the recipients of my personal data, each named individually" in text

    actions = [(e.action, e.object_id) for e in db_session.scalars(
        select(AuditEvent).where(AuditEvent.team_id == world.team.id).order_by(AuditEvent.sequence))]
    request_id = client_request.rsplit("/", 1)[1]
    # Each form is posted from the page just opened (a view), then the page is opened again.
    assert [a for a, o in actions if o == request_id] == [
        "request_viewed", "request_event_recorded", "request_viewed", "reply_received",
        "request_viewed", "request_viewed", "reply_checked", "request_viewed", "followup_downloaded"]


def test_the_caseload_and_the_client_page_link_to_the_request_page(world, casefile, client_request):
    caseload = world.reader.get(f"/t/{world.team.slug}/").get_data(as_text=True)
    client_page = world.reader.get(client_request.split("/requests/")[0]).get_data(as_text=True)
    assert f'href="{client_request}"' in caseload and f'href="{client_request}"' in client_page


def _rules(app, method: str) -> list[str]:
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if rule.endpoint.startswith("casework_requests.") and method in rule.methods)


def _url(rule: str, request_url: str) -> str:
    """A rule of the request page with the request's own prefix and plausible values."""
    suffix = rule.split("<public_id>", 1)[1]
    values = {"<kind>": "sent", "<int:event_id>": "1", "<file_id>": "x", "<fmt>": "pdf",
              "<which>": "correction"}
    for placeholder, value in values.items():
        suffix = suffix.replace(placeholder, value)
    return request_url + suffix


def test_a_read_only_member_sees_the_page_but_can_do_nothing(app, world, client_request, db_session):
    page = world.reader.get(client_request)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Experian Ltd" in html and "What happened?" not in html and "/record/" not in html
    token = csrf_token(html)
    before = db_session.scalar(select(DataRequest)).events
    posts = _rules(app, "POST")
    assert [rule.split("<public_id>")[1] for rule in posts] == [
        "/cascade", "/credit-file/complaint", "/credit-file/correction", "/credit-file/correction/sent",
        "/events/<int:event_id>/edit", "/events/<int:event_id>/retract", "/facts",
        "/followup/<kind>", "/interval", "/record/<kind>", "/regulator", "/repeat", "/reply",
        "/reply/checklist"]
    for rule in posts:
        response = world.reader.post(_url(rule, client_request), data={
            "csrf_token": token, "date-day": "27", "date-month": "11", "date-year": "2026"})
        assert response.status_code == 403, rule
    db_session.expire_all()
    assert db_session.scalar(select(DataRequest)).events == before


def test_another_team_gets_404_on_the_page_and_every_action(app, world, client_request, make_team, join):
    _team_b, token_b = make_team("Team B", "b-admin@b.example", slug="team-b")
    b_admin = join(token_b)
    token = csrf_token(b_admin.get("/t/team-b/").get_data(as_text=True))
    for method in ("GET", "POST"):
        for rule in _rules(app, method):
            url = _url(rule, client_request)
            for where in (url, url.replace(f"/t/{world.team.slug}/", "/t/team-b/")):
                response = b_admin.open(where, method=method, data={"csrf_token": token})
                assert response.status_code == 404, (method, where)


def test_a_repeated_round_is_written_by_the_team_and_joins_the_caseload(
        app, world, casefile, client_request, db_session):
    post_form(world.worker, f"{client_request}/record/sent", {
        "date-day": "26", "date-month": "11", "date-year": "2026", "channel": "letter"},
        content_type="multipart/form-data")
    response = _post(world.worker, f"{client_request}/repeat", {}, page=client_request)
    assert response.status_code == 302
    new_url = response.headers["Location"]
    assert new_url.startswith(client_request.rsplit("/", 1)[0] + "/")
    rounds = db_session.scalars(select(DataRequest).order_by(DataRequest.id)).all()
    assert len(rounds) == 2 and rounds[1].workspace_id == casefile.workspace_id
    assert rounds[1].details["representative"]["name"] == "Leeds Debt Advice"
    assert f'href="{new_url}"' in world.worker.get(f"/t/{world.team.slug}/").get_data(as_text=True)
    text = _pdf_text(world.worker.get(f"{new_url}/letter.pdf").data)
    assert text.startswith("Leeds Debt Advice 2 Help Street")
    assert "We are writing as the authorised representative of Jo Bloggs" in text


def test_no_repeated_round_without_an_authority_that_covers_it(app, world, casefile, client_request,
                                                               db_session):
    _today(app, "2027-12-01")  # the authority ran out on 26 November 2027
    response = _post(world.worker, f"{client_request}/repeat", {}, page=client_request)
    assert response.status_code == 400
    expired = "letter of authority expired on 26 November 2027. Ask the client to sign a new one."
    assert expired in response.get_data(as_text=True)
    assert len(db_session.scalars(select(DataRequest)).all()) == 1
