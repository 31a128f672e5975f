"""A seeded fuzzer over every route of the app, shared by tests/security/test_fuzz.py (a
bounded run in the test suite) and bench/fuzz.py (a long run that prints its figures).

It builds a small world first — a private workspace with two requests (one to an organisation
with an email address), a team with a signed-in admin and a client with a request, a pending directory
correction and a signed-in directory reviewer — so that path parameters can be real tokens and
the deep pages are reached, not only their 404s. Then every request picks a route from
``app.url_map``, fills its parameters (mostly valid, sometimes hostile), picks form fields from
the page templates and the values from a hostile corpus: invalid UTF-8, NUL, bidi controls,
very long text, huge numbers, odd dates, repeated and missing parameters, missing, wrong and
repeated CSRF tokens. A response fails the run when it is a 5xx (or the app raised) or when a
text/html response holds ``MARKER`` unescaped.
"""

from __future__ import annotations

import inspect
import io
import random
import re
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from dsar.letters.inputs import recipient_to_dict
from dsar.requests.models import Event
from dsar.requests.services import create_request, create_workspace
from dsar.teams import accounts
from tests.conftest import EXPERIAN, SCHUFA, TODAY

MARKER = '<script>fz1</script>"fz2'
PASSWORD = "correct horse battery staple"
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
PERSON = {"name": "Siân Llŵyd", "address": ["12 Heol y Frenhines", "Cardiff", "CF10 1AA"],
          "email": "sian@example.org", "date_of_birth": "1984-03-27"}
CLIENT_FORM = {"name": "Jo Bloggs", "address": "1 Safe Street\nLeeds\nLS1 1AA", "email": "jo@example.org",
               "dob-day": "27", "dob-month": "3", "dob-year": "1980", "preferred_language": "en"}
# Signed-in personas keep one address: Flask-Login's strong session protection ends a session
# whose address changes.
SIGNED_IN = {"member", "reviewer"}
# Endpoints that end the persona's session: sent from a throwaway client instead.
SESSION_ENDERS = {"team.sign_out", "team_auth.logout", "directory.admin.logout"}

HOSTILE = [
    "", " ", "0", "-1", "00", "1" * 40, "99999999999", "-99999999999", "1e309", "NaN", "inf",
    "0x1F", "٣", "١٩٨٠", "2026-02-30", "0000-00-00", "9999-12-31", "1899-12-31", "31", "32", "13",
    "2026", "\x00", "a\x00b", "\u202eevil\u202c", "\u2066x\u2069", "\ufeff", "\u200b", "\x1b[31m",
    "\r\nBcc: x@example.org", "jörg@example.org", "a,b@example.org", f"a@{'b' * 64}.org",
    "x" * 2001, "y" * 20001, "\n".join(["line"] * 13), "\n\n".join(["1 Road"] * 12),
    MARKER, f"{MARKER}@example.org", "../../etc/passwd", "%00", "{{7*7}}", "' OR 1=1 --",
    "😀" * 50, "\u0301" * 100, "Account: 1", "experian-gb / Account: 1", "Account", ":",
    "https://example.org/privacy", "javascript:alert(1)", "http://", "true", "yes", "on",
]
VALID = {
    "right": ["access", "erasure", "score_pack", "rectification"], "orgs": ["experian-gb", "equifax-gb"],
    "shown": ["experian-gb"], "country": ["gb", "de"], "email": ["jo@example.org"],
    "name": ["Jo Bloggs"], "address": ["1 Road\nLeeds\nLS1 1AA"], "date-day": ["1", "27"],
    "date-month": ["3", "11"], "date-year": ["2026"], "dob-day": ["27"], "dob-month": ["3"],
    "dob-year": ["1980"], "action": ["accept", "reject", "stop"], "role": ["caseworker", "readonly", "admin"],
    "lang": ["en", "cy", "de"], "preferred_language": ["en", "cy"], "channel": ["letter", "email"],
    "ground": ["unlawful", "accuracy_contested"], "consent": ["yes"], "safe_contact": ["yes"],
    "completeness": ["complete", "partial"], "outcome": ["fulfilled", "withdrawn"],
    "field-1": ["email", "phone", "name", "address"], "value-1": ["privacy@example.org"],
    "source_url": ["https://example.org/privacy"], "password": [PASSWORD],
    "password_again": [PASSWORD], "customer_numbers": ["Account: 12345"],
}
EXTRA_FIELDS = ["field-2", "value-2", "field-3", "value-3", "lang-experian-gb", "lang-custom-0",
                "member", "token", "code", "details", "harm", "note", "date", "page", "done"]


