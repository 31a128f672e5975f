"""Directory services: load the shipped records, look organisations up, list and search them."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from dsar.directory.models import DirectoryMeta, Organisation
from dsar.directory.schema import OrgRecord, RecordError, parse_record
from dsar.directory.search import search_index

RECORDS_DIR = Path(__file__).resolve().parent / "records"
# Bump when loading changes meaning, so every database reloads the curated records once.
LOADER_VERSION = "2"
CURATED_DIGEST_KEY = "curated_digest"
# Rows a curated reload leaves alone: a reviewer's accepted correction, or an import the
# operator explicitly preferred over our record.
KEPT_ON_RELOAD = frozenset({"corrected", "preferred_import"})
HAND_MAINTAINED = frozenset({"curated", "corrected"})


def _yaml_loader():
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=1)
def curated_records() -> tuple[OrgRecord, ...]:
    """Every shipped record, validated. A broken shipped file is a bug: fail loudly."""
    records = []
    for path in sorted(RECORDS_DIR.glob("*.yaml")):
        try:
            records.append(parse_record(yaml.load(path.read_text(encoding="utf-8"), Loader=_yaml_loader())))
        except RecordError as exc:
            raise RecordError(f"{path.name}: {exc}") from exc
    return tuple(records)


def curated_digest() -> str:
    """A hash of the shipped files' bytes: reading them is cheap, parsing YAML is not."""
    digest = hashlib.sha256(LOADER_VERSION.encode())
    for path in sorted(RECORDS_DIR.glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def save_record(session: Session, record: OrgRecord, origin: str, *, reindex: bool = True) -> bool:
    """Insert or update one organisation by slug; return True when anything changed.

    The search index follows unless ``reindex`` is False (bulk loads rebuild it once instead)."""
    data = record.to_dict()
    org = session.scalar(select(Organisation).where(Organisation.slug == record.slug))
    if org is None:
        session.add(
            Organisation(
                slug=record.slug, name=record.name, kind=record.kind, country=record.country,
                quality=record.quality, origin=origin, record=data,
            )
        )
    elif org.record == data and org.origin == origin:
        return False
    else:
        org.name, org.kind, org.country = record.name, record.kind, record.country
        org.quality, org.origin, org.record = record.quality, origin, data
    if reindex:
        search_index(session).update(session, record.slug)
    return True


def load_curated_records(session: Session) -> int:
    """Make the database hold the shipped records; corrections accepted later are kept.

    Every entry point calls this on start, so it returns at once when the shipped files are
    the ones last loaded (their digest is stored). Returns the number of records changed."""
    digest = curated_digest()
    stored = session.get(DirectoryMeta, CURATED_DIGEST_KEY)
    if stored is not None and stored.value == digest:
        return 0
    origins = dict(session.execute(select(Organisation.slug, Organisation.origin)).all())
    changed = [
        record.slug
        for record in curated_records()
        if origins.get(record.slug) not in KEPT_ON_RELOAD
        and save_record(session, record, "curated", reindex=False)
    ]
    index = search_index(session)
    if stored is None:  # first start, or the first since the index existed: index everything
        index.rebuild(session)
        session.add(DirectoryMeta(key=CURATED_DIGEST_KEY, value=digest))
    else:
        for slug in changed:
            index.update(session, slug)
        stored.value = digest
    return len(changed)


def get_organisation(session: Session, slug: str) -> OrgRecord | None:
    org = session.scalar(select(Organisation).where(Organisation.slug == slug))
    return org.to_record() if org else None


def get_origin(session: Session, slug: str) -> str | None:
    return session.scalar(select(Organisation.origin).where(Organisation.slug == slug))


def list_organisations(session: Session, kind: str | None = None) -> list[OrgRecord]:
    query = select(Organisation).order_by(Organisation.name)
    if kind:
        query = query.where(Organisation.kind == kind)
    return [o.to_record() for o in session.scalars(query)]


def search_organisations(
    session: Session, query: str, limit: int = 25, *, country: str | None = None,
    category: str | None = None, kind: str | None = "company", user_country: str = "gb",
) -> list[OrgRecord]:
    """Organisations matching the query, best first (see search.SearchIndex.search).

    Names, aliases, brands and web domains; prefixes and typos are found. An empty query
    lists our own (curated) companies first, by name."""
    return search_index(session).search(
        session, query, country=country, category=category, kind=kind, limit=limit,
        user_country=user_country,
    )
