"""The search index on SQLite: FTS5 over names, aliases, brands and web domains.

The only module (with db.py and the migrations) that speaks SQLite's own SQL. Three parts:
- ``org_search``: FTS5, one row per organisation (rowid = organisation.id), with the columns
  the filters and the ranking need stored UNINDEXED beside the text, so a search is one query.
- ``org_search_vocab``: FTS5's own list of indexed words, the vocabulary typo correction uses.
- ``org_search_term`` + ``org_search_trigram``: that vocabulary, indexed by trigrams, so
  "experain" finds candidate words ("experian") without comparing it with every word we have.
"""

from __future__ import annotations

from sqlalchemy import select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from dsar.directory import ranking
from dsar.directory.models import Organisation
from dsar.directory.schema import OrgRecord, load_record

# Kept identical to migration 0002 (tests/test_db.py compares create_all() with the migrations).
DDL = (
    """CREATE VIRTUAL TABLE IF NOT EXISTS org_search USING fts5(
        name, aliases, brands, domains,
        slug UNINDEXED, kind UNINDEXED, origin UNINDEXED, country UNINDEXED,
        countries UNINDEXED, categories UNINDEXED,
        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
    )""",
    "CREATE VIRTUAL TABLE IF NOT EXISTS org_search_vocab USING fts5vocab(org_search, 'row')",
    "CREATE TABLE IF NOT EXISTS org_search_term (id INTEGER PRIMARY KEY, term TEXT NOT NULL UNIQUE)",
    """CREATE VIRTUAL TABLE IF NOT EXISTS org_search_trigram USING fts5(
        term, content = 'org_search_term', content_rowid = 'id', tokenize = 'trigram'
    )""",
)
# Name, alias, brand, domain: a hit in the name counts most.
WEIGHTS = "10.0, 8.0, 5.0, 2.0"
CANDIDATES = 100
_HAND = "('curated', 'corrected', 'preferred_import')"
_INSERT = text(
    "INSERT INTO org_search (rowid, name, aliases, brands, domains, slug, kind, origin, country, "
    "countries, categories) VALUES (:rowid, :name, :aliases, :brands, :domains, :slug, :kind, :origin, "
    ":country, :countries, :categories)"
)


def _row(org_id: int, slug: str, kind: str, origin: str, country: str, record: dict) -> dict:
    return {
        "rowid": org_id, "slug": slug, "kind": kind, "origin": origin, "country": country,
        "name": record.get("name", ""),
        "aliases": "\n".join(record.get("aliases", ())),
        "brands": "\n".join(record.get("brands", ())),
        # The webform is often a third party's (OneTrust …): web and email say who they are.
        "domains": " ".join(ranking.domains(record.get("web", ""), record.get("email", ""))),
        # Space-delimited so a filter is LIKE '% gb %'.
        "countries": f" {' '.join(dict.fromkeys([country, *record.get('relevant_countries', ())]))} ",
        "categories": f" {' '.join(record.get('categories', ()))} ",
    }


def _phrase(word: str, prefix: bool = False) -> str:
    # Words are letters and digits only (ranking.tokens), so quoting cannot be broken out of.
    return f'"{word}"' + ("*" if prefix else "")


