"""One set of input rules (dsar/validation.py): what the forms accept, the renderers can render.

Every input the renderers once refused is now a form error (never a 500), and a value stored
under older rules (written straight into the database) still gives a page that works and
says what is wrong."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from dsar.casework.models import Client
from dsar.directory.models import Correction
from dsar.letters.email import _address, mailto_link
from dsar.letters.inputs import InputError, parse_person
from dsar.requests.models import DataRequest
from dsar.validation import Problem, birth_date_from_parts, check_email, email_problem
from tests.casework.conftest import CLIENT_FORM, world  # noqa: F401 - fixtures
from tests.conftest import TODAY, csrf_token
from tests.directory.conftest import admin_app  # noqa: F401 - fixture
from tests.teams.conftest import db_session, invite, join, make_team  # noqa: F401 - fixtures
from tests.web.test_wizard import post, walk

PLAIN = "Use an email address with only plain letters (a to z), digits and . _ - + before the @"
BAD_EMAILS = {
    "jörg@example.org": PLAIN,
    "a,b@example.org": PLAIN,
    f"dpo@{'b' * 64}.example.org": "Enter an email address in the correct format, like name@example.com",
    f"{'x' * 65}@example.org": "Use an email address with 64 characters or fewer before the @",
}
LONG_LINE = "x" * 2001
THIRTEEN_LINES = "\n".join(f"{n} Old Road" for n in range(13))


# ---------------------------------------------------------------- the pure rules

@pytest.mark.parametrize("value, code", [
    ("jörg@example.org", "email_not_plain"), ("a,b@example.org", "email_not_plain"),
    (f"a@{'b' * 64}.org", "email_format"), (f"{'a' * 65}@example.org", "email_local_too_long"),
    ("a@" + ".".join(["b" * 60] * 5) + ".org", "too_long"), ("a@b", "email_format"),
    (".a@example.org", "email_format"), ("a@-b.org", "email_format"), ("a@@b.org", "email_format"),
    ("dpo@example.org", None), ("dpo@günstiger-reisen.de", None),  # sent as its xn-- form
])
def test_email_rule(value, code):
    assert email_problem(value) == code


@given(st.text(alphabet=st.sampled_from("aZ0.-_+,@ö\u00ad<> \"'(:;\\["), max_size=40)
       | st.emails().map(str))
@settings(max_examples=400, deadline=None, derandomize=True)
def test_every_address_the_rule_accepts_the_email_renderer_accepts(value):
    if value and not check_email("email", value):
        assert _address(value).addr_spec.split("@")[0] == value.split("@")[0]


@pytest.mark.parametrize("parts, code", [
    (("1", "1", "99999999999"), "date_format"), (("31", "2", "1990"), "date_format"),
    (("1", "1", "1899"), "date_too_early"), (("26", "11", "2026"), "date_in_future"),
    (("٢", "1", "1990"), "date_format"), (("1e1", "1", "1990"), "date_format"),
])
def test_date_of_birth_is_a_real_past_date_against_the_injected_today(parts, code):
    value, problems = birth_date_from_parts("dob", *parts, today=TODAY)
    assert value is None and problems == [Problem("dob", code, 1900 if code == "date_too_early" else None)]
    assert birth_date_from_parts("dob", "25", "11", "2026", today=TODAY)[0] == date(2026, 11, 25)


def test_input_error_names_its_field_and_never_the_value():
    with pytest.raises(InputError) as raised:
        parse_person({"name": "Jörg", "address": ["1 Road"], "email": "jörg@example.org"})
    assert (raised.value.field, raised.value.code) == ("email", "email_not_plain")
    assert "jörg" not in str(raised.value)
    with pytest.raises(InputError) as raised:
        parse_person({"name": "J", "address": ["1 Road"], "previous_addresses": [THIRTEEN_LINES]})
    assert str(raised.value) == "previous_addresses: more than 10 lines"


# ---------------------------------------------------------------- the wizard

def _to_details(client):
    post(client, "/write/organisations", {"orgs": ["equifax-gb"], "shown": ["equifax-gb"]})
    post(client, "/write/request", {"right": "access"})


@pytest.mark.parametrize("field, value, message", [
    *(("email", email, message) for email, message in BAD_EMAILS.items()),
    ("address", f"{LONG_LINE}\nLeeds", "Must be 2000 characters or fewer"),
    ("address", THIRTEEN_LINES, "Enter your address in 10 lines or fewer"),
    ("name", "Jo\u202eBloggs", "Remove the invisible control characters"),
])
def test_wizard_details_refuse_what_the_renderers_cannot_render(client, field, value, message):
    _to_details(client)
    form = {"name": "Jo Bloggs", "address": "1 Road\nLeeds", "email": "jo@example.org", field: value}
    response = post(client, "/write/details", form)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'<a href="#{field}">{message}' in html


@pytest.mark.parametrize("form, field, message", [
    ({"dob-day": "1", "dob-month": "1", "dob-year": "99999999999"}, "dob-day", "real date in the past"),
    ({"dob-day": "26", "dob-month": "11", "dob-year": "2026"}, "dob-day", "real date in the past"),
    ({"previous_addresses": THIRTEEN_LINES}, "previous_addresses", "Enter 10 lines or fewer"),
    ({"previous_addresses": "\n\n".join(["1 Road"] * 11)}, "previous_addresses",
     "Enter 10 addresses or fewer"),
    ({"customer_numbers": f"Account: {LONG_LINE}"}, "customer_numbers", "Must be 2000 characters or fewer"),
])
def test_wizard_identifiers_refuse_bad_dates_and_too_many_lines(client, form, field, message):
    _to_details(client)
    post(client, "/write/details", {"name": "Jo", "address": "1 Road\nLeeds"})
    response = post(client, "/write/identifiers", form)
    assert response.status_code == 400
    assert f'<a href="#{field}">' in response.get_data(as_text=True)
    assert message in response.get_data(as_text=True)


def test_an_organisation_typed_by_hand_with_an_unusable_email_is_refused(client):
    response = post(client, "/write/organisations/other", {
        "name": "Acme", "address": "1 Road\nLeeds", "email": "a,b@example.org", "country": "gb"})
    assert response.status_code == 400
    assert '<a href="#email">Use an email address' in response.get_data(as_text=True)


def test_a_draft_saved_under_older_rules_asks_the_step_again(client, app):
    _to_details(client)
    post(client, "/write/details", {"name": "Jo", "address": "1 Road\nLeeds"})
    post(client, "/write/identifiers", {})
    from dsar.wizard.models import WizardDraft
    with app.extensions["dsar_sessions"]() as session:
        draft = session.scalar(select(WizardDraft))
        older = {"name": "Jo", "address": "1 Road", "email": "a,b@example.org"}
        draft.data = {**draft.data, "details": older}
        session.commit()
    response = client.get("/write/check")
    assert response.status_code == 302 and response.headers["Location"].endswith("/write/details")


# ---------------------------------------------------------------- the client form

@pytest.mark.parametrize("field, value", [
    *(("email", email) for email in BAD_EMAILS), ("address", f"{LONG_LINE}\nLeeds"),
    ("address", THIRTEEN_LINES), ("previous_addresses", THIRTEEN_LINES), ("dob-year", "99999999999"),
    ("identifiers", "Account\u0000: 1"),
])
def test_client_form_names_the_field(world, db_session, field, value):  # noqa: F811 - fixture
    url = f"/t/{world.team.slug}/clients/new"
    page = world.worker.get(url).get_data(as_text=True)
    response = world.worker.post(url, data={"csrf_token": csrf_token(page), **CLIENT_FORM, field: value})
    assert response.status_code == 400
    assert f'href="#{"dob-day" if field == "dob-year" else field}"' in response.get_data(as_text=True)
    assert db_session.scalar(select(Client)) is None


# ---------------------------------------------------------------- directory corrections

def test_a_suggested_email_the_renderer_refuses_is_a_form_error(client):
    token = csrf_token(client.get("/organisations/acxiom-gb").get_data(as_text=True))
    response = client.post("/organisations/acxiom-gb/corrections", data={
        "csrf_token": token, "field-1": "email", "value-1": "jörg@example.org",
        "source_url": "https://example.org/privacy"})
    assert response.status_code == 400
    assert "Use an email address with only plain letters" in response.get_data(as_text=True)


def test_accepting_a_stored_suggestion_with_such_an_email_is_refused_not_a_500(admin_app, client):  # noqa: F811
    from tests.directory.test_admin_security import _login

    with admin_app.extensions["dsar_sessions"]() as session:
        session.add(Correction(public_id="old-one", org_slug="acxiom-gb",
                               changes={"email": "a,b@example.org"},
                               source_url="https://example.org", comment="", status="pending",
                               client_hash="x", network_hash="y", created_at=TODAY))
        session.commit()
    _login(client)
    page = client.get("/admin/corrections").get_data(as_text=True)
    response = client.post("/admin/corrections/old-one",
                           data={"csrf_token": csrf_token(page), "action": "accept"})
    assert response.status_code == 409
    assert "use an address with only plain letters" in response.get_data(as_text=True)
    assert client.get("/organisations/acxiom-gb").status_code == 200


# ---------------------------------------------------------------- values stored under older rules

def _spoil(app, **values):
    with app.extensions["dsar_sessions"]() as session:
        session.execute(update(DataRequest).values(**values))
        session.commit()


def test_a_stored_bad_recipient_email_shows_the_letter_without_an_email_option(client, app):
    page = walk(client, orgs=("equifax-gb",), right="access", steps=("identifiers",))
    url = re.search(r'href="(/w/[^"?]+)', page.get_data(as_text=True)).group(1)
    token_url = url.split("/r/")[0] if "/r/" in url else url
    with app.extensions["dsar_sessions"]() as session:
        stored = session.scalar(select(DataRequest))
        recipient, person = dict(stored.recipient), dict(stored.person)
    _spoil(app, recipient={**recipient, "email": "a,b@example.org"},
           person={**person, "email": "jörg@example.org", "address": [LONG_LINE, *(["x"] * 12)],
                   "date_of_birth": "99999999999"})
    response = client.get(token_url)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "email address saved with this request cannot be used, so there is no email option" in html
    assert "Your email address saved with this request cannot be used" in html
    assert "do not follow our rules" in html
    assert "mailto:a" not in html and "letter.eml" not in html
    public_id = re.search(r'/r/([^/"]+)/letter\.pdf', html).group(1)
    assert client.get(f"{token_url}/r/{public_id}/letter.pdf").status_code == 200
    assert client.get(f"{token_url}/r/{public_id}/letter.txt").status_code == 200
    assert client.get(f"{token_url}/r/{public_id}/letter.eml").status_code == 404
    assert client.get(f"{token_url}/r/{public_id}").status_code == 200


def test_mailto_link_never_raises_for_what_a_letter_holds(make_request):
    from dsar.letters.compose import compose
    from tests.conftest import SCHUFA

    letter = compose(make_request(jurisdiction="eu", recipient=SCHUFA))
    assert mailto_link(letter).startswith("mailto:datenschutz@schufa.de?subject=")
    for bad in ("a,b@example.org", "jörg@example.org", "x@example.org\r\nBcc: y@example.org", "\ud800@x.org"):
        assert mailto_link(letter, to=bad) is None


@pytest.mark.parametrize("change, line", [
    ({"email": "jörg@example.org"},
     "error: email: use an address with only plain letters, digits and . _ - + before the @"),
    ({"address": ["1 Road"] * 11}, "error: address: more than 10 lines"),
    ({"date_of_birth": "1899-12-31"}, "error: date_of_birth: before the year 1900"),
])
def test_the_cli_prints_the_same_rule_as_one_english_line(cli_runner, tmp_path, change, line):
    import json

    person = tmp_path / "person.json"
    data = {"name": "Jörg", "address": ["1 Road", "Leeds"], **change}
    person.write_text(json.dumps(data), encoding="utf-8")
    result = cli_runner("letter", "access", "--org", "equifax-gb", "--person", str(person),
                        "--out", str(tmp_path / "x.txt"))
    assert result.exit_code == 2
    assert result.stderr == line + "\n"
