"""No page with personal data is cached, and no GET changes state: following a link from an
organisation page only ticks it on screen; switching language is a form (POST, CSRF)."""

from __future__ import annotations

import re

from sqlalchemy import event, func, select

from dsar.wizard.models import WizardDraft
from tests.conftest import csrf_token
from tests.web.test_wizard import walk


def test_every_page_but_static_files_is_no_store(client):
    workspace = walk(client, orgs=("acxiom-gb",), right="access", steps=())
    token = csrf_token(client.get("/").get_data(as_text=True))
    for response in (
        client.get("/"), client.get("/write/organisations"), client.get("/write/details"),
        client.get("/write/check"), client.get("/organisations/experian-gb"), client.get("/write/nope"),
        workspace, client.post("/language", data={"lang": "cy", "next": "/", "csrf_token": token}),
    ):
        assert response.headers.get("Cache-Control") == "no-store", response.request.path
    static = client.get("/static/dsar.css")
    assert static.status_code == 200 and "no-store" not in static.headers.get("Cache-Control", "")


def _drafts(app) -> int:
    with app.app_context():
        session = app.extensions["dsar_sessions"]()
        count = session.scalar(select(func.count()).select_from(WizardDraft))
        session.close()
    return count


def test_a_link_from_an_organisation_page_changes_nothing_until_the_form_is_sent(app, client):
    page = client.get("/write/organisations?org=experian-gb&right=score_pack")
    html = page.get_data(as_text=True)
    # Ticked on screen, the request carried in the form...
    assert re.search(r'value="experian-gb" checked', html)
    assert '<input type="hidden" name="right" value="score_pack">' in html
    # ...but nothing stored, and nothing in the session.
    assert _drafts(app) == 0
    with client.session_transaction() as session:
        assert "draft" not in session
    request_page = client.get("/write/request").get_data(as_text=True)
    assert not re.search(r'value="score_pack"[^>]*checked', request_page)
    # Sending the form as shown saves both.
    response = client.post("/write/organisations", data={
        "orgs": ["experian-gb"], "shown": ["experian-gb"], "right": "score_pack",
        "action": "continue", "csrf_token": csrf_token(html)})
    assert response.status_code == 302 and _drafts(app) == 1
    request_page = client.get("/write/request").get_data(as_text=True)
    assert re.search(r'value="score_pack"[^>]*checked', request_page)


def test_wizard_pages_do_not_write_on_get(app, client):
    """Not even a write that is rolled back: a GET must work while another process holds
    the write lock."""
    writes = []

    def watch(_conn, _cursor, statement, *_args):
        if statement.lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            writes.append(statement)

    event.listen(app.extensions["dsar_engine"], "before_cursor_execute", watch)
    for path in ("/write/organisations?org=experian-gb&right=access", "/write/request",
                 "/write/details", "/write/check"):
        client.get(path)
    assert writes == []


def test_language_switch_is_a_form_not_a_link(client):
    html = client.get("/write/request").get_data(as_text=True)
    switcher = re.search(r'<form class="lang-switch" method="post" action="/language">(.*?)</form>',
                         html, re.S).group(1)
    assert 'name="csrf_token"' in switcher
    assert '<input type="hidden" name="next" value="/write/request?">' in switcher
    assert ('<button class="link-button" type="submit" name="lang" value="cy" lang="cy">Cymraeg</button>'
            in switcher)
    # A GET never switches; a POST without its CSRF token is refused.
    assert client.get("/language/cy?next=/").status_code in (404, 405)
    assert client.post("/language", data={"lang": "cy", "next": "/"}).status_code == 400
    assert 'lang="en"' in client.get("/").get_data(as_text=True)
    response = client.post("/language", data={"lang": "cy", "next": "/write/request",
                                              "csrf_token": csrf_token(html)})
    assert response.status_code == 302 and response.headers["Location"] == "/write/request"
    assert 'lang="cy"' in client.get("/").get_data(as_text=True)

