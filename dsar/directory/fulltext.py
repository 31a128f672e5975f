"""The search both full-text indexes share (SQLite FTS5, PostgreSQL tsvector + pg_trgm).

Each index supplies a few primitives in its own SQL — its query syntax, the candidates for a
query with their text score, whether a word is in its vocabulary, the words nearest a typo —
and this class does the rest the same way on both, so a query finds the same organisations in
the same order whichever database holds them:
1. every typed word must match (the last as a prefix: people type names from the start);
   the candidates are ordered by ranking.py (match tier, the person's likely meaning, score);
2. when nothing matches well, misspelt words are replaced by the nearest indexed words
   (trigram candidates, then an edit distance), "trans union" is tried as "transunion", and
   finally any one word may match.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import NamedTuple

from sqlalchemy import TextClause, select, text
from sqlalchemy.orm import Session

from dsar.directory import ranking
from dsar.directory.models import Organisation
from dsar.directory.schema import OrgRecord, load_record

# How many rows the full-text query hands to the ranking at most.
CANDIDATES = 100
# The origins of hand-maintained records, as an SQL list (constants, not user input).
HAND_MAINTAINED = "('curated', 'corrected', 'preferred_import')"


class Candidate(NamedTuple):
    id: int
    name: str
    names: list[str]  # name, aliases, brands and web domains
    origin: str
    country: str
    countries: list[str]  # the country and the ones the record is relevant to
    score: float  # the index's own text score: lower is better


class FullTextSearchIndex(ABC):
    """The search itself, shared; each backend (search_sqlite, search_postgresql) supplies
    the SQL of its own index through the abstract methods below."""

    AND = " AND "
    OR = " OR "

    # ------------------------------------------------------------ keeping the index

    def rebuild(self, session: Session) -> None:
        """Every organisation's row written afresh, then the vocabulary."""
        session.flush()
        session.execute(text("DELETE FROM org_search"))
        rows = session.execute(
            select(Organisation.id, Organisation.slug, Organisation.kind, Organisation.origin,
                   Organisation.country, Organisation.record)
        ).all()
        if rows:
            session.execute(self.insert, [self.row(*row) for row in rows])
        self.rebuild_terms(session)

    def update(self, session: Session, slug: str) -> None:
        """One organisation's row written afresh (or removed), and its new words."""
        session.flush()
        org = session.scalar(select(Organisation).where(Organisation.slug == slug))
        session.execute(text("DELETE FROM org_search WHERE slug = :slug"), {"slug": slug})
        if org is None:
            return
        row = self.row(org.id, org.slug, org.kind, org.origin, org.country, org.record)
        session.execute(self.insert, row)
        self.add_terms(session, row)

    # ------------------------------------------------------------ the index's own SQL

    insert: TextClause  # the INSERT of one org_search row, from ``row``'s dict

    @staticmethod
    @abstractmethod
    def row(org_id: int, slug: str, kind: str, origin: str, country: str, record: dict) -> dict:
        """One organisation's org_search row."""

    @abstractmethod
    def rebuild_terms(self, session: Session) -> None:
        """The vocabulary (org_search_term) rebuilt from every row."""

    @abstractmethod
    def add_terms(self, session: Session, row: dict) -> None:
        """The words of one new or changed row added to the vocabulary."""

    @staticmethod
    @abstractmethod
    def phrase(word: str, prefix: bool = False) -> str:
        """One word (or a prefix) in the index's query syntax."""

    @abstractmethod
    def filters(self, kind, country, category) -> tuple[list[str], dict]:
        """SQL conditions (and their parameters) for the search's filters."""

    @abstractmethod
    def listing(self, session: Session, filters: list[str], params: dict, limit: int) -> list[int]:
        """The empty query: hand-maintained records first, then by name."""

    @abstractmethod
    def candidates(self, session: Session, match: str, filters: list[str], params: dict) -> list[Candidate]:
        """At most CANDIDATES rows matching ``match``: hand-maintained records first (so they
        always compete, however many others share a common word), then by text score."""

    @abstractmethod
    def known(self, session: Session, word: str, prefix: bool) -> bool:
        """Whether the index holds the word (or a word starting with it)."""

    @abstractmethod
    def near_terms(self, session: Session, word: str) -> list[str]:
        """Indexed words sharing the most trigrams with ``word`` (at most 80)."""

    # ------------------------------------------------------------ shared

    def search(self, session, query, *, country=None, category=None, kind="company", limit=20,
               user_country="gb"):
        filters, params = self.filters(kind, country, category)
        words = ranking.tokens(query)[:8]
        if not words:
            return self._records(session, self.listing(session, filters, params, limit))
        match = self.AND.join(self.phrase(w, i == len(words) - 1) for i, w in enumerate(words))
        found = self.candidates(session, match, filters, params)
        ranked = [(self._key(words, row, user_country), row.id) for row in found]
        if not ranked or min(key for key, _id in ranked)[0] > -2:
            ranked += self._typo_tolerant(session, words, filters, params, user_country, len(found) < limit)
        ranked.sort()
        ids = list(dict.fromkeys(org_id for _key, org_id in ranked))[:limit]
        return self._records(session, ids)

    @staticmethod
    def _key(words, row: Candidate, user_country, penalty=0.0):
        tier = ranking.match_tier(words, [n for n in row.names if n]) - penalty
        return ranking.sort_key(tier, ranking.boost(row.origin, row.country, row.countries, user_country),
                                row.score, row.name)

    def _typo_tolerant(self, session, words, filters, params, user_country, room: bool) -> list:
        """Retry with misspelt words replaced by the nearest indexed words, then with any word."""
        groups, corrected = [], list(words)
        for i, word in enumerate(words):
            last = i == len(words) - 1
            if self.known(session, word, prefix=last):
                groups.append(self.phrase(word, last))
                continue
            alternatives = self._nearest(session, word)
            if not alternatives:
                groups.append(self.phrase(word, last))
                continue
            corrected[i] = alternatives[0]
            groups.append("(" + self.OR.join(self.phrase(a) for a in alternatives) + ")")
        out = []
        if corrected != words:
            rows = self.candidates(session, self.AND.join(groups), filters, params)
            out = [(self._key(corrected, row, user_country, 0.5), row.id) for row in rows]
        if not out and len(words) > 1:  # "trans union" for TransUnion
            joined = "".join(words)
            rows = self.candidates(session, self.phrase(joined, True), filters, params)
            out = [(self._key([joined], row, user_country, 0.5), row.id) for row in rows]
        if not out and room and len(words) > 1:
            any_word = self.OR.join(self.phrase(w, True) for w in words)
            rows = self.candidates(session, any_word, filters, params)
            out = [(self._key(words, row, user_country, 1.0), row.id) for row in rows]
        return out

    def _nearest(self, session, word: str) -> list[str]:
        allowed = ranking.allowed_typos(word)
        if not allowed:
            return []
        distances = ((ranking.osa_distance(word, t, allowed), t) for t in self.near_terms(session, word))
        scored = sorted((d, t) for d, t in distances if d <= allowed)
        best = scored[0][0] if scored else None
        return [t for d, t in scored if d == best][:3]

    @staticmethod
    def _records(session, ids: list[int]) -> list[OrgRecord]:
        if not ids:
            return []
        statement = select(Organisation.id, Organisation.record).where(Organisation.id.in_(ids))
        rows = dict(session.execute(statement).all())
        return [load_record(rows[i]) for i in ids if i in rows]
