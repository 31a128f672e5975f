"""Building a team's caseload through the real services: clients, their requests, and events
recorded (or retracted) the way the tracking pages record them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from dsar.casework import services
from dsar.casework.models import Client
from dsar.requests import tracking
from dsar.requests.models import DataRequest, Event
from dsar.requests.services import create_request, event_values

PERSON = {"name": "Jo Bloggs", "address": ["1 Safe Street", "Leeds", "LS1 1AA"]}


def add_client(session, team_id: int, name: str, caseworker_id: int | None) -> Client:
    values = {"name": name, "address": ["1 Safe Street", "Leeds", "LS1 1AA"], "previous_addresses": [],
              "date_of_birth": None, "email": "", "phone": "", "preferred_language": "en",
              "identifiers": {}, "safe_contact": False}
    return services.create_client(session, team_id, values, caseworker_id=caseworker_id)


def add_request(session, client: Client, written: date, *, organisation: str = "Experian Ltd",
                country: str = "gb", right: str = "access") -> DataRequest:
    return create_request(
        session, client.workspace, right=right, jurisdiction="eu" if country != "gb" else "uk",
        language="en", org_slug=None, details={}, today=written, person=PERSON,
        recipient={"name": organisation, "address": ["1 Road", "Nottingham"], "country": country},
    )


def record(session, request: DataRequest, kind: str, day: date, uploads: Path,
           supersedes: int | None = None, **data) -> Event:
    submission = tracking.Submission(occurred_on=day, data=data)
    return tracking.record(session, request, kind, submission, uploads, supersedes=supersedes)


def retract(session, request: DataRequest, event_id: int, today: date) -> Event:
    event = next(e for e in event_values(request) if e.id == event_id)
    return tracking.retract(session, request, event, today)
