"""The recipient cascade (issue 13 item 4): what a reply said is recorded as facts; the
recipients it names are matched to the directory and become, in one step, new requests
linked to the one they came from; the request page shows that tree. After a rectification,
erasure or restriction, the original organisation is asked to tell each recipient (Art 19).

Services: a session and plain values in, rows out; no Flask request object.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy.orm import Session

from dsar import deadlines
from dsar.directory import ranking
from dsar.directory.schema import OrgRecord
from dsar.directory.services import search_organisations
from dsar.letters.compose import received_date
from dsar.letters.followups import compose_followup
from dsar.letters.inputs import (
    build_letter_request,
    person_to_dict,
    recipient_to_dict,
    representative_from_dict,
    request_details,
)
from dsar.letters.model import Letter, Recipient
from dsar.replies.facts import Facts, from_data, name_key, unique
from dsar.replies.intake import reply_texts
from dsar.requests.models import DataRequest, Event
from dsar.requests.services import (
    calendar_of,
    case_state,
    create_request,
    event_values,
    letter_request,
    workspace_requests,
)
from dsar.requests.status import CaseState, effective_events

# What a recipient can be asked, in one step: a copy of the data, to stop, or to delete it.
CASCADE_RIGHTS = ("access", "object_processing", "erasure")
# Requests whose action Art 19 obliges the organisation to pass on to each recipient.
ART19_RIGHTS = ("rectification", "erasure", "restriction")
MAX_TARGETS = 20  # organisations written to in one step (as the wizard)
MAX_CANDIDATES = 5
MAX_DEPTH = 6  # levels of the tree shown under a request


def current_facts(request: DataRequest) -> Facts:
    """The latest recorded snapshot still in effect (a removed one no longer counts)."""
    recorded = [e for e in effective_events(event_values(request)) if e.kind == "facts_recorded"]
    return from_data(recorded[-1].data) if recorded else Facts()


def record_facts(session: Session, request: DataRequest, facts: Facts, today: date) -> Event:
    """A new full snapshot (the log is append-only: the old one stays in the history)."""
    event = Event(request_id=request.id, kind="facts_recorded", occurred_on=today,
                  data=facts.to_dict())
    session.add(event)
    session.flush()
    session.refresh(request, ["events"])
    return event


def reply_text(session: Session, request: DataRequest) -> str:
    """The text read out of the files of the reply the person uploaded (dsar/replies/intake.py),
    whose lines they pick recipients from; "" when there is none (they paste it instead)."""
    return "\n\n".join(t.text for t in reply_texts(session, request) if t.text.strip())


# ---------------------------------------------------------------- matching to the directory

MATCHED, CHOOSE, UNLISTED = "matched", "choose", "unlisted"


@dataclass(frozen=True)
class Match:
    """A name from the reply and what the directory says: one organisation it certainly
    means (``matched``), several it may mean (``choose``) or none (``unlisted``)."""

    name: str
    status: str
    candidates: tuple[OrgRecord, ...] = ()

    @property
    def chosen(self) -> str:
        return self.candidates[0].slug if self.status == MATCHED else ""


def _names(record: OrgRecord) -> list[str]:
    return [record.name, *record.aliases, *record.brands]


def _plausible(name: str, record: OrgRecord) -> bool:
    """Every significant word typed is in one of the record's names, or a typo away: the
    search also offers looser matches ("Lender X" finds "Xandr"), which a reply never means."""
    words = [w for w in ranking.core(ranking.tokens(name)) if len(w) >= 3]
    vocabulary = {w for n in _names(record) for w in ranking.tokens(n)}
    return all(any(v.startswith(w) or ranking.osa_distance(w, v) <= ranking.allowed_typos(w)
                   for v in vocabulary) for w in words)


def match_name(session: Session, name: str, *, user_country: str = "gb") -> Match:
    """An exact name (or alias, or brand, without legal forms), or the only candidate when it
    is a typo or two away, is taken as meant; otherwise the candidates are offered to choose
    from; none is an unlisted organisation."""
    candidates = tuple(c for c in search_organisations(session, name, limit=MAX_CANDIDATES,
                                                       user_country=user_country)
                       if _plausible(name, c))
    key = name_key(name)
    exact = [c for c in candidates if key and any(name_key(n) == key for n in _names(c))]
    if len(exact) == 1:
        return Match(name, MATCHED, (exact[0], *[c for c in candidates if c is not exact[0]]))
    near = [c for c in candidates if key and any(
        ranking.osa_distance(key, name_key(n)) <= ranking.allowed_typos(key) for n in _names(c))]
    if len(candidates) == 1 and near:  # the one candidate, a typo or two away ("Barclys")
        return Match(name, MATCHED, candidates)
    if candidates:
        return Match(name, CHOOSE, candidates)
    return Match(name, UNLISTED)


@dataclass(frozen=True)
class Target:
    """One organisation to write to: a directory record, or one typed by hand."""

    name: str  # as the reply named it
    record: OrgRecord | None = None
    recipient: Recipient | None = None


def create_children(session: Session, parent: DataRequest, targets: list[Target], *, right: str,
                    more: dict, today: date) -> list[DataRequest]:
    """One new request per target, in the parent's workspace, for the same person (and the
    same representative, for a team's client), each with its own letter, reference and clock,
    linked to the parent. ``more``: reasons and ground where the kind needs them.
    Raises ``dsar.letters.inputs.InputError`` before anything is stored."""
    details = parent.details or {}
    letters = [
        (target, build_letter_request(
            right=right, org=target.record or target.recipient, person=parent.person, today=today,
            reasons=more.get("reasons", ""), ground=more.get("ground", ""),
            representative=representative_from_dict(details.get("representative"))))
        for target in targets
    ]
    children = []
    for target, letter in letters:
        child = create_request(
            session, parent.workspace, right=letter.right, jurisdiction=letter.jurisdiction,
            language=letter.locale, org_slug=target.record.slug if target.record else None,
            recipient=recipient_to_dict(letter.recipient), person=person_to_dict(letter.person),
            # The name the reply used, which may differ from the directory's ("Barclays").
            details={**request_details(letter), "named_as": target.name}, today=today)
        child.parent_id = parent.id
        children.append(child)
    session.flush()
    return children


# ---------------------------------------------------------------- the tree

@dataclass
class Node:
    request: DataRequest
    state: CaseState
    due: date | None  # the reply's due date: from the clock once sent, else as the letter says
    due_if_sent_on_letter_date: bool
    children: list[Node] = field(default_factory=list)


def letter_due(request: DataRequest, state: CaseState) -> tuple[date | None, bool]:
    """The due date once the clock runs; for a letter not yet sent, the date it states
    (counted from the letter's date and the usual time in the post)."""
    if state.status != "draft":
        return state.due, False
    received = received_date(letter_request(request))
    return deadlines.compute_deadline(received, **calendar_of(request)).due, True


def tree(session: Session, request: DataRequest, today: date) -> list[Node]:
    """The requests that came from this one, and theirs, each with where it stands."""
    by_parent: dict[int, list[DataRequest]] = {}
    for other in workspace_requests(session, request.workspace):
        if other.parent_id is not None:
            by_parent.setdefault(other.parent_id, []).append(other)
    seen = {request.id}

    def nodes(parent_id: int, depth: int) -> list[Node]:
        found = []
        for child in by_parent.get(parent_id, ()):
            if child.id in seen or depth > MAX_DEPTH:
                continue
            seen.add(child.id)
            state = case_state(child, today)
            due, estimated = letter_due(child, state)
            found.append(Node(child, state, due, estimated, nodes(child.id, depth + 1)))
        return found

    return nodes(request.id, 1)


def written_to(session: Session, request: DataRequest) -> set[str]:
    """The organisations (their name keys) already written to from this request."""
    children = [r for r in workspace_requests(session, request.workspace)
                if r.parent_id == request.id]
    return {name_key(name) for r in children
            for name in ((r.recipient or {}).get("name", ""), (r.details or {}).get("named_as", ""))
            if name}


def parent_of(session: Session, request: DataRequest) -> DataRequest | None:
    if request.parent_id is None:
        return None
    parent = session.get(DataRequest, request.parent_id)
    return parent if parent is not None and parent.workspace_id == request.workspace_id else None


# ---------------------------------------------------------------- Art 19

def same_organisation(a: DataRequest, b: DataRequest) -> bool:
    if a.org_slug and b.org_slug:
        return a.org_slug == b.org_slug
    return name_key((a.recipient or {}).get("name", "")) == name_key(
        (b.recipient or {}).get("name", ""))


def known_recipients(session: Session, request: DataRequest) -> tuple[str, ...]:
    """Every recipient known to have had the data from this organisation: named in a reply
    to any of the person's requests to it, or written to from one of them."""
    names: list[str] = []
    others = workspace_requests(session, request.workspace)
    to_them = [r for r in others if same_organisation(r, request)]
    ids = {r.id for r in to_them}
    for r in to_them:
        names += current_facts(r).recipients
    names += [(r.recipient or {}).get("name", "") for r in others if r.parent_id in ids]
    return unique(names)


def art19_letter(request: DataRequest, recipients, today: date) -> Letter:
    """The letter asking the organisation to tell each recipient about the rectification,
    erasure or restriction, naming those known, and to say who they all are (Art 19)."""
    from dsar.requests.escalation import followup  # the request side of the follow-ups

    return compose_followup(replace(followup(request, "notify_recipients", today),
                                    recipients=unique(recipients)))
