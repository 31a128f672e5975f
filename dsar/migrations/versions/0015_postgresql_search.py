"""The directory's search index on PostgreSQL: a weighted tsvector and pg_trgm over its words
(dsar/directory/search_postgresql.py). SQLite's index came with 0002; other databases have none.

The index starts empty: forgetting the curated digest makes the next start reload the curated
records and rebuild the whole index (services.load_curated_records), imported records included.

Revision ID: 0015_postgresql_search
Revises: 0014_caseload_indexes
Create Date: 2026-12-03
"""

from alembic import op

revision = "0015_postgresql_search"
down_revision = "0014_caseload_indexes"
branch_labels = None
depends_on = None

# The same statements as search_postgresql.DDL (tests/test_db.py compares the two schemas).
POSTGRESQL_SEARCH = (
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


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for statement in POSTGRESQL_SEARCH:
        op.execute(statement)
    op.execute("DELETE FROM directory_meta WHERE key = 'curated_digest'")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE IF EXISTS org_search_term")
    op.execute("DROP TABLE IF EXISTS org_search")
