"""Directory search (SQLite FTS5), suggested corrections and directory bookkeeping.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The SQLite search index (dsar/directory/search_sqlite.py holds the same statements for
# create_all()). Other databases get their own index tables in their own migration.
SQLITE_SEARCH = (
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


def upgrade() -> None:
    op.create_table(
        "directory_correction",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("public_id", sa.String(40), nullable=False, unique=True),
        sa.Column("org_slug", sa.String(120), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("source_url", sa.String(500), nullable=False),
        sa.Column("comment", sa.String(2000), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("client_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_directory_correction_org_slug", "directory_correction", ["org_slug"])
    op.create_index("ix_directory_correction_status", "directory_correction", ["status"])
    op.create_index("ix_directory_correction_client_hash", "directory_correction", ["client_hash"])
    op.create_table(
        "directory_meta",
        sa.Column("key", sa.String(60), primary_key=True),
        sa.Column("value", sa.String(200), nullable=False),
    )
    # The index starts empty: the curated digest is not stored yet, so the next start reloads
    # the curated records and rebuilds the whole index (services.load_curated_records).
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_SEARCH:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in ("org_search_trigram", "org_search_term", "org_search_vocab", "org_search"):
            op.execute(f"DROP TABLE IF EXISTS {table}")
    op.drop_table("directory_meta")
    op.drop_index("ix_directory_correction_client_hash", "directory_correction")
    op.drop_index("ix_directory_correction_status", "directory_correction")
    op.drop_index("ix_directory_correction_org_slug", "directory_correction")
    op.drop_table("directory_correction")
