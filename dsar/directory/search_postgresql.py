"""The search index on PostgreSQL: a weighted tsvector over names, aliases, brands and web
domains, and pg_trgm over its vocabulary for typos.

The only module (with bootstrap.py's lock and the migrations) that speaks PostgreSQL's own SQL;
the search itself (fulltext.py) is shared with SQLite, so both find and order alike. Parts:
- ``org_search``: one row per organisation (id = organisation.id) with its text, the columns
  the filters and the ranking need, and ``document``, a tsvector (GIN-indexed) weighted
  A name, B aliases, C brands, D domains, in the ``simple`` configuration (no stemming, no
  stop words: these are names). The words are folded by ranking.tokens before PostgreSQL sees
  them — lower case, accents removed, split where SQLite's unicode61 tokenizer splits — so the
  unaccented words are the same on both databases whatever the server's locale.
- ``org_search_term``: the indexed words of three letters or more, with a trigram GiST index,
  so "experain" finds its nearest words ("experian") without comparing it with every word.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from dsar.directory import ranking
from dsar.directory.fulltext import CANDIDATES, HAND_MAINTAINED, Candidate, FullTextSearchIndex

# Kept identical to migration 0015 (tests/test_db.py compares create_all() with the migrations).
DDL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """CREATE TABLE IF NOT EXISTS org_search (
        id INTEGER PRIMARY KEY, slug TEXT NOT NULL, kind TEXT NOT NULL, origin TEXT NOT NULL,
        country TEXT NOT NULL, countries TEXT[] NOT NULL, categories TEXT[] NOT NULL,
        name TEXT NOT NULL, aliases TEXT[] NOT NULL, brands TEXT[] NOT NULL, domains TEXT[] NOT NULL,
        document TSVECTOR NOT NULL
    )""",
    "CREATE UNIQUE INDEX IF NOT EXISTS ix_org_search_slug ON org_search (slug)",
    "CREATE INDEX IF NOT EXISTS ix_org_search_document ON org_search USING gin (document)",
    'CREATE TABLE IF NOT EXISTS org_search_term (term TEXT COLLATE "C" PRIMARY KEY)',
    "CREATE INDEX IF NOT EXISTS ix_org_search_term_trigram ON org_search_term "
    "USING gist (term gist_trgm_ops)",
)
# ts_rank's weights for D, C, B, A: domain, brand, alias, name (as SQLite's 2, 5, 8, 10).
WEIGHTS = "{0.2, 0.5, 0.8, 1.0}"
_INSERT = text(
    "INSERT INTO org_search (id, slug, kind, origin, country, countries, categories, name, aliases, "
    "brands, domains, document) VALUES (:id, :slug, :kind, :origin, :country, "
    "CAST(:countries AS TEXT[]), CAST(:categories AS TEXT[]), :name, CAST(:aliases AS TEXT[]), "
    "CAST(:brands AS TEXT[]), CAST(:domains AS TEXT[]), "
    "setweight(to_tsvector('simple', :name_words), 'A') || "
    "setweight(to_tsvector('simple', :alias_words), 'B') || "
    "setweight(to_tsvector('simple', :brand_words), 'C') || "
    "setweight(to_tsvector('simple', :domain_words), 'D'))"
)
_VOCABULARY = ("SELECT word FROM ts_stat('SELECT document FROM org_search') WHERE length(word) >= 3 "
               "ON CONFLICT DO NOTHING")


def _row(org_id: int, slug: str, kind: str, origin: str, country: str, record: dict) -> dict:
    aliases, brands = list(record.get("aliases", ())), list(record.get("brands", ()))
    # The webform is often a third party's (OneTrust …): web and email say who they are.
    domains = ranking.domains(record.get("web", ""), record.get("email", ""))

    def words(values) -> str:
        return " ".join(w for value in values for w in ranking.tokens(value))

    return {
        "id": org_id, "slug": slug, "kind": kind, "origin": origin, "country": country,
        "countries": list(dict.fromkeys([country, *record.get("relevant_countries", ())])),
        "categories": list(record.get("categories", ())),
        "name": record.get("name", ""), "aliases": aliases, "brands": brands, "domains": domains,
        "name_words": words([record.get("name", "")]), "alias_words": words(aliases),
        "brand_words": words(brands), "domain_words": words(domains),
    }


class PostgresSearchIndex(FullTextSearchIndex):
    AND = " & "
    OR = " | "

    def create_tables(self, connection: Connection) -> None:
        for statement in DDL:
            connection.exec_driver_sql(statement)

    insert = _INSERT
    row = staticmethod(_row)

    def rebuild_terms(self, session: Session) -> None:
        session.execute(text("DELETE FROM org_search_term"))
        session.execute(text("INSERT INTO org_search_term (term) " + _VOCABULARY))

    def add_terms(self, session: Session, row: dict) -> None:
        words = {w for key in ("name_words", "alias_words", "brand_words", "domain_words")
                 for w in row[key].split() if len(w) >= 3}
        if words:
            session.execute(text("INSERT INTO org_search_term (term) VALUES (:term) ON CONFLICT DO NOTHING"),
                            [{"term": w} for w in sorted(words)])

    # ------------------------------------------------------------------ search primitives

    @staticmethod
    def phrase(word: str, prefix: bool = False) -> str:
        # Words are letters and digits only (ranking.tokens), so quoting cannot be broken out of.
        return f"'{word}'" + (":*" if prefix else "")

    def filters(self, kind, country, category):
        filters, params = [], {}
        if kind:
            filters.append("kind = :kind")
            params["kind"] = kind
        if country:
            filters.append("(:country = ANY(countries) OR 'all' = ANY(countries))")
            params["country"] = country
        if category:
            filters.append(":category = ANY(categories)")
            params["category"] = category
        return filters, params

    def listing(self, session, filters, params, limit):
        where = " AND ".join(filters) or "TRUE"
        # lower() in the C collation: the order of SQLite's NOCASE, whatever the server's locale.
        return session.scalars(text(
            f"SELECT id FROM org_search WHERE {where} "
            f'ORDER BY origin NOT IN {HAND_MAINTAINED}, lower(name) COLLATE "C", id LIMIT :limit'
        ), params | {"limit": limit}).all()

    def candidates(self, session, match, filters, params):
        where = " AND ".join(["document @@ query", *filters])
        sql = ("SELECT id, name, aliases, brands, domains, origin, country, countries, "
               f"-ts_rank('{WEIGHTS}', document, query) AS score "
               f"FROM org_search, to_tsquery('simple', :match) AS query WHERE {where} "
               f"ORDER BY origin NOT IN {HAND_MAINTAINED}, score, id LIMIT :n")
        rows = session.execute(text(sql), params | {"match": match, "n": CANDIDATES}).all()
        return [Candidate(org_id, name, [name, *aliases, *brands, *domains], origin, country, countries,
                          score)
                for org_id, name, aliases, brands, domains, origin, country, countries, score in rows]

    def known(self, session, word, prefix):
        sql = "SELECT 1 FROM org_search WHERE document @@ to_tsquery('simple', :q) LIMIT 1"
        return session.execute(text(sql), {"q": self.phrase(word, prefix)}).first() is not None

    def near_terms(self, session, word):
        # Nearest by trigram distance (the GiST index orders by it): no similarity threshold,
        # so a short word with a typo still gets its candidates; the edit distance decides.
        return session.scalars(text(
            "SELECT term FROM org_search_term ORDER BY term <-> :w LIMIT 80"), {"w": word}).all()
