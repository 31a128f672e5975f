"""Loading a campaign's pooled results fast: each letter's facts are derived from its events
once and kept (models.CampaignLetterResult); a page view re-derives only the letters whose
event log changed since (one grouped query compares each log's newest event id and length
with the kept key), and those whose due date moves every day (a clarification pause still
running) once a day. Then results.pool() counts the kept facts. The pooled figures are also
kept in this process for the day, under a fingerprint of the campaign's event logs (one
aggregate query), so a view while nothing changed reads no letter at all.

Derived the same way as every other page (requests.services.case_state → status.derive), so
a letter's place in the results is what its own tracking page says."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session, selectinload

from dsar.campaigns.models import Campaign, CampaignLetter, CampaignLetterResult, Participant
from dsar.campaigns.results import LetterFacts, Results, letter_facts, pool
from dsar.casework.state import pause_running
from dsar.directory.services import get_organisation
from dsar.requests.models import DataRequest, Event
from dsar.requests.services import case_state

_BATCH = 500
_POOLED: dict[str, tuple[tuple, Results]] = {}  # campaign public id → (fingerprint, figures)
_POOLED_MAX = 64


def _logs(session: Session, campaign_id: int) -> dict[int, tuple[int, str]]:
    """letter id → (request id, key of its event log as it is now)."""
    rows = session.execute(
        select(CampaignLetter.id, CampaignLetter.request_id, func.max(Event.id), func.count(Event.id))
        .join(Participant, Participant.id == CampaignLetter.participant_id)
        .outerjoin(Event, Event.request_id == CampaignLetter.request_id)
        .where(Participant.campaign_id == campaign_id).group_by(CampaignLetter.id))
    return {letter: (request, f"{newest or 0}:{length}") for letter, request, newest, length in rows}


def stale_letters(session: Session, campaign_id: int, today: date) -> dict[int, tuple[int, str]]:
    """The letters whose kept facts are missing or out of date: letter id → (request id, key)."""
    kept = {letter: (key, computed_on, running) for letter, key, computed_on, running in session.execute(
        select(CampaignLetterResult.letter_id, CampaignLetterResult.events_key,
               CampaignLetterResult.computed_on, CampaignLetterResult.pause_running)
        .where(CampaignLetterResult.campaign_id == campaign_id))}
    stale = {}
    for letter, (request, key) in _logs(session, campaign_id).items():
        known = kept.get(letter)
        if known is None or known[0] != key or (known[2] and known[1] != today):
            stale[letter] = (request, key)
    return stale


def refresh(session: Session, campaign_id: int, today: date) -> int:
    """Re-derive the stale letters' facts; returns how many. The caller commits."""
    stale = stale_letters(session, campaign_id, today)
    by_request = {request: (letter, key) for letter, (request, key) in stale.items()}
    ids = sorted(by_request)
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start:start + _BATCH]
        requests: Sequence[DataRequest] = session.scalars(
            select(DataRequest).options(selectinload(DataRequest.events))
            .where(DataRequest.id.in_(chunk))).all()
        rows = []
        for request in requests:
            letter, key = by_request[request.id]
            state = case_state(request, today)
            rows.append({"letter_id": letter, "campaign_id": campaign_id, "events_key": key,
                         "computed_on": today, "facts": letter_facts(state).to_json(),
                         "pause_running": state.deadline is not None and pause_running(state.events)})
        letters = [row["letter_id"] for row in rows]
        session.execute(delete(CampaignLetterResult).where(CampaignLetterResult.letter_id.in_(letters)))
        if rows:
            session.execute(insert(CampaignLetterResult), rows)
        for request in requests:  # keep memory flat over 20,000 requests
            for loaded in (*request.events, request):
                session.expunge(loaded)
    return len(ids)


def organisation_names(session: Session, campaign: Campaign) -> dict[str, str]:
    """Each target's name as the directory has it (its slug if it is gone from there)."""
    names = {}
    for target in campaign.targets:
        record = get_organisation(session, target.org_slug)
        names[target.org_slug] = record.name if record else target.org_slug
    return names


def fingerprint(session: Session, campaign: Campaign, today: date) -> tuple:
    """Changes whenever any letter's event log (append-only) or the targets change, or the day."""
    logs = session.execute(
        select(func.count(CampaignLetter.id.distinct()), func.count(Event.id), func.max(Event.id),
               func.coalesce(func.sum(Event.id), 0))
        .select_from(CampaignLetter).join(Participant, Participant.id == CampaignLetter.participant_id)
        .outerjoin(Event, Event.request_id == CampaignLetter.request_id)
        .where(Participant.campaign_id == campaign.id)).one()
    targets = tuple((t.id, t.org_slug, t.active) for t in campaign.targets)
    return (id(session.get_bind()), today, tuple(logs), targets)


def load_results(session: Session, campaign: Campaign, today: date) -> Results:
    """The campaign's pooled figures on ``today`` (kept while nothing changes)."""
    key = fingerprint(session, campaign, today)
    kept = _POOLED.get(campaign.public_id)
    if kept is not None and kept[0] == key:
        return kept[1]
    results = _load(session, campaign, today)
    if len(_POOLED) >= _POOLED_MAX:
        _POOLED.pop(next(iter(_POOLED)))
    _POOLED[campaign.public_id] = (key, results)
    return results


def _load(session: Session, campaign: Campaign, today: date) -> Results:
    """Organisations in the campaign's order (those no longer targeted stay while letters
    name them)."""
    refresh(session, campaign.id, today)
    by_target: dict[int, list[LetterFacts]] = {t.id: [] for t in campaign.targets}
    for target_id, facts in session.execute(
            select(CampaignLetter.target_id, CampaignLetterResult.facts)
            .join(CampaignLetter, CampaignLetter.id == CampaignLetterResult.letter_id)
            .where(CampaignLetterResult.campaign_id == campaign.id)):
        by_target.setdefault(target_id, []).append(LetterFacts.from_json(facts))
    slugs = {t.id: t.org_slug for t in campaign.targets}
    return pool({slugs[target]: letters for target, letters in by_target.items()
                 if letters or next(t for t in campaign.targets if t.id == target).active}, today)
