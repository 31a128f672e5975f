"""The search index on SQLite: FTS5 over names, aliases, brands and web domains.

The only module (with db.py and the migrations) that speaks SQLite's own SQL; the search
itself (fulltext.py) is shared with PostgreSQL. Three parts:
- ``org_search``: FTS5, one row per organisation (rowid = organisation.id), with the columns
  the filters and the ranking need stored UNINDEXED beside the text, so a search is one query.
- ``org_search_vocab``: FTS5's own list of indexed words, the vocabulary typo correction uses.
- ``org_search_term`` + ``org_search_trigram``: that vocabulary, indexed by trigrams, so
  "experain" finds candidate words ("experian") without comparing it with every word we have.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from dsar.directory import ranking
from dsar.directory.fulltext import CANDIDATES, HAND_MAINTAINED, Candidate, FullTextSearchIndex

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


class SqliteSearchIndex(FullTextSearchIndex):
    def create_tables(self, connection: Connection) -> None:
        for statement in DDL:
            connection.exec_driver_sql(statement)

    insert = _INSERT
    row = staticmethod(_row)

    def rebuild_terms(self, session: Session) -> None:
        session.execute(text("DELETE FROM org_search_term"))
        session.execute(text(
            "INSERT INTO org_search_term (term) SELECT term FROM org_search_vocab WHERE length(term) >= 3"
        ))
        session.execute(text("INSERT INTO org_search_trigram (org_search_trigram) VALUES ('rebuild')"))

    def add_terms(self, session: Session, row: dict) -> None:
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

    # ------------------------------------------------------------------ search primitives

    @staticmethod
    def phrase(word: str, prefix: bool = False) -> str:
        # Words are letters and digits only (ranking.tokens), so quoting cannot be broken out of.
        return f'"{word}"' + ("*" if prefix else "")

    def filters(self, kind, country, category):
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
        return filters, params

    def listing(self, session, filters, params, limit):
        where = " AND ".join(filters) or "1"
        return session.scalars(text(
            f"SELECT rowid FROM org_search WHERE {where} "
            f"ORDER BY origin NOT IN {HAND_MAINTAINED}, name COLLATE NOCASE LIMIT :limit"
        ), params | {"limit": limit}).all()

    def candidates(self, session, match, filters, params):
        where = " AND ".join(["org_search MATCH :match", *filters])
        sql = ("SELECT rowid, name, aliases, brands, domains, origin, country, countries, "
               f"bm25(org_search, {WEIGHTS}) FROM org_search WHERE {where} "
               f"ORDER BY origin NOT IN {HAND_MAINTAINED}, 9 LIMIT :n")
        rows = session.execute(text(sql), params | {"match": match, "n": CANDIDATES}).all()
        return [Candidate(org_id, name, [name, *aliases.split("\n"), *brands.split("\n"), *domains.split()],
                          origin, country, countries.split(), score)
                for org_id, name, aliases, brands, domains, origin, country, countries, score in rows]

    def known(self, session, word, prefix):
        if prefix:
            sql = "SELECT 1 FROM org_search_vocab WHERE term >= :w AND term < :end LIMIT 1"
            return session.execute(text(sql), {"w": word, "end": word + "\U0010ffff"}).first() is not None
        sql = "SELECT 1 FROM org_search_vocab WHERE term = :w"
        return session.execute(text(sql), {"w": word}).first() is not None

    def near_terms(self, session, word):
        grams = sorted({word[i:i + 3] for i in range(len(word) - 2)})
        return session.scalars(text(
            "SELECT term FROM org_search_trigram WHERE org_search_trigram MATCH :m ORDER BY rank LIMIT 80"
        ), {"m": " OR ".join(self.phrase(g) for g in grams)}).all()