def form_field_names() -> list[str]:
    """Every field name the page templates' forms use, plus those built at render time."""
    names = set(EXTRA_FIELDS)
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        names.update(re.findall(r'name="([A-Za-z0-9_-]+)"', text))
        names.update(re.findall(r'(?:text_input|textarea|date_input)\("([A-Za-z0-9_-]+)"', text))
    names.discard("viewport")
    return sorted(names)


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    return match.group(1) if match else ""


@dataclass
class Persona:
    client: object
    csrf: str = ""


@dataclass
class World:
    """The real tokens and ids a fuzzed path may use."""

    params: dict[str, list[str]]
    personas: dict[str, Persona]
    team_slug: str


def _session(app):
    return app.extensions["dsar_sessions"]()


def _join_team(app, team_slug: str, session) -> Persona:
    from dsar.teams.models import Team

    team = session.scalar(select(Team).where(Team.slug == team_slug))
    email = f"fuzz{random.randrange(10**9)}@team.example"
    token = accounts.invite(session, team, email, "admin")
    session.commit()
    client = app.test_client()
    page = client.get(f"/team/invitation/{token}").get_data(as_text=True)
    client.post(f"/team/invitation/{token}", data={"csrf_token": _csrf(page), "name": "Fuzz",
                                                    "password": PASSWORD, "password_again": PASSWORD})
    return Persona(client, _csrf(client.get(f"/t/{team_slug}/clients/new").get_data(as_text=True)))


def build_world(app, admin_token: str) -> World:
    """Make the tokens and signed-in clients the fuzzed requests use."""
    session = _session(app)
    workspace, token = create_workspace(session)
    requests = [create_request(session, workspace, right="access", jurisdiction=j, language="en",
                               org_slug=None, recipient=recipient_to_dict(r), person=dict(PERSON),
                               details={"channel": "letter"}, today=TODAY)
                for j, r in (("uk", EXPERIAN), ("eu", SCHUFA))]
    team, _admin_invitation = accounts.create_team(session, "Fuzz Advice", "admin@fuzz.example")
    invitation = accounts.invite(session, team, "invited@fuzz.example", "caseworker")
    session.commit()
    events = [str(e) for e in session.scalars(select(Event.id))]
    team_slug = team.slug

    member = _join_team(app, team_slug, session)
    member.client.post(f"/t/{team_slug}/clients/new", data={"csrf_token": member.csrf, **CLIENT_FORM})
    from dsar.casework.models import Client
    from dsar.teams.models import Account
    clients = [c.public_id for c in session.scalars(select(Client))]
    # A request of the client's, so that the team's request pages are reached too.
    client_workspace = session.scalar(select(Client)).workspace
    requests.append(create_request(session, client_workspace, right="access", jurisdiction="uk",
                                   language="en", org_slug=None, recipient=recipient_to_dict(EXPERIAN),
                                   person=dict(PERSON), details={"channel": "letter"}, today=TODAY))
    session.commit()
    members = [a.public_id for a in session.scalars(select(Account))]

    public = app.test_client()
    page = public.get("/organisations/acxiom-gb").get_data(as_text=True)
    public.post("/organisations/acxiom-gb/corrections", data={
        "csrf_token": _csrf(page), "field-1": "phone", "value-1": "+44 20 0000 0000",
        "source_url": "https://example.org/privacy"})
    from dsar.directory.models import Correction
    corrections = [c.public_id for c in session.scalars(select(Correction))]

    reviewer = app.test_client()
    page = reviewer.get("/admin/login").get_data(as_text=True)
    reviewer.post("/admin/login", data={"csrf_token": _csrf(page), "token": admin_token})

    wizard = app.test_client()
    steps = (("/write/organisations", {"orgs": ["experian-gb", "equifax-gb"], "shown": ["experian-gb"]}),
             ("/write/request", {"right": "score_pack"}),
             ("/write/details", {"name": "Jo", "address": "1 Road\nLeeds", "email": "jo@example.org"}))
    for url, data in steps:
        wizard.post(url, data={"csrf_token": _csrf(wizard.get(url).get_data(as_text=True)), **data})
    session.close()
    personas = {
        "anonymous": Persona(public, _csrf(public.get("/organisations/acxiom-gb").get_data(as_text=True))),
        "wizard": Persona(wizard, _csrf(wizard.get("/write/details").get_data(as_text=True))),
        "member": member,
        "reviewer": Persona(reviewer, _csrf(reviewer.get("/admin/corrections").get_data(as_text=True))),
    }
    params = {
        "token": [token, invitation], "public_id": [r.public_id for r in requests] + corrections,
        "event_id": events, "team": [team_slug], "client_id": clients, "member_id": members,
        "slug": ["acxiom-gb", "experian-gb", "schufa-de"], "fmt": ["txt", "txt", "eml", "ics", "zip"],
        "kind": ["sent", "response_received", "acknowledged", "reminder", "complaint_controller",
                 "closed", "extended", "id_requested"],
        "filename": ["app.js", "style.css"], "file_id": ["1"], "signature": ["x"], "_anything": ["more"],
    }
    return World(params, personas, team_slug)


