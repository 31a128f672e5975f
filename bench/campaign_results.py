"""A campaign's pooled results at 10,000 participants × 2 organisations, cold and warm.

    python bench/campaign_results.py [--participants 10000] [--seed 1]

Seeds a SQLite file in a temporary folder straight through the models (bulk inserts): a team,
its campaign to Experian and Equifax, ``--participants`` participants each with one request
to each, and event logs with the caseload benchmark's mix (bench/caseload.py) plus a reply
checklist on most replies. Then times results_store.load_results: cold (every letter derived
once and kept), warm (nothing changed), after 100 new events (only those letters again), and
the naive way (derive every request on each view). Last line:
``cold_s=<x> warm_s=<y> incremental_s=<z> naive_s=<n> letters=<n>``. No asserts.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select  # noqa: E402
from sqlalchemy.orm import selectinload  # noqa: E402

from bench.caseload import TODAY, _events  # noqa: E402
from dsar.bootstrap import bootstrap  # noqa: E402
from dsar.campaigns import services  # noqa: E402
from dsar.campaigns.models import CampaignLetter, Participant  # noqa: E402
from dsar.campaigns.results import letter_facts, pool  # noqa: E402
from dsar.campaigns.results_store import load_results  # noqa: E402
from dsar.config import load_settings  # noqa: E402
from dsar.db import make_engine, make_session_factory  # noqa: E402
from dsar.requests.models import DataRequest, Event, Workspace, new_public_id  # noqa: E402
from dsar.requests.services import case_state  # noqa: E402
from dsar.teams.models import Team  # noqa: E402

ITEMS = ("confirmation", "copy", "a", "b", "c", "d", "e", "f", "g", "h", "transfers")
MARKS = ("answered", "answered", "answered", "partly", "missing", "not_applicable")


def _checked(rng: random.Random, events: list) -> list:
    reply = next((e for e in events if e[0] == "response_received"), None)
    if reply is None or rng.random() < 0.3:
        return events
    marks = {code: rng.choice(MARKS) for code in ITEMS}
    return [*events, ("reply_checked", reply[1], {"marks": marks})]


def seed(factory, participants: int, rng: random.Random) -> tuple[int, int]:
    """The campaign's id and the number of events."""
    with factory() as session:
        team = Team(slug="bench", name="Bench Campaigners", address=[], email="")
        session.add(team)
        session.flush()
        campaign = services.create_campaign(session, team.id, services.CampaignSettings(
            title="Fair credit scores", right="access", org_slugs=("experian-gb", "equifax-gb")))
        session.flush()
        version = services.current_version(session, campaign)
        targets = [(t.id, t.org_slug) for t in campaign.targets]
        session.execute(insert(Workspace), [
            {"id": i + 1, "public_id": new_public_id(), "kind": "campaign", "token_hash": f"{i:064x}"}
            for i in range(participants)])
        session.execute(insert(Participant), [
            {"id": i + 1, "public_id": new_public_id(), "campaign_id": campaign.id, "version_id": version.id,
             "workspace_id": i + 1, "consent_version": "bench", "consented_at": datetime(2026, 1, 1),
             "share_named": False, "source": "import"} for i in range(participants)])
        requests, letters, events = [], [], []
        for i in range(participants):
            written = TODAY - timedelta(days=rng.randint(0, 200))
            for target_id, slug in targets:
                n = len(requests) + 1
                requests.append({
                    "id": n, "public_id": new_public_id(), "workspace_id": i + 1,
                    "reference": f"C-{n:06d}", "right": "access", "jurisdiction": "uk", "language": "en",
                    "org_slug": slug, "recipient": {"name": slug, "address": ["1 Street"], "country": "gb"},
                    "person": {"name": "Participant", "address": ["1 Road"]},
                    "details": {"letter_date": written.isoformat()}})
                letters.append({"participant_id": i + 1, "target_id": target_id, "request_id": n})
                events += [{"request_id": n, "kind": kind, "occurred_on": day, "data": data}
                           for kind, day, data in _checked(rng, _events(rng, written))]
        session.execute(insert(DataRequest), requests)
        session.execute(insert(CampaignLetter), letters)
        session.execute(insert(Event), events)
        session.commit()
        return campaign.id, len(events)


def timed(factory, campaign_id: int) -> tuple[float, object]:
    from dsar.campaigns.models import Campaign

    with factory() as session:
        started = time.perf_counter()
        results = load_results(session, session.get(Campaign, campaign_id), TODAY)
        session.commit()
        return time.perf_counter() - started, results


def naive(factory, campaign_id: int) -> float:
    """Derive every request of the campaign, then pool: what a page would do without the cache."""
    with factory() as session:
        started = time.perf_counter()
        rows = session.execute(
            select(DataRequest, CampaignLetter.target_id).join(CampaignLetter).join(Participant)
            .where(Participant.campaign_id == campaign_id).options(selectinload(DataRequest.events))).all()
        by_target: dict = {}
        for request, target in rows:
            by_target.setdefault(target, []).append(letter_facts(case_state(request, TODAY)))
        pool(by_target, TODAY)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="dsar-campaign-bench-") as folder:
        settings = load_settings({"DSAR_INSTANCE_PATH": folder, "DSAR_SECRET_KEY": "bench"})
        bootstrap(settings)
        factory = make_session_factory(make_engine(settings.database_url))
        started = time.perf_counter()
        campaign_id, events = seed(factory, args.participants, rng)
        print(f"seeded {args.participants} participants, {events} events in "
              f"{time.perf_counter() - started:.1f}s")
        cold, results = timed(factory, campaign_id)
        warm, _ = timed(factory, campaign_id)
        with factory() as session:
            ids = session.scalars(select(DataRequest.id).limit(100)).all()
            session.execute(insert(Event), [{"request_id": n, "kind": "reminder_sent",
                                             "occurred_on": TODAY, "data": {}} for n in ids])
            session.commit()
        incremental, _ = timed(factory, campaign_id)
        slow = naive(factory, campaign_id)
        for line in results.lines:
            print(line.key, {k: line.value(k) for k in ("sent", "replies", "on_time", "late", "overdue")},
                  "median", line.median_days)
        print(f"cold_s={cold:.2f} warm_s={warm:.3f} incremental_s={incremental:.3f} naive_s={slow:.2f} "
              f"letters={2 * args.participants}")


if __name__ == "__main__":
    main()
