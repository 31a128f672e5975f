"""The directory's search index: one interface, an implementation per database dialect.

SQLite gets FTS5 (search_sqlite.py), PostgreSQL a tsvector with pg_trgm (search_postgresql.py);
both share the search itself (fulltext.py). Any other database gets ``ScanSearchIndex`` below,
which reads every row and ranks in Python: correct, slow past a few thousand records. Ranking
is shared by all of them (ranking.py), so results agree whichever database is used.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy import event, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from dsar.db import Base
from dsar.directory import ranking
from dsar.directory.models import Organisation
from dsar.directory.schema import OrgRecord


class SearchIndex(Protocol):
    def create_tables(self, connection: Connection) -> None:
        """Create the index's own tables (create_all(); the migrations do the same)."""

    def rebuild(self, session: Session) -> None:
        """Index every organisation from scratch (after a bulk import)."""

    def update(self, session: Session, slug: str) -> None:
        """Re-index one organisation after it was added, changed or removed."""

    def search(
        self, session: Session, query: str, *, country: str | None = None, category: str | None = None,
        kind: str | None = "company", limit: int = 20, user_country: str = "gb",
    ) -> list[OrgRecord]:
        """Best match first. An empty query lists hand-maintained records first, by name.

        ``country`` keeps organisations based in that country or relevant to it (their
        ``relevant_countries``, where "all" means everywhere); ``category`` one of ours;
        ``kind`` "company", "supervisory_authority" or None for both."""


def index_for_dialect(dialect: str) -> SearchIndex:
    if dialect == "sqlite":
        from dsar.directory.search_sqlite import SqliteSearchIndex

        return SqliteSearchIndex()
    if dialect == "postgresql":
        from dsar.directory.search_postgresql import PostgresSearchIndex

        return PostgresSearchIndex()
    return ScanSearchIndex()


@event.listens_for(Base.metadata, "after_create")
def _create_search_tables(_target, connection, **_kw) -> None:
    # create_all() must build what the migrations build (tests/test_db.py compares them); the
    # search index's own tables depend on the database, so its implementation creates them.
    index_for_dialect(connection.dialect.name).create_tables(connection)


def search_index(session: Session) -> SearchIndex:
    return index_for_dialect(session.get_bind().dialect.name)


def names_of(record: dict) -> list[str]:
    return [record.get("name", ""), *record.get("aliases", ()), *record.get("brands", ())]


def relevant_to(record: dict, country: str) -> bool:
    countries = record.get("relevant_countries") or ()
    return record.get("country") == country or country in countries or "all" in countries


class ScanSearchIndex:
    """Any database: no index of its own; reads the rows and ranks them in Python."""

    def create_tables(self, connection: Connection) -> None:
        return None

    def rebuild(self, session: Session) -> None:
        return None

    def update(self, session: Session, slug: str) -> None:
        return None

    def search(self, session, query, *, country=None, category=None, kind="company", limit=20,
               user_country="gb"):
        statement = select(Organisation)
        if kind:
            statement = statement.where(Organisation.kind == kind)
        rows = [
            org for org in session.scalars(statement)
            if (not country or relevant_to(org.record, country))
            and (not category or category in org.record.get("categories", ()))
        ]
        words = ranking.tokens(query)[:8]
        if not words:
            rows.sort(key=lambda o: (o.origin not in ranking.BOOSTED_ORIGINS, ranking.fold(o.name)))
            return [o.to_record() for o in rows[:limit]]
        scored = []
        for org in rows:
            record = org.record
            haystack = names_of(record) + ranking.domains(record.get("web", ""), record.get("email", ""))
            tier = ranking.match_tier(words, haystack)
            if tier == 1 and not _loosely_matches(words, haystack):
                joined = ["".join(words)]  # "trans union" for TransUnion
                if len(words) == 1 or not _loosely_matches(joined, haystack):
                    continue
                tier = ranking.match_tier(joined, haystack) - 0.5
            countries = record.get("relevant_countries", ())
            scored.append((ranking.sort_key(tier, ranking.boost(org.origin, org.country, countries,
                                                                user_country), 0, org.name), org))
        scored.sort(key=lambda pair: pair[0])
        return [org.to_record() for _key, org in scored[:limit]]


def _loosely_matches(words: list[str], names: list[str]) -> bool:
    """Every word is in some name, or within a typo or two of a word there."""
    vocabulary = {w for name in names for w in ranking.tokens(name)}
    return all(
        any(v.startswith(w) or ranking.osa_distance(w, v) <= ranking.allowed_typos(w) for v in vocabulary)
        for w in words
    )