class SqliteSearchIndex:
    def create_tables(self, connection: Connection) -> None:
        for statement in DDL:
            connection.exec_driver_sql(statement)

    def rebuild(self, session: Session) -> None:
        session.flush()
        session.execute(text("DELETE FROM org_search"))
        rows = session.execute(
            select(Organisation.id, Organisation.slug, Organisation.kind, Organisation.origin,
                   Organisation.country, Organisation.record)
        ).all()
        if rows:
            session.execute(_INSERT, [_row(*row) for row in rows])
        session.execute(text("DELETE FROM org_search_term"))
        session.execute(text(
            "INSERT INTO org_search_term (term) SELECT term FROM org_search_vocab WHERE length(term) >= 3"
        ))
        session.execute(text("INSERT INTO org_search_trigram (org_search_trigram) VALUES ('rebuild')"))

    def update(self, session: Session, slug: str) -> None:
        session.flush()
        org = session.scalar(select(Organisation).where(Organisation.slug == slug))
        session.execute(text("DELETE FROM org_search WHERE slug = :slug"), {"slug": slug})
        if org is None:
            return
        row = _row(org.id, org.slug, org.kind, org.origin, org.country, org.record)
        session.execute(_INSERT, row)
        words = {w for key in ("name", "aliases", "brands", "domains") for w in ranking.tokens(row[key])}
        for word in sorted(w for w in words if len(w) >= 3):
            result = session.execute(
                text("INSERT OR IGNORE INTO org_search_term (term) VALUES (:term)"), {"term": word}
            )
            if result.rowcount == 1:
                session.execute(
                    text("INSERT INTO org_search_trigram (rowid, term) VALUES (:id, :term)"),
                    {"id": result.lastrowid, "term": word},
                )

    # ------------------------------------------------------------------ search

    def search(self, session, query, *, country=None, category=None, kind="company", limit=20,
               user_country="gb"):
        filters, params = [], {}
        if kind:
            filters.append("kind = :kind")
            params["kind"] = kind
        if country:
            filters.append("(countries LIKE :country OR countries LIKE '% all %')")
            params["country"] = f"% {country} %"
        if category:
            filters.append("categories LIKE :category")
            params["category"] = f"% {category} %"
        words = ranking.tokens(query)[:8]
        if not words:
            where = " AND ".join(filters) or "1"
            ids = session.scalars(text(
                f"SELECT rowid FROM org_search WHERE {where} "
                f"ORDER BY origin NOT IN {_HAND}, name COLLATE NOCASE LIMIT :limit"
            ), params | {"limit": limit}).all()
            return self._records(session, ids)
        match = " AND ".join(_phrase(w, i == len(words) - 1) for i, w in enumerate(words))
        found = self._candidates(session, words, match, filters, params)
        ranked = [(self._key(words, row, user_country), row[0]) for row in found]
        if not ranked or min(key for key, _id in ranked)[0] > -2:
            ranked += self._typo_tolerant(session, words, filters, params, user_country, len(found) < limit)
        ranked.sort()
        ids = list(dict.fromkeys(org_id for _key, org_id in ranked))[:limit]
        return self._records(session, ids)

    def _candidates(self, session, words, match, filters, params) -> list:
        where = " AND ".join(["org_search MATCH :match", *filters])
        sql = ("SELECT rowid, name, aliases, brands, domains, origin, country, countries, "
               f"bm25(org_search, {WEIGHTS}) FROM org_search WHERE {where} ")
        # Our own records always compete, however many others share a common word: they come
        # first into the candidates, the rest by text score; ranking.py then orders them all.
        order = f"ORDER BY origin NOT IN {_HAND}, 9 LIMIT :n"
        return session.execute(text(sql + order), params | {"match": match, "n": CANDIDATES}).all()

    @staticmethod
    def _key(words, row, user_country, penalty=0.0):
        _id, name, aliases, brands, domains, origin, country, countries, score = row
        names = [name, *aliases.split("\n"), *brands.split("\n"), *domains.split()]
        tier = ranking.match_tier(words, [n for n in names if n]) - penalty
        return ranking.sort_key(tier, ranking.boost(origin, country, countries.split(), user_country),
                                score, name)

    def _typo_tolerant(self, session, words, filters, params, user_country, room: bool) -> list:
        """Retry with misspelt words replaced by the nearest indexed words, then with any word."""
        groups, corrected = [], list(words)
        for i, word in enumerate(words):
            last = i == len(words) - 1
            if self._known(session, word, prefix=last):
                groups.append(_phrase(word, last))
                continue
            alternatives = self._nearest(session, word)
            if not alternatives:
                groups.append(_phrase(word, last))
                continue
            corrected[i] = alternatives[0]
            groups.append("(" + " OR ".join(_phrase(a) for a in alternatives) + ")")
        out = []
        if corrected != words:
            rows = self._candidates(session, corrected, " AND ".join(groups), filters, params)
            out = [(self._key(corrected, row, user_country, 0.5), row[0]) for row in rows]
        if not out and len(words) > 1:  # "trans union" for TransUnion
            joined = "".join(words)
            rows = self._candidates(session, [joined], _phrase(joined, True), filters, params)
            out = [(self._key([joined], row, user_country, 0.5), row[0]) for row in rows]
        if not out and room and len(words) > 1:
            rows = self._candidates(session, words, " OR ".join(_phrase(w, True) for w in words),
                                    filters, params)
            out = [(self._key(words, row, user_country, 1.0), row[0]) for row in rows]
        return out

    @staticmethod
    def _known(session, word: str, prefix: bool) -> bool:
        if prefix:
            sql = "SELECT 1 FROM org_search_vocab WHERE term >= :w AND term < :end LIMIT 1"
            return session.execute(text(sql), {"w": word, "end": word + "\U0010ffff"}).first() is not None
        sql = "SELECT 1 FROM org_search_vocab WHERE term = :w"
        return session.execute(text(sql), {"w": word}).first() is not None

    @staticmethod
    def _nearest(session, word: str) -> list[str]:
        allowed = ranking.allowed_typos(word)
        if not allowed:
            return []
        grams = sorted({word[i:i + 3] for i in range(len(word) - 2)})
        terms = session.scalars(text(
            "SELECT term FROM org_search_trigram WHERE org_search_trigram MATCH :m ORDER BY rank LIMIT 80"
        ), {"m": " OR ".join(_phrase(g) for g in grams)}).all()
        scored = sorted(
            (d, t) for t in terms if (d := ranking.osa_distance(word, t, allowed)) <= allowed
        )
        best = scored[0][0] if scored else None
        return [t for d, t in scored if d == best][:3]

    @staticmethod
    def _records(session, ids: list[int]) -> list[OrgRecord]:
        if not ids:
            return []
        statement = select(Organisation.id, Organisation.record).where(Organisation.id.in_(ids))
        rows = dict(session.execute(statement).all())
        return [load_record(rows[i]) for i in ids if i in rows]
