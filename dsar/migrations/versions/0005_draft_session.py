"""Wizard drafts are bound to a session id; their age is indexed for the daily purge.

Revision ID: 0005_draft_session
Revises: 0005_reminder_optin_drafts
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_draft_session"
down_revision = "0005_reminder_optin_drafts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Drafts from before have no session id to check, and letting whoever holds their token
    # adopt them would keep the fixation hole open: they go (they are a day's typing at most).
    op.execute("DELETE FROM wizard_draft")
    with op.batch_alter_table("wizard_draft") as batch:
        batch.add_column(sa.Column("sid_hash", sa.String(64), nullable=False))
    op.create_index("ix_wizard_draft_updated_at", "wizard_draft", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_wizard_draft_updated_at", table_name="wizard_draft")
    with op.batch_alter_table("wizard_draft") as batch:
        batch.drop_column("sid_hash")
