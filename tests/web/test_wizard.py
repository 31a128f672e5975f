"""The citizen wizard through the Flask test client, with real CSRF tokens."""

from __future__ import annotations

import email
import email.policy
import io
import re

from docx import Document
from pypdf import PdfReader

from tests.conftest import csrf_token


def post(client, url, data, follow=False):
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=follow)


STEP_FORMS = {
    "identifiers": {"dob-day": "27", "dob-month": "3", "dob-year": "1984",
                    "previous_addresses": "3 Mill Road\nSwansea\nSA1 1AA",
                    "customer_numbers": "Customer number: 12345678"},
    "more": {"decision": "My score is wrong."},
}


def walk(client, *, orgs=("experian-gb",), right="score_pack", details=None, more=None,
         identifiers=None, steps=("identifiers", "more")):
    """Complete the wizard, expecting exactly ``steps`` between "your details" and "check your
    answers" (identifiers for credit reference agencies, "more" where the right asks for it);
    return the confirmation page response."""
    response = post(client, "/write/organisations", {"orgs": list(orgs), "shown": list(orgs)})
    assert response.status_code == 302, response.get_data(as_text=True)
    response = post(client, "/write/request", {"right": right})
    assert response.status_code == 302
    response = post(client, "/write/details", details or {
        "name": "Siân Llŵyd", "address": "12 Heol y Frenhines\nCardiff\nCF10 1AA",
        "email": "sian@example.org",
    })
    for step in steps:
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/write/{step}")
        given = {"more": more, "identifiers": identifiers}[step]
        response = post(client, f"/write/{step}", given or STEP_FORMS[step])
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"].endswith("/write/check")
    response = post(client, "/write/check", {})
    assert response.status_code == 302
    assert "/w/" in response.headers["Location"]
    return client.get(response.headers["Location"])


def test_home_and_security_headers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="en"' in response.get_data(as_text=True)
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_post_without_csrf_token_is_refused(client):
    response = client.post("/write/request", data={"right": "access"})
    assert response.status_code == 400
    assert "session has expired" in response.get_data(as_text=True)


def test_full_walk_gives_letters_in_every_format(client):
    page = walk(client)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Your letters are ready" in html
    assert page.headers["Cache-Control"] == "no-store"
    link = re.search(r'class="secret-link"><a href="([^"]+)"', html).group(1)
    reference = re.search(r"EXP-[0-9A-Z]{4}-[0-9A-Z]{4}", html).group(0)
    pdf_url = re.search(r'href="(/w/[^"]+/letter\.pdf)"', html).group(1)
    pdf = client.get(pdf_url)
    assert pdf.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    text = " ".join(text.split())
    assert "Experian Ltd" in text and "Siân Llŵyd" in text and reference in text
    assert "C-203/22" in text and "Date of birth: 27 March 1984" in text
    docx = client.get(pdf_url.replace(".pdf", ".docx"))
    document = Document(io.BytesIO(docx.data))
    body = "\n".join(p.text for p in document.paragraphs)
    assert reference in body
    assert "My score is wrong." in body
    txt = client.get(pdf_url.replace(".pdf", ".txt")).get_data(as_text=True)
    assert reference in txt
    # The secret link works in a new session; a wrong token does not.
    other = client.application.test_client()
    assert other.get(link.replace("http://localhost", "")).status_code == 200
    assert other.get("/w/not-the-token").status_code == 404


def test_email_format_for_an_organisation_with_an_address(client):
    html = walk(client, orgs=("equifax-gb",), right="access", steps=("identifiers",)).get_data(as_text=True)
    eml_url = re.search(r'href="(/w/[^"]+/letter\.eml)"', html).group(1)
    message = email.message_from_bytes(client.get(eml_url).data, policy=email.policy.default)
    assert message["To"].addresses[0].addr_spec.lower() == "ukdpo@equifax.com"
    assert re.search(r"EQU-[0-9A-Z]{4}-[0-9A-Z]{4}", message["Subject"])
    assert 'href="mailto:UKDPO@equifax.com?subject=' in html


def test_one_letter_per_organisation(client):
    html = walk(client, orgs=("experian-gb", "equifax-gb", "transunion-gb"), right="access",
                steps=("identifiers",)).get_data(as_text=True)
    assert "3 letters have been written" in html
    references = set(re.findall(r"\b[A-Z]{3}-[0-9A-Z]{4}-[0-9A-Z]{4}\b", html))
    assert {r[:3] for r in references} == {"EXP", "EQU", "TRA"}


