"""The directory's web pages with the Flask test client: search, organisation page, suggested
corrections (CSRF, validation, rate limit) and the reviewers' pages."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from dsar.directory.models import Correction
from dsar.directory.services import get_organisation, get_origin, search_organisations
from tests.conftest import csrf_token
from tests.directory.conftest import ADMIN_TOKEN

SOURCE = "https://www.acxiom.co.uk/about-acxiom/privacy/contact/"


# ---------------------------------------------------------------- search

def test_search_page_without_javascript(client):
    page = client.get("/organisations?q=Experain").get_data(as_text=True)
    assert 'href="/organisations/experian-gb"' in page
    assert page.index("experian-gb") < page.index("</ul>", page.index("result-list"))


def test_search_filters(client):
    page = client.get("/organisations?q=&category=credit_reference_agency&country=gb").get_data(as_text=True)
    assert "/organisations/equifax-gb" in page and "/organisations/acxiom-gb" not in page
    assert '<option value="credit_reference_agency" selected>' in page
    assert '<option value="gb" selected>' in page
    # Unknown filter values are ignored, not errors.
    assert client.get("/organisations?q=x&category=nonsense&country=12345").status_code == 200


def test_search_no_results_message(client):
    page = client.get("/organisations?q=zzqxjw").get_data(as_text=True)
    assert "No organisation matches that search." in page


def test_suggest_json(client):
    assert client.get("/organisations/suggest?q=e").get_json() == []
    items = client.get("/organisations/suggest?q=equi").get_json()
    assert items[0] == {"slug": "equifax-gb", "name": "Equifax Ltd", "url": "/organisations/equifax-gb"}
    assert not any(i["slug"] == "ico-gb" for i in client.get("/organisations/suggest?q=ico").get_json())
    assert client.get("/organisations/suggest?q=ico&scope=all").get_json()[0]["slug"] == "ico-gb"


# ---------------------------------------------------------------- organisation page

def test_organisation_page_content(client):
    response = client.get("/organisations/experian-gb")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Experian Ltd</h1>" in page
    assert "Credit reference agency" in page and "Keeps a credit file about you" in page
    assert "PO Box 9000" in page and "NG80 7WP" in page
    assert "Your date of birth" in page  # the identity they ask for
    assert "Checked by dsar" in page
    assert "Last checked on 26 November 2026." in page  # British English, the pages' language
    assert 'href="https://www.experian.co.uk/legal/privacy-statement.html" rel="nofollow noopener"' in page
    # A source that is not a web address stays text, not a link.
    assert "<li>datenanfragen.de company database, record experian-gb (CC0)</li>" in page
    assert "Credit Reference Agency Information Notice (CRAIN)" in page  # a named source stays text
    # The requests that make sense for a CRA, each starting the wizard with Experian chosen.
    for right in ("access", "score_pack", "rectification"):
        assert f'href="/write/organisations?org=experian-gb&amp;right={right}"' in page
    assert 'href="/write/organisations?org=experian-gb" role="button"' in page  # "Write to them"
    assert "These details were last checked" not in page


def test_broker_page_offers_the_profiling_requests(client):
    page = client.get("/organisations/acxiom-gb").get_data(as_text=True)
    for right in ("profiling_pack", "object_marketing", "erasure"):
        assert f"right={right}" in page


def test_regulator_page_has_no_write_button(client):
    page = client.get("/organisations/ico-gb").get_data(as_text=True)
    assert "Complaining to this regulator" in page and "Write to them" not in page


def test_stale_warning_after_twelve_months(app, client):
    app.config["DSAR_TODAY"] = date(2027, 11, 27)
    page = client.get("/organisations/experian-gb").get_data(as_text=True)
    assert "These details were last checked on 26 November 2026, more than a year ago." in page
    app.config["DSAR_TODAY"] = date(2027, 11, 26)
    assert "more than a year ago" not in client.get("/organisations/experian-gb").get_data(as_text=True)


def test_unknown_organisation_is_404(client):
    assert client.get("/organisations/no-such-org").status_code == 404
    token = csrf_token(client.get("/organisations/experian-gb").get_data(as_text=True))
    response = client.post("/organisations/no-such-org/corrections",
                           data={"csrf_token": token, "field-1": "email", "value-1": "a@b.co",
                                 "source_url": SOURCE})
    assert response.status_code == 404 and "<h1>Page not found</h1>" in response.get_data(as_text=True)
    # Without a CSRF token the form is refused before the organisation is looked up.
    assert client.post("/organisations/no-such-org/corrections", data={}).status_code == 400


# ---------------------------------------------------------------- suggesting a correction

def _suggest(client, slug="acxiom-gb", **fields):
    token = csrf_token(client.get(f"/organisations/{slug}").get_data(as_text=True))
    data = {"csrf_token": token, "source_url": SOURCE} | fields
    return client.post(f"/organisations/{slug}/corrections", data=data)


def test_suggestion_is_stored_pending_and_not_shown(app, client):
    response = _suggest(client, **{"field-1": "email", "value-1": "privacy@acxiom.example",
                                   "field-2": "address", "value-2": "2 New Street\nLondon\nSE1 9AA"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/organisations/acxiom-gb?suggested=1#correction-sent")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Thank you for your suggestion" in page
    assert "privacy@acxiom.example" not in page and "2 New Street" not in page
    with app.extensions["dsar_sessions"]() as session:
        correction = session.scalar(select(Correction))
        assert correction.status == "pending" and correction.org_slug == "acxiom-gb"
        assert correction.changes == {"email": "privacy@acxiom.example",
                                      "address": "2 New Street\nLondon\nSE1 9AA"}
        assert len(correction.client_hash) == 64 and "127.0.0.1" not in correction.client_hash


def test_suggestion_needs_csrf(client):
    response = client.post("/organisations/acxiom-gb/corrections",
                           data={"field-1": "email", "value-1": "a@b.co", "source_url": SOURCE})
    assert response.status_code == 400
    assert "Your session has expired" in response.get_data(as_text=True)


def test_bad_suggestion_shows_errors_and_keeps_what_was_typed(app, client):
    response = _suggest(client, source_url="not a url", **{"field-1": "email", "value-1": "nobody-at-example",
                                                           "field-2": "", "value-2": "orphan value"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert 'href="#value-1">Enter an email address like name@example.com' in page
    assert 'href="#field-2">Choose which detail is wrong' in page
    assert 'href="#source_url">Enter a web address starting with https://' in page
    assert "nobody-at-example" in page and "orphan value" in page and 'value="not a url"' in page
    assert '<option value="email" selected>' in page
    assert "<details class=\"details\" id=\"correct\" open>" in page
    with app.extensions["dsar_sessions"]() as session:
        assert session.scalar(select(Correction)) is None


def test_empty_suggestion(client):
    page = _suggest(client, source_url="").get_data(as_text=True)
    assert "Choose a detail to correct and enter what it should say" in page
    assert "Enter the web address where the correct details are published" in page


def test_rate_limit_per_client_per_hour(client):
    for i in range(5):
        assert _suggest(client, **{"field-1": "phone", "value-1": f"+44 20 0000 000{i}"}).status_code == 302
    limited = _suggest(client, **{"field-1": "phone", "value-1": "+44 20 0000 0009"})
    assert limited.status_code == 429
    assert "You can send up to 5 suggestions an hour" in limited.get_data(as_text=True)
    token = csrf_token(client.get("/organisations/acxiom-gb").get_data(as_text=True))
    other = client.post("/organisations/acxiom-gb/corrections", environ_base={"REMOTE_ADDR": "10.1.2.3"},
                        data={"csrf_token": token, "field-1": "phone", "value-1": "+44 20 0000 0010",
                              "source_url": SOURCE})
    assert other.status_code == 302


# ---------------------------------------------------------------- reviewing

def test_admin_pages_404_without_a_token(client):
    for method, url in (("get", "/admin/login"), ("get", "/admin/corrections"), ("post", "/admin/login"),
                        ("post", "/admin/corrections/abc")):
        assert getattr(client, method)(url).status_code == 404, url


def _login(client, token=ADMIN_TOKEN):
    page = client.get("/admin/login").get_data(as_text=True)
    return client.post("/admin/login", data={"csrf_token": csrf_token(page), "token": token})


def test_admin_needs_login(admin_app, client):
    assert client.get("/admin/corrections").headers["Location"].endswith("/admin/login")
    wrong = _login(client, "guess")
    assert wrong.status_code == 401 and "That token is not right" in wrong.get_data(as_text=True)
    assert client.get("/admin/corrections").status_code == 302
    assert _login(client).headers["Location"].endswith("/admin/corrections")
    page = client.get("/admin/corrections")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Nothing is waiting for review." in page.get_data(as_text=True)


def test_accept_updates_the_record(admin_app, client):
    _suggest(client, **{"field-1": "email", "value-1": "dpo@acxiom.example",
                        "field-2": "aliases", "value-2": "Acxiom\nAcxiom UK"}, comment="Changed in 2026.")
    _login(client)
    page = client.get("/admin/corrections").get_data(as_text=True)
    assert "dpo@acxiom.example" in page and "dataprotection@acxiom.com" in page and "Changed in 2026." in page
    with admin_app.extensions["dsar_sessions"]() as session:
        public_id = session.scalar(select(Correction.public_id))
    response = client.post(f"/admin/corrections/{public_id}",
                           data={"csrf_token": csrf_token(page), "action": "accept"})
    assert response.status_code == 302
    with admin_app.extensions["dsar_sessions"]() as session:
        record = get_organisation(session, "acxiom-gb")
        assert record.email == "dpo@acxiom.example"
        assert record.aliases == ("Acxiom", "Acxiom UK")
        assert record.sources[-1] == SOURCE
        assert record.last_checked == date(2026, 11, 26)
        assert get_origin(session, "acxiom-gb") == "corrected"
        assert session.scalar(select(Correction.status)) == "accepted"
        assert search_organisations(session, "acxiom uk")[0].slug == "acxiom-gb"  # the index followed
    public = client.get("/organisations/acxiom-gb").get_data(as_text=True)
    assert "dpo@acxiom.example" in public and "Corrected after a suggestion" in public
    # Reviewing it twice is an error message, not a 500.
    again = client.post(f"/admin/corrections/{public_id}",
                        data={"csrf_token": csrf_token(page), "action": "accept"})
    assert again.status_code == 409 and "already been reviewed" in again.get_data(as_text=True)


def test_reject_leaves_the_record(admin_app, client):
    _suggest(client, **{"field-1": "name", "value-1": "Totally Different Ltd"})
    _login(client)
    page = client.get("/admin/corrections").get_data(as_text=True)
    with admin_app.extensions["dsar_sessions"]() as session:
        public_id = session.scalar(select(Correction.public_id))
    response = client.post(f"/admin/corrections/{public_id}",
                           data={"csrf_token": csrf_token(page), "action": "reject"})
    assert response.status_code == 302
    assert "Rejected." in client.get(response.headers["Location"]).get_data(as_text=True)
    with admin_app.extensions["dsar_sessions"]() as session:
        assert get_organisation(session, "acxiom-gb").name == "Acxiom Ltd"
        assert session.scalar(select(Correction.status)) == "rejected"
        assert get_origin(session, "acxiom-gb") == "curated"


def test_logout(admin_app, client):
    _login(client)
    page = client.get("/admin/corrections").get_data(as_text=True)
    client.post("/admin/logout", data={"csrf_token": csrf_token(page)})
    assert client.get("/admin/corrections").status_code == 302
