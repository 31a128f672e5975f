"""The caseload at 100,000 requests: an index for "mine" with a status, and the stamp per team
that the caseload's cached counts are keyed by (dsar/casework/state.py).

Revision ID: 0014_caseload_indexes
Revises: 0013_campaign_results
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_caseload_indexes"
down_revision = "0013_campaign_results"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_request_state_team_caseworker_status", "request_state",
                    ["team_id", "caseworker_id", "status", "due_on", "overdue_from"])
    op.create_table(
        "caseload_stamp",
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("team.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("stamp", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("caseload_stamp")
    op.drop_index("ix_request_state_team_caseworker_status", table_name="request_state")