def _pdf_texts(client, html: str) -> dict[str, str]:
    """Each letter's PDF text by the organisation it is addressed to (first window line)."""
    texts = {}
    for url in re.findall(r'href="(/w/[^"]+/letter\.pdf)"', html):
        pages = PdfReader(io.BytesIO(client.get(url).data)).pages
        text = " ".join(" ".join(p.extract_text() for p in pages).split())
        name = next(n for n in ("Experian Ltd", "Acxiom Ltd", "SCHUFA Holding AG") if n in text)
        texts[name] = text
    return texts


def test_a_number_for_one_organisation_reaches_only_that_one(client):
    numbers = ("Customer number: 12345678\n"
               "experian-gb / CreditExpert account number: CE-555-0101")
    html = walk(client, orgs=("experian-gb", "acxiom-gb", "schufa-de"), right="access",
                steps=("identifiers",), identifiers={"dob-day": "27", "dob-month": "3", "dob-year": "1984",
                                                     "customer_numbers": numbers}).get_data(as_text=True)
    texts = _pdf_texts(client, html)
    assert set(texts) == {"Experian Ltd", "Acxiom Ltd", "SCHUFA Holding AG"}
    assert "CreditExpert account number: CE-555-0101" in texts["Experian Ltd"]
    assert "CE-555-0101" not in texts["Acxiom Ltd"] and "CE-555-0101" not in texts["SCHUFA Holding AG"]
    assert not any("12345678" in text for text in texts.values())  # none asks for numbers
    assert "1984" in texts["Experian Ltd"] and "1984" in texts["SCHUFA Holding AG"]
    assert "1984" not in texts["Acxiom Ltd"]


def test_a_number_for_an_organisation_not_chosen_is_an_error(client):
    post(client, "/write/organisations", {"orgs": ["experian-gb"], "shown": ["experian-gb"]})
    post(client, "/write/request", {"right": "access"})
    post(client, "/write/details", {"name": "A B", "address": "1 Road\nLeeds\nLS1 1AA"})
    page = client.get("/write/identifiers").get_data(as_text=True)
    assert "<code>experian-gb</code> – Experian Ltd" in page
    response = post(client, "/write/identifiers", {"customer_numbers": "equifax-gb / Account: 1"})
    assert response.status_code == 400
    assert "equifax-gb is not one of the organisations you chose" in response.get_data(as_text=True)
    response = post(client, "/write/identifiers", {"customer_numbers": "experian-gb / Account: 1"})
    assert response.status_code == 302
    assert "Account: 1 (only to Experian Ltd)" in client.get("/write/check").get_data(as_text=True)


