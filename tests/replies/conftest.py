"""The request fixtures (a clock, requests made through the services, a real SMTP server and
the CLI on the same database), shared with tests/requests/."""

from tests.requests.conftest import cli, clock, make_tracked, smtp_server  # noqa: F401
