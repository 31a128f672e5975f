"""The letter of authority: generated for the organisations and requests chosen, read back
from its PDF; the signed copy uploaded (PDF, PNG or JPEG only); letters refused without a
valid authority and after it expires, allowed when the client writes in their own name;
read-only members cannot generate, upload or write."""

from __future__ import annotations

import io
import re
import stat
from datetime import date

import pytest
from babel.messages.pofile import read_po
from pypdf import PdfReader
from sqlalchemy import select

from dsar import i18n
from dsar.casework.models import Authority
from dsar.letters.authority import AuthorityDocument, compose_authority
from dsar.letters.compose import LETTER_LOCALES, compose
from dsar.letters.inputs import build_letter_request
from dsar.letters.model import Person, Representative
from dsar.letters.text import render_text
from dsar.requests.models import DataRequest
from dsar.rights import RIGHT_KEYS
from tests.casework.conftest import authorise, png_bytes, post_form
from tests.conftest import EXPERIAN, csrf_token

CRAS = ["experian-gb", "equifax-gb", "transunion-gb"]


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def base(world, client) -> str:
    return f"/t/{world.team.slug}/clients/{client.public_id}"


def test_the_authority_names_the_team_organisations_rights_and_expiry(world, casefile, db_session):
    url = f"{base(world, casefile)}/authority/new"
    form = world.worker.get(url).get_data(as_text=True)
    assert 'value="2027-11-26"' in form  # twelve months from the injected today
    # The preset adds the three agencies and shows the form again, nothing saved.
    shown = post_form(world.worker, url, {"preset": "cras", "rights": ["access"], "expires_on": "2027-11-26"})
    assert shown.status_code == 200 and db_session.scalar(select(Authority)) is None
    assert all(f'value="{slug}" checked' in shown.get_data(as_text=True) for slug in CRAS)

    response = post_form(world.worker, url, {
        "orgs": [*CRAS, "cifas-gb"], "rights": ["access", "rectification"], "expires_on": "2027-05-31",
        "action": "generate"})
    assert response.status_code == 302
    authority = db_session.scalar(select(Authority))
    assert authority.organisations == [*CRAS, "cifas-gb"] and authority.stored_name is None
    assert (authority.issued_on, authority.expires_on) == (date(2026, 11, 26), date(2027, 5, 31))

    pdf = world.worker.get(f"{base(world, casefile)}/authority/{authority.public_id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = pdf_text(pdf.data)
    assert "I, Jo Bloggs, authorise Leeds Debt Advice of 2 Help Street, Leeds, LS1 2AB" in text
    for name in ("Experian Ltd", "Equifax Ltd", "TransUnion International UK Ltd", "Cifas"):
        assert name in text
    assert "Access to my personal data and a copy of it" in text
    assert "Correction of inaccurate personal data about me" in text
    assert "Erasure of my personal data" not in text  # not chosen
    assert "This authority is valid until 31 May 2027" in text
    assert "receive the replies and copies of my personal data" in text
    assert "Signature:" in text and "Date of birth: 27 March 1980" in text
    # Safe contact: no current address on a document that goes to every organisation.
    assert "1 Safe Street" not in text
    assert "Do not write to my home address" in text
    docx = world.worker.get(f"{base(world, casefile)}/authority/{authority.public_id}.docx")
    assert docx.status_code == 200 and docx.data[:2] == b"PK"


def test_a_bad_authority_form_names_each_field(world, casefile, db_session):
    response = post_form(world.worker, f"{base(world, casefile)}/authority/new",
                         {"orgs": ["no-such-org"], "expires_on": "2026-11-01", "action": "generate"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#orgs"' in html and 'href="#rights"' in html and 'href="#expires_on"' in html
    assert db_session.scalar(select(Authority)) is None


def test_the_signed_copy_is_stored_and_a_text_file_refused(app, world, casefile, db_session):
    url = f"{base(world, casefile)}/authority/new"
    post_form(world.worker, url, {"orgs": CRAS, "rights": ["access"], "expires_on": "2027-11-26",
                                  "action": "generate"})
    authority = db_session.scalar(select(Authority))
    upload = f"{base(world, casefile)}/authority/{authority.public_id}/signed"
    refused = post_form(world.worker, upload, {
        "signed_on": "2026-11-26", "expires_on": "2027-11-26",
        "signed_copy": (io.BytesIO(b"I agree.\nJo\n"), "signed.txt")}, content_type="multipart/form-data")
    assert refused.status_code == 400
    assert "signed.txt is not a PDF, PNG or JPEG file" in refused.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(Authority, authority.id).stored_name is None

    accepted = post_form(world.worker, upload, {
        "signed_on": "2026-11-26", "expires_on": "2027-10-31",
        "signed_copy": (io.BytesIO(png_bytes()), "scan.png")}, content_type="multipart/form-data")
    assert accepted.status_code == 302
    db_session.expire_all()
    authority = db_session.get(Authority, authority.id)
    assert (authority.media_type, authority.signed_on, authority.expires_on) == (
        "image/png", date(2026, 11, 26), date(2027, 10, 31))
    stored = app.config["DSAR_SETTINGS"].instance_path / "uploads" / authority.stored_name
    assert stored.read_bytes() == png_bytes() and stat.S_IMODE(stored.stat().st_mode) == 0o600
    page = world.worker.get(base(world, casefile)).get_data(as_text=True)
    assert "valid until 31 October 2027" in page
    copy = world.worker.get(f"{base(world, casefile)}/authority/{authority.public_id}/signed-copy")
    assert copy.data == png_bytes()


def _write(world, client, orgs=CRAS, right="access"):
    return post_form(world.worker, f"{base(world, client)}/letters/new",
                     {"orgs": orgs, "right": right, "posted_today": "yes", "action": "write"})


def test_no_letter_without_a_signed_authority(world, casefile, db_session):
    response = _write(world, casefile)
    assert response.status_code == 400
    assert "There is no signed letter of authority for this client" in response.get_data(as_text=True)
    assert db_session.scalar(select(DataRequest)) is None


def test_no_letter_after_the_authority_expires(app, world, casefile, db_session):
    authorise(world, casefile, expires_on="2027-01-31")
    app.config["DSAR_TODAY"] = date(2027, 2, 1)
    response = _write(world, casefile)
    assert response.status_code == 400
    assert "The client's letter of authority expired on 31 January 2027" in response.get_data(as_text=True)
    assert db_session.scalar(select(DataRequest)) is None
    app.config["DSAR_TODAY"] = date(2027, 1, 31)  # its last day: still valid
    assert _write(world, casefile).status_code == 302


def test_no_letter_to_an_organisation_or_request_the_authority_does_not_name(world, casefile, db_session):
    authorise(world, casefile, orgs=("experian-gb",), rights=("access",))
    for orgs, right in ((["experian-gb", "equifax-gb"], "access"), (["experian-gb"], "portability")):
        response = _write(world, casefile, orgs, right)
        assert response.status_code == 400
        assert "does not cover" in response.get_data(as_text=True)
    assert db_session.scalar(select(DataRequest)) is None


def test_a_client_writing_in_their_own_name_needs_no_authority(world, casefile, db_session):
    token = csrf_token(world.worker.get(base(world, casefile)).get_data(as_text=True))
    response = world.worker.post(f"{base(world, casefile)}/acting-mode",
                                 data={"csrf_token": token, "acting_mode": "own_name"})
    assert response.status_code == 302
    page = world.worker.get(base(world, casefile)).get_data(as_text=True)
    assert "The client writes in their own name" in page
    written = _write(world, casefile, ["experian-gb"])
    assert written.status_code == 302
    request = db_session.scalar(select(DataRequest))
    letter = world.worker.get(f"{base(world, casefile)}/letters/{request.public_id}.pdf")
    text = pdf_text(letter.data)
    assert "1 Safe Street" in text and "authorised representative" not in text
    assert "Leeds Debt Advice" not in text


@pytest.mark.parametrize("path,method", [
    ("/authority/new", "get"), ("/authority/new", "post"), ("/letters/new", "get"), ("/letters/new", "post"),
    ("/acting-mode", "post"),
])
def test_a_read_only_member_cannot_generate_upload_or_write(world, casefile, path, method):
    token = csrf_token(world.reader.get(base(world, casefile)).get_data(as_text=True))
    response = getattr(world.reader, method)(f"{base(world, casefile)}{path}", data={
        "csrf_token": token, "orgs": CRAS, "rights": ["access"], "right": "access",
        "expires_on": "2027-11-26", "acting_mode": "own_name", "action": "generate"})
    assert response.status_code == 403


def test_a_read_only_member_cannot_upload_the_signed_copy(world, casefile, db_session):
    post_form(world.worker, f"{base(world, casefile)}/authority/new",
              {"orgs": CRAS, "rights": ["access"], "expires_on": "2027-11-26", "action": "generate"})
    authority = db_session.scalar(select(Authority))
    url = f"{base(world, casefile)}/authority/{authority.public_id}/signed"
    assert world.reader.get(url).status_code == 403
    token = csrf_token(world.reader.get(base(world, casefile)).get_data(as_text=True))
    response = world.reader.post(url, data={"csrf_token": token, "signed_on": "2026-11-26",
                                            "expires_on": "2027-11-26",
                                            "signed_copy": (io.BytesIO(png_bytes()), "scan.png")},
                                 content_type="multipart/form-data")
    assert response.status_code == 403


def test_the_authority_is_not_a_request_the_wizard_offers():
    assert "letter_of_authority" not in RIGHT_KEYS


@pytest.mark.parametrize("locale", LETTER_LOCALES)
def test_the_authority_and_a_letter_for_a_client_in_every_language(locale):
    """Every sentence of the authority and of the representative's letter is translated:
    no English run of more than 40 characters from the letters' catalog is left."""
    with i18n.LETTERS.template.open("rb") as fh:
        english = {run.strip() for m in read_po(fh) if m.id
                   for run in re.split(r"%\(\w+\)[sd]", m.id) if len(run.strip()) > 40}
    client = Person("Jo Bloggs", ("1 Safe Street", "Leeds"), date_of_birth=date(1980, 3, 27),
                    previous_addresses=(("3 Old Road", "Leeds"),))
    team = Representative("Leeds Debt Advice", ("2 Help Street", "Leeds"), "help@leeds.example",
                          date(2027, 11, 26), safe_contact=True)
    authority = compose_authority(AuthorityDocument(
        client=client, team=team, organisations=("Experian Ltd",), rights=tuple(RIGHT_KEYS),
        expires_on=date(2027, 11, 26), today=date(2026, 11, 26), locale=locale, safe_contact=True))
    letter = compose(build_letter_request(
        right="access", org=EXPERIAN, person=client, today=date(2026, 11, 26), reference="DSAR-TEST",
        locale=locale, representative=team))
    for text in (render_text(authority), render_text(letter)):
        flat = " ".join(text.split())
        assert "Jo Bloggs" in flat and "Leeds Debt Advice" in flat
        if locale != "en":
            assert not [s for s in english if s in flat], locale
