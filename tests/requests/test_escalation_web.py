"""Follow-up pages: the reminder and complaint letters in every format, the regulator page's
character count, and an EU complaint to the authority the directory chooses."""

from __future__ import annotations

import io
import re

from docx import Document
from pypdf import PdfReader

from dsar.directory.schema import parse_record
from dsar.directory.services import save_record
from tests.conftest import SCHUFA
from tests.requests.conftest import record, submit

BFDI = {
    "slug": "debfdi", "kind": "supervisory_authority",
    "name": "Die Bundesbeauftragte für den Datenschutz und die Informationsfreiheit",
    "country": "de", "address": ["Graurheindorfer Straße 153", "53117 Bonn"],
    "categories": ["supervisory_authority", "public_body"], "sources": ["test"],
    "quality": "imported", "complaint_language": "de", "request_language": "de",
}


def test_reminder_and_complaint_letters_in_every_format(client, clock, make_tracked):
    tracked = make_tracked()
    clock.set("2026-10-20")
    record(client, tracked, "sent", "2026-09-01", channel="letter")
    page = client.get(f"{tracked.url}/followup/reminder").get_data(as_text=True)
    assert "Reminder: my request of 1 September 2026" in page
    pdf = client.get(f"{tracked.url}/followup/reminder.pdf")
    assert pdf.mimetype == "application/pdf"
    assert tracked.reference in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    docx = Document(io.BytesIO(client.get(f"{tracked.url}/followup/complaint_controller.docx").data))
    assert any("section 164A" in p.text for p in docx.paragraphs)
    assert client.get(f"{tracked.url}/followup/reminder.eml").status_code == 404  # no address
    assert client.get(f"{tracked.url}/followup/apology.pdf").status_code == 404
    response = submit(client, f"{tracked.url}/followup/complaint_controller", {"details": "x" * 10001})
    assert response.status_code == 400 and "10000 characters or fewer" in response.get_data(as_text=True)


def test_regulator_page_counts_and_warns(client, clock, make_tracked):
    tracked = make_tracked()
    clock.set("2026-11-20")
    record(client, tracked, "sent", "2026-09-01", channel="letter")
    page = client.get(f"{tracked.url}/regulator").get_data(as_text=True)
    assert "You have not recorded a complaint to the organisation yet" in page
    assert client.get(f"{tracked.url}/regulator/bundle.pdf").status_code == 404  # nothing saved yet
    response = submit(client, f"{tracked.url}/regulator", {"what_happened": "y" * 2100, "harm": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and ">2100 characters<" in html
    assert "This is 2100 characters long" in html and "form-group-warning" in html
    response = submit(client, f"{tracked.url}/regulator", {"what_happened": "", "harm": "h"})
    assert response.status_code == 400 and 'href="#what_happened"' in response.get_data(as_text=True)


def test_eu_complaint_goes_to_the_authority_the_directory_picks(app, client, clock, make_tracked):
    with app.app_context():
        session = app.extensions["dsar_sessions"]()
        save_record(session, parse_record(BFDI), "imported")
        session.commit()
        session.close()
    tracked = make_tracked(recipient=SCHUFA, jurisdiction="eu")
    clock.set("2026-11-20")
    record(client, tracked, "sent", "2026-09-01", channel="email")
    page = client.get(f"{tracked.url}/regulator").get_data(as_text=True)
    assert "Die Bundesbeauftragte" in page
    draft = re.search(r'id="what_happened"[^>]*>([^<]*)</textarea>', page).group(1)
    submit(client, f"{tracked.url}/regulator", {"what_happened": draft, "harm": "", "residence": "de"})
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(
        client.get(f"{tracked.url}/regulator/bundle.pdf").data)).pages).split())
    assert "Graurheindorfer Straße 153" in text
    # The BfDI's complaint language is German, and German letters are complete: the complaint
    # is written in German (issue 4 item 7), opening "hiermit" after the salutation.
    assert "hiermit lege ich gemäß Art. 77 DSGVO Beschwerde darüber ein, wie SCHUFA Holding AG" in text
    assert "Art. 77 Abs. 2 DSGVO" in text and "Art. 78 Abs. 2 DSGVO" in text
