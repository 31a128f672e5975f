"""No secret link and no email address reaches a log: not the access log, not Flask's
"Exception on …" line, not the traceback's exception message."""

from __future__ import annotations

import io
import logging

import pytest

from dsar.letters.compose import compose
from dsar.letters.email import render_email
from dsar.letters.inputs import InputError, parse_person
from dsar.requests.services import create_workspace

EMAIL = "sian.llwyd@example.org"


@pytest.fixture
def root_stream():
    """A real StreamHandler on the root logger, attached before the app is created (as a
    deployment's logging configuration would be)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


@pytest.fixture
def app(root_stream, app):
    return app


@pytest.fixture
def token(app):
    with app.app_context():
        session = app.extensions["dsar_sessions"]()
        _workspace, token = create_workspace(session)
        session.commit()
        session.close()
    return token


def test_unhandled_error_under_a_secret_link_logs_neither_token_nor_email(
        app, token, caplog, root_stream):
    # A test-only page under the workspace prefix whose failure message holds an address,
    # as a library error about a stored value would.
    def failing_page(token):
        raise RuntimeError(f"could not deliver to {EMAIL} for workspace /w/{token}")

    app.add_url_rule("/w/<token>/failing", "failing_page", failing_page)
    app.testing = False  # serve the 500 page instead of re-raising, as in production
    caplog.set_level(logging.INFO)
    response = app.test_client().get(f"/w/{token}/failing?token={token}")

    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in page
    assert "Traceback" not in page and EMAIL not in page and "RuntimeError" not in page
    logged = caplog.text + root_stream.getvalue()
    assert "Exception on /w/<token>/failing [GET]" in caplog.text
    assert "Traceback" in root_stream.getvalue()  # the traceback is still logged, redacted
    assert "[email]" in root_stream.getvalue()
    assert token not in logged
    assert EMAIL not in logged and "example.org" not in logged


def test_other_loggers_are_redacted_by_the_root_handlers(app, token, root_stream):
    logging.getLogger("some.library").warning("fetched /w/%s for %s", token, EMAIL)
    logged = root_stream.getvalue()
    assert "fetched /w/[redacted] for [email]" in logged
    assert token not in logged and EMAIL not in logged


def test_messages_of_our_errors_do_not_echo_an_email_address(make_request):
    with pytest.raises(InputError) as raised:
        parse_person({"name": "Siân", "address": ["1 Road"], "email": "sian@@example.org"})
    assert "sian@" not in str(raised.value)
    with pytest.raises(ValueError) as raised:
        render_email(compose(make_request()), to="Siân <sian@@example.org>")
    assert "sian@" not in str(raised.value)
