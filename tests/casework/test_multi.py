"""Writing to several organisations at once for a client: one request and one letter each,
sent by the team on the client's behalf with the authority enclosed, one PDF to print in
which every letter starts on a fresh sheet, the caseload showing when replies are due, and
an audit line naming the requests."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

from pypdf import PdfReader
from sqlalchemy import select

from dsar.casework.models import Client
from dsar.letters.compose import compose
from dsar.letters.formats import render
from dsar.requests.models import DataRequest
from dsar.requests.services import letter_request
from dsar.teams.models import AuditEvent
from tests.casework.conftest import authorise, post_form
from tests.conftest import csrf_token

CRA_NAMES = {"experian-gb": "Experian Ltd", "equifax-gb": "Equifax Ltd",
             "transunion-gb": "TransUnion International UK Ltd"}


def _write_to_the_agencies(world, client, **extra):
    url = f"/t/{world.team.slug}/clients/{client.public_id}/letters/new"
    # The one-click preset ticks the three agencies; the form comes back with them chosen.
    preset = post_form(world.worker, url, {"preset": "cras", "right": "access", "posted_today": "yes"})
    assert preset.status_code == 200
    html = preset.get_data(as_text=True)
    assert all(f'value="{slug}" checked' in html for slug in CRA_NAMES)
    return world.worker.post(url, data={"csrf_token": csrf_token(html), "orgs": list(CRA_NAMES),
                                        "right": "access", "posted_today": "yes", "action": "write", **extra})


def _pages(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def test_three_agencies_at_once_make_three_requests_and_one_print_file(world, casefile, db_session):
    authorise(world, casefile)
    response = _write_to_the_agencies(world, casefile)
    assert response.status_code == 302
    written = parse_qs(urlsplit(response.headers["Location"]).query)["written"]
    requests = db_session.scalars(select(DataRequest).order_by(DataRequest.id)).all()
    assert [r.public_id for r in requests] == written
    assert [r.org_slug for r in requests] == list(CRA_NAMES)
    assert all(r.workspace_id == casefile.workspace_id for r in requests)

    page = world.worker.get(response.headers["Location"]).get_data(as_text=True)
    assert "3 letters written." in page
    merged_url = f"/t/{world.team.slug}/clients/{casefile.public_id}/letters.pdf?" + "&".join(
        f"r={i}" for i in written)
    assert merged_url.replace("&", "&amp;") in page
    merged = world.worker.get(merged_url)
    assert merged.status_code == 200 and merged.mimetype == "application/pdf"
    pages = _pages(merged.data)

    # Each letter starts on a fresh sheet: its length, plus a blank page when that is odd.
    starts, position = [], 0
    for request in requests:
        single = render(compose(letter_request(request)), "pdf").content
        count = len(PdfReader(io.BytesIO(single)).pages)
        starts.append(position)
        for blank in range(position + count, position + count + count % 2):
            assert pages[blank] == ""
        position += count + count % 2
    assert len(pages) == position and all(start % 2 == 0 for start in starts)

    for start, request in zip(starts, requests, strict=True):
        first = pages[start]
        # The team is the sender: its name and address head the letter, before the recipient's.
        assert first.index("Leeds Debt Advice 2 Help Street Leeds LS1 2AB") < first.index(
            CRA_NAMES[request.org_slug])
        assert f"Reference: {request.reference}" in first
        assert "We are writing as the authorised representative of Jo Bloggs" in first
        assert "on their behalf" in first
    text = " ".join(pages)
    assert text.count("Letter of authority signed by Jo Bloggs, valid until 26 November 2027") == 3
    assert text.count("Enclosures") == 3
    # Safe contact: said in plain words, and the client's address is nowhere (not as sender,
    # not as an identifier); replies go to the team's email.
    assert text.count("please do not write to Jo Bloggs at any home address") == 3
    assert "1 Safe Street" not in text and "LS1 1AA" not in text
    assert "by email to help@leeds.example" in text and "jo@example.org" not in text
    assert "Previous address: 3 Old Road, Leeds, LS2 2BB" in text  # identifiers still help the search
    # The identifier filed under Experian goes to Experian only.
    experian = " ".join(pages[starts[0]:starts[1]])
    assert "CreditExpert account number: CE-998877" in experian
    assert "CE-998877" not in " ".join(pages[starts[1]:])

    audit = db_session.scalar(select(AuditEvent).where(AuditEvent.action == "letters_generated"))
    assert audit.object_id == casefile.public_id and audit.detail == {"requests": written}

    caseload = world.reader.get(f"/t/{world.team.slug}/").get_data(as_text=True)
    for name in CRA_NAMES.values():
        assert name in caseload
    # Posted on Thursday 26 November 2026, deemed received on the 30th: due 30 December.
    assert caseload.count("30 December 2026") == 3


def test_each_letter_can_be_downloaded_again(world, casefile, db_session):
    authorise(world, casefile)
    _write_to_the_agencies(world, casefile)
    request = db_session.scalar(select(DataRequest).where(DataRequest.org_slug == "equifax-gb"))
    base = f"/t/{world.team.slug}/clients/{casefile.public_id}"
    page = world.worker.get(base).get_data(as_text=True)
    assert f"{base}/letters/{request.public_id}.pdf" in page
    pdf = world.reader.get(f"{base}/letters/{request.public_id}.pdf")
    assert pdf.status_code == 200
    text = " ".join(_pages(pdf.data))
    assert "Equifax Ltd" in text and "authorised representative of Jo Bloggs" in text
    docx = world.reader.get(f"{base}/letters/{request.public_id}.docx")
    assert docx.status_code == 200 and docx.data[:2] == b"PK"


def test_without_safe_contact_the_address_is_an_identifier_not_a_return_address(world, casefile, db_session):
    client = db_session.get(Client, casefile.id)
    client.safe_contact = False
    db_session.commit()
    authorise(world, casefile)
    _write_to_the_agencies(world, casefile)
    request = db_session.scalar(select(DataRequest).where(DataRequest.org_slug == "experian-gb"))
    text = " ".join(_pages(world.worker.get(
        f"/t/{world.team.slug}/clients/{casefile.public_id}/letters/{request.public_id}.pdf").data))
    assert "Address: 1 Safe Street, Leeds, LS1 1AA" in text
    assert text.startswith("Leeds Debt Advice 2 Help Street")
    assert "at any home address" not in text


def test_a_request_that_needs_more_asks_for_it_on_the_same_form(world, casefile, db_session):
    authorise(world, casefile)
    response = post_form(world.worker, f"/t/{world.team.slug}/clients/{casefile.public_id}/letters/new", {
        "orgs": list(CRA_NAMES), "right": "rectification", "action": "write"})
    assert response.status_code == 400
    assert 'href="#corrections"' in response.get_data(as_text=True)
    assert db_session.scalar(select(DataRequest)) is None
    correction = "My address is shown as 12 Hill Road; it should be 21 Hill Road."
    response = post_form(world.worker, f"/t/{world.team.slug}/clients/{casefile.public_id}/letters/new", {
        "orgs": ["experian-gb"], "right": "rectification", "action": "write", "corrections": correction})
    assert response.status_code == 302
    request = db_session.scalar(select(DataRequest))
    assert letter_request(request).corrections == (correction,)


def test_letters_of_another_client_or_team_are_not_found(world, casefile, db_session, make_team):
    authorise(world, casefile)
    _write_to_the_agencies(world, casefile)
    request = db_session.scalar(select(DataRequest))
    other_team, _token = make_team("Bradford Advice", "admin@bradford.example")
    assert world.worker.get(f"/t/{world.team.slug}/clients/nobody/letters/{request.public_id}.pdf"
                            ).status_code == 404
    elsewhere = f"/t/{other_team.slug}/clients/{casefile.public_id}/letters.pdf?r={request.public_id}"
    assert world.worker.get(elsewhere).status_code == 404
