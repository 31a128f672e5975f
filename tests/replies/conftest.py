"""The tracking fixtures (a clock the test moves, requests made through the services) shared
with tests/requests/, for the reply pages."""

from tests.requests.conftest import clock, make_tracked  # noqa: F401 - fixtures