def test_missing_fields_show_error_summary_and_keep_input(client):
    post(client, "/write/organisations", {"orgs": ["experian-gb"], "shown": ["experian-gb"]})
    post(client, "/write/request", {"right": "access"})
    response = post(client, "/write/details", {"name": "", "address": "1 Road\nLeeds",
                                                "email": "not-an-email"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in html
    assert '<a href="#name">Enter your full name</a>' in html
    assert 'href="#email"' in html
    assert "1 Road\nLeeds</textarea>" in html and 'value="not-an-email"' in html
    assert "<title>Error:" in html


def test_choosing_nothing_is_an_error(client):
    response = post(client, "/write/organisations", {"action": "continue"})
    assert response.status_code == 400
    assert "Choose at least one organisation" in response.get_data(as_text=True)
    response = post(client, "/write/request", {})
    assert "Choose what you want the organisation to do" in response.get_data(as_text=True)


def test_unlisted_organisation(client):
    response = post(client, "/write/organisations/other", {
        "name": "Tiny Scoring Ltd", "address": "1 Data Street\nLondon\nEC1A 1BB", "country": "gb"})
    assert response.status_code == 302
    html = walk(client, orgs=(), right="access", steps=()).get_data(as_text=True)
    assert "Tiny Scoring Ltd" in html


def test_preselected_organisation_from_link(client):
    html = client.get("/write/organisations?org=equifax-gb").get_data(as_text=True)
    assert re.search(r'id="org-equifax-gb" name="orgs" type="checkbox" value="equifax-gb" checked', html)


def test_check_page_change_links_return_to_check(client):
    walk_until_check = post(client, "/write/organisations", {"orgs": ["acxiom-gb"], "shown": ["acxiom-gb"]})
    assert walk_until_check.status_code == 302
    post(client, "/write/request", {"right": "access"})
    post(client, "/write/details", {"name": "A B", "address": "1 Road\nLeeds LS1 1AA"})
    html = client.get("/write/check").get_data(as_text=True)
    assert "Check your answers" in html
    response = post(client, "/write/request?return=check", {"right": "object_marketing"})
    assert response.headers["Location"].endswith("/write/check")


def test_hostile_input_is_printed_literally(client):
    hostile = '<script>alert(1)</script> {{7*7}} %s ${x} \u200fevil 😀'
    html = walk(client, orgs=("acxiom-gb",), right="object_processing", steps=("more",), details={
        "name": hostile, "address": '<link rel="attachment" href="file:///etc/passwd">\nLeeds',
    }, more={"reasons": "file:///etc/passwd <img src=x onerror=alert(1)>"}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{7*7}} %s ${x}" in html
    txt_url = re.search(r'href="(/w/[^"]+/letter\.txt)"', html).group(1)
    text = client.get(txt_url).get_data(as_text=True)
    assert hostile in text
    assert '<link rel="attachment" href="file:///etc/passwd">' in text
    pdf = PdfReader(io.BytesIO(client.get(txt_url.replace(".txt", ".pdf")).data))
    assert "/EmbeddedFiles" not in pdf.trailer["/Root"].get("/Names", {})
    pdf_text = " ".join(p.extract_text() for p in pdf.pages)
    assert "{{7*7}}" in pdf_text and "root:x:0" not in pdf_text


def test_very_long_name_is_refused_clearly(client):
    post(client, "/write/organisations", {"orgs": ["acxiom-gb"], "shown": ["acxiom-gb"]})
    post(client, "/write/request", {"right": "access"})
    response = post(client, "/write/details", {"name": "x" * 10000, "address": "1 Road"})
    assert response.status_code == 400
    assert "300 characters or fewer" in response.get_data(as_text=True)


def test_language_switch_keeps_place(client):
    token = csrf_token(client.get("/write/request").get_data(as_text=True))
    response = client.post("/language", data={"lang": "cy", "next": "/write/request",
                                               "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/write/request")
    evil = client.post("/language", data={"lang": "de", "next": "//evil.example", "csrf_token": token})
    assert evil.headers["Location"] == "/"


def test_unknown_pages_are_404_not_500(client):
    assert client.get("/write/nope").status_code == 404
    assert client.get("/w/abc/r/def/letter.pdf").status_code == 404


def test_hidden_control_characters_are_refused_and_input_kept(client):
    post(client, "/write/organisations", {"orgs": ["acxiom-gb"], "shown": ["acxiom-gb"]})
    post(client, "/write/request", {"right": "access"})
    response = post(client, "/write/details", {"name": "Eve \u202egnp.exe", "address": "1 Road\x07"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert html.count("Remove the invisible control characters") == 4  # summary + field, twice
    assert "Eve \u202egnp.exe" in html


def test_dates_on_pages_are_british_english(client):
    html = walk(client, orgs=("acxiom-gb",), right="access", steps=()).get_data(as_text=True)
    assert "30 December 2026" in html


def test_access_log_redacts_secret_links():
    import logging

    from dsar.web.logs import RedactSecrets

    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '"%s" %s %s',
                               ("GET /w/SeCrEt-token_123/r/x/letter.pdf HTTP/1.1", "200", "-"), None)
    RedactSecrets().filter(record)
    message = record.getMessage()
    assert "SeCrEt-token_123" not in message and "/w/[redacted]/r/x/letter.pdf" in message


def test_link_from_organisation_page_preselects_the_request(client):
    # The link ticks the organisation and carries the request; continuing saves both.
    post(client, "/write/organisations?org=experian-gb&right=score_pack", {
        "orgs": ["experian-gb"], "shown": ["experian-gb"], "right": "score_pack"})
    html = client.get("/write/request").get_data(as_text=True)
    assert re.search(r'value="score_pack"[^>]*checked', html)
    post(client, "/write/organisations?org=equifax-gb&right=nonsense", {
        "orgs": ["equifax-gb"], "shown": ["equifax-gb"], "right": "nonsense"})
    html = client.get("/write/request").get_data(as_text=True)
    assert re.search(r'value="score_pack"[^>]*checked', html)


def _company_count(app) -> int:
    from sqlalchemy import func, select

    from dsar.directory.models import Organisation

    with app.app_context():
        session = app.extensions["dsar_sessions"]()
        count = session.scalar(select(func.count()).select_from(Organisation)
                               .where(Organisation.kind == "company"))
        session.close()
    return count


def test_organisation_step_leads_with_search_then_the_most_asked_then_all_counted(app, client):
    from dsar.wizard.organisations import MOST_ASKED

    total = _company_count(app)
    assert total > 50  # enough for three pages of 25
    html = client.get("/write/organisations").get_data(as_text=True)
    order = [html.index('id="q"'), html.index("Most asked about"),
             html.index(f"Browse all {total} organisations, A to Z")]
    assert order == sorted(order)
    most_asked = html[order[1]:order[2]]
    assert re.findall(r'id="org-([a-z0-9-]+)" name="orgs"', most_asked) == list(MOST_ASKED)
    assert f"Showing 1–25 of {total}" in html and "Page 1 of" in html
    assert len(re.findall(r'id="all-[a-z0-9-]+" name="orgs"', html)) == 25
    assert "<details class=\"details browse\" id=\"list\">" in html  # closed until browsed
    # Another page is a button of the form: the ticks on screen are saved first.
    response = post(client, "/write/organisations", {"orgs": ["acxiom-gb"], "shown": ["acxiom-gb"],
                                                     "page": "2"})
    assert response.status_code == 302 and response.headers["Location"].endswith("?page=2#list")
    html = client.get("/write/organisations?page=2").get_data(as_text=True)
    assert f"Showing 26–50 of {total}" in html and "open id=\"list\"" in html
    assert re.search(r'id="org-acxiom-gb" name="orgs" type="checkbox" value="acxiom-gb" checked', html)
    assert "Acxiom Ltd <span class=\"hint-inline\">(chosen)</span>" in html  # no second box
    last = client.get("/write/organisations?page=999").get_data(as_text=True)
    assert f"of {total}</p>" in last and "Next page" not in last


def test_organisation_search_says_how_many_match(client):
    html = client.get("/write/organisations?q=experian").get_data(as_text=True)
    found = int(re.search(r">(\d+) organisations? found<", html).group(1))
    assert "Results for “experian”" in html and 1 <= found <= 25
    assert len(re.findall(r'name="orgs" type="checkbox"', html)) == found
    assert "Most asked about" not in html and "Browse all" not in html
    assert 'id="org-experian-gb"' in html
    html = client.get("/write/organisations?q=zzzqqqxxx").get_data(as_text=True)
    assert "No organisation matches that search." in html


def test_wizard_suggestions_tick_the_organisation_on_this_step(client):
    items = client.get("/write/organisations/suggest?q=equif").get_json()
    assert items[0]["name"] == "Equifax Ltd"
    assert items[0]["url"] == "/write/organisations?org=equifax-gb"
    assert client.get("/write/organisations/suggest?q=e").get_json() == []


def _back(html: str) -> str:
    return re.search(r'<a class="back-link" href="([^"]+)"', html).group(1)


def test_back_links_go_to_the_step_actually_shown(client):
    post(client, "/write/organisations", {"orgs": ["experian-gb"], "shown": ["experian-gb"]})
    post(client, "/write/request", {"right": "score_pack"})
    post(client, "/write/details", {"name": "A B", "address": "1 Road\nLeeds LS1 1AA"})
    post(client, "/write/identifiers", {})
    post(client, "/write/more", {"decision": ""})
    assert _back(client.get("/write/check").get_data(as_text=True)) == "/write/more"
    assert _back(client.get("/write/more").get_data(as_text=True)) == "/write/identifiers"
    assert _back(client.get("/write/identifiers").get_data(as_text=True)) == "/write/details"
    assert _back(client.get("/write/details").get_data(as_text=True)) == "/write/request"
    assert _back(client.get("/write/request").get_data(as_text=True)) == "/write/organisations"
    assert _back(client.get("/write/more?return=check").get_data(as_text=True)) == "/write/check"
    # An ordinary company and a request with nothing more to ask: check goes back to details.
    post(client, "/write/organisations", {"orgs": ["tesco-gb"], "shown": ["experian-gb", "tesco-gb"]})
    post(client, "/write/request", {"right": "access"})
    assert _back(client.get("/write/check").get_data(as_text=True)) == "/write/details"