@dataclass
class Report:
    inputs: int = 0
    by_status: Counter = field(default_factory=Counter)
    # endpoint -> answers that reached it (2xx, or a redirect other than to a sign-in page)
    answered: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.by_status.items() if status == "raised" or int(status) >= 500)


class Fuzzer:
    def __init__(self, app, world: World, seed: int):
        self.app, self.world, self.random = app, world, random.Random(seed)
        # One target per view function, whatever the number of its rules: a request's pages,
        # registered for the citizen's link and again for a team's client, are one target
        # with two ways in (so the second registration does not thin out the rest).
        targets: dict = {}
        for rule in app.url_map.iter_rules():
            targets.setdefault(inspect.unwrap(app.view_functions[rule.endpoint]), []).append(rule)
        self.targets = list(targets.values())
        self.fields = form_field_names()

    # ------------------------------------------------------------ values

    def text(self) -> str:
        r = self.random
        choice = r.random()
        if choice < 0.55:
            return r.choice(HOSTILE)
        if choice < 0.8:  # random characters, including controls and astral planes
            pool = "aZ09 .,:;@/-_+'\"<>&%#\n\r\t\x00\x07\x1f\x7f\x85\u00ad\u200e\u202e\u2028\ufffe€ŵ😀"
            return "".join(r.choice(pool) for _ in range(r.randrange(1, 60)))
        if choice < 0.9:
            return str(r.choice([10**r.randrange(1, 40), -(10**r.randrange(1, 40)), r.randrange(-5, 40)]))
        return r.choice(HOSTILE) * r.randrange(2, 50)

    def value(self, name: str) -> str:
        if name in VALID and self.random.random() < 0.5:
            return self.random.choice(VALID[name])
        return self.text()

    def path_value(self, name: str) -> str:
        known = self.world.params.get(name)
        if known and self.random.random() < 0.8:
            return self.random.choice(known)
        return self.text()[:200] or "x"

    # ------------------------------------------------------------ requests

    def path(self, rule) -> str:
        def fill(match):
            converter, name = match.group(1), match.group(2)
            value = self.path_value(name)
            return quote(value, safe="/" if converter == "path" else "")
        return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", fill, rule.rule)

    def fields_for(self, persona: Persona, csrf_on: bool) -> list[tuple[str, str]]:
        r = self.random
        items = [(name, self.value(name)) for name in r.sample(self.fields, r.randrange(0, 9))]
        if items and r.random() < 0.2:  # a repeated parameter
            items.append((items[0][0], self.value(items[0][0])))
        mode = r.random()
        if csrf_on or mode < 0.5:
            if mode < 0.6:
                items.append(("csrf_token", persona.csrf))
            elif mode < 0.75:
                items.append(("csrf_token", self.text()))
            elif mode < 0.85:
                items += [("csrf_token", persona.csrf), ("csrf_token", self.text())]
        return items

    def send(self, report: Report, *, csrf_on: bool, turn: int | None = None) -> None:
        """One request; ``turn`` picks the view and the persona in order instead of at random."""
        r = self.random
        personas = list(self.world.personas)
        if turn is None:
            rule, persona_name = r.choice(r.choice(self.targets)), r.choice(personas)
        else:
            rule = r.choice(self.targets[turn % len(self.targets)])
            persona_name = personas[turn // len(self.targets) % len(personas)]
        method = r.choice(sorted(rule.methods - {"HEAD", "OPTIONS"}))
        persona = self.world.personas[persona_name]
        client = self.app.test_client() if rule.endpoint in SESSION_ENDERS else persona.client
        path = self.path(rule)
        items = self.fields_for(persona, csrf_on)
        kwargs: dict = {}
        if persona_name not in SIGNED_IN:  # many addresses, past the per-address limits
            address = f"10.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}"
            kwargs["environ_base"] = {"REMOTE_ADDR": address}
        shape = r.random()
        if method == "GET":
            if shape < 0.15:  # invalid UTF-8, percent-encoded and raw (WSGI strings are latin-1)
                raw = "q=%ff%fe&name=\xff\xfe&page=%c0%af&next=" + quote(MARKER)
                kwargs["environ_overrides"] = {"QUERY_STRING": raw}
            else:
                kwargs["query_string"] = MultiDict(items)
        elif shape < 0.15:  # invalid UTF-8, raw and percent-encoded
            raw = b"name=%ff%c0%af&address=\xff\xfe\x00&email=\xc3&name=" + MARKER.encode()
            kwargs["data"] = raw + b"&csrf_token=" + persona.csrf.encode()
            kwargs["content_type"] = "application/x-www-form-urlencoded"
        elif shape < 0.25:  # a file upload beside the fields
            data: dict = {}
            for name, value in items:
                data.setdefault(name, []).append(value)
            data["files"] = (io.BytesIO(bytes(r.randrange(256) for _ in range(r.randrange(0, 64)))),
                             r.choice(["a.pdf", "../x.txt", "\u202egpj.exe", MARKER]))
            kwargs["data"], kwargs["content_type"] = data, "multipart/form-data"
        elif shape < 0.3:
            kwargs["data"], kwargs["content_type"] = b'{"a": 1}', "application/json"
        else:
            kwargs["data"] = MultiDict(items)
        report.inputs += 1
        shown = f"{method} {path[:200]!r} {repr(items)[:300]}"
        try:
            response = client.open(path, method=method, **kwargs)
        except Exception:  # the app raised (TESTING propagates it): a 500 for a real user
            report.by_status["raised"] += 1
            report.failures.append(f"{shown}\n{traceback.format_exc(limit=-12)}")
            return
        report.by_status[str(response.status_code)] += 1
        if response.status_code < 300 or (response.status_code < 400
                                          and "login" not in response.headers.get("Location", "")):
            report.answered[rule.endpoint] += 1
        if response.status_code >= 500:
            report.failures.append(f"{shown} -> {response.status_code}")
        elif response.mimetype == "text/html" and MARKER in response.get_data(as_text=True):
            report.failures.append(f"{shown}: marker reflected unescaped")

    def heal(self) -> None:
        """Fuzzed forms may change the member's role or the team's rules; a fresh member keeps
        the team pages reachable."""
        page = self.world.personas["member"].client.get(f"/t/{self.world.team_slug}/clients/new")
        if page.status_code != 200:
            from dsar.teams.models import Team
            with _session(self.app) as session:
                team = session.scalar(select(Team).where(Team.slug == self.world.team_slug))
                team.require_two_factor = False
                session.commit()
                self.world.personas["member"] = _join_team(self.app, self.world.team_slug, session)

    def run(self, count: int, report: Report | None = None) -> Report:
        report = report or Report()
        for i in range(count):
            csrf_on = i % 2 == 0
            self.app.config["WTF_CSRF_ENABLED"] = csrf_on
            # The first rounds visit every view as every persona, however many views the app
            # grows; the rest of the budget is spent at random.
            rounds = len(self.targets) * len(self.world.personas)
            self.send(report, csrf_on=csrf_on, turn=i if i < rounds else None)
            if i % 200 == 199:
                self.heal()
        self.app.config["WTF_CSRF_ENABLED"] = True
        return report
