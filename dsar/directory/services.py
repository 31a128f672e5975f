"""Directory services: load the shipped records, look organisations up, list them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.directory.models import Organisation
from dsar.directory.schema import OrgRecord, RecordError, parse_record

RECORDS_DIR = Path(__file__).resolve().parent / "records"


@lru_cache(maxsize=1)
def curated_records() -> tuple[OrgRecord, ...]:
    """Every shipped record, validated. A broken shipped file is a bug: fail loudly."""
    records = []
    for path in sorted(RECORDS_DIR.glob("*.yaml")):
        try:
            records.append(parse_record(yaml.safe_load(path.read_text(encoding="utf-8"))))
        except RecordError as exc:
            raise RecordError(f"{path.name}: {exc}") from exc
    return tuple(records)


def save_record(session: Session, record: OrgRecord, origin: str) -> bool:
    """Insert or update one organisation by slug; return True when anything changed."""
    data = record.to_dict()
    org = session.scalar(select(Organisation).where(Organisation.slug == record.slug))
    if org is None:
        session.add(
            Organisation(
                slug=record.slug, name=record.name, kind=record.kind, country=record.country,
                quality=record.quality, origin=origin, record=data,
            )
        )
        return True
    if org.record == data and org.origin == origin:
        return False
    org.name, org.kind, org.country = record.name, record.kind, record.country
    org.quality, org.origin, org.record = record.quality, origin, data
    return True


def load_curated_records(session: Session) -> int:
    """Make the database hold the shipped records; corrections accepted later are kept."""
    changed = 0
    existing = {o.slug: o for o in session.scalars(select(Organisation))}
    for record in curated_records():
        current = existing.get(record.slug)
        if current is not None and current.origin == "corrected":
            continue
        changed += save_record(session, record, "curated")
    return changed


def get_organisation(session: Session, slug: str) -> OrgRecord | None:
    org = session.scalar(select(Organisation).where(Organisation.slug == slug))
    return org.to_record() if org else None


def list_organisations(session: Session, kind: str | None = None) -> list[OrgRecord]:
    query = select(Organisation).order_by(Organisation.name)
    if kind:
        query = query.where(Organisation.kind == kind)
    return [o.to_record() for o in session.scalars(query)]


def search_organisations(session: Session, query: str, limit: int = 25) -> list[OrgRecord]:
    """Organisations whose name or aliases contain the query (curated first).

    A plain fallback; the directory's full-text search replaces it where available."""
    query = query.strip().lower()
    rows = session.scalars(select(Organisation).where(Organisation.kind == "company"))
    matches = []
    for org in rows:
        record = org.record
        names = [record.get("name", "")] + record.get("aliases", []) + record.get("brands", [])
        if not query or any(query in n.lower() for n in names):
            matches.append((org.origin != "curated", org.name.lower(), org))
    matches.sort(key=lambda m: m[:2])
    return [m[2].to_record() for m in matches[:limit]]
