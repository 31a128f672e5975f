"""A letter of authority keeps the day it was issued and its language, so the document a
client signed can be produced again exactly as it was.

Revision ID: 0011_authority_document
Revises: 0010_teams_casework
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_authority_document"
down_revision = "0010_teams_casework"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("authority") as batch:
        batch.add_column(sa.Column("issued_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("language", sa.String(10), nullable=False, server_default="en"))


def downgrade() -> None:
    with op.batch_alter_table("authority") as batch:
        batch.drop_column("language")
        batch.drop_column("issued_on")
