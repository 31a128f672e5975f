"""The tracking fixtures (a clock, requests made through the services, form posting with
real CSRF tokens) serve the reply tests too."""

from tests.requests.conftest import cli, clock, make_tracked  # noqa: F401 - fixtures
