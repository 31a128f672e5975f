"""The caseload's cache of each client request's derived state (request_state).

Not the truth (that is the events): `python run.py caseload refresh` fills it for requests
made before this table existed, and rebuilds it at any time.

Revision ID: 0011_caseload_state
Revises: 0011_share_codes
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_caseload_state"
down_revision = "0011_share_codes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "request_state",
        sa.Column("request_id", sa.Integer(), sa.ForeignKey("request.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("team.id", ondelete="CASCADE"), nullable=False),
        sa.Column("client_id", sa.Integer(), sa.ForeignKey("client.id", ondelete="CASCADE"), nullable=False),
        sa.Column("caseworker_id", sa.Integer(), sa.ForeignKey("account.id", ondelete="SET NULL"),
                  nullable=True),
        sa.Column("organisation", sa.String(200), nullable=False),
        sa.Column("organisation_key", sa.String(200), nullable=False),
        sa.Column("right", sa.String(40), nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("settled", sa.Boolean(), nullable=False),
        sa.Column("overdue_from", sa.Date(), nullable=False),
        sa.Column("pause_running", sa.Boolean(), nullable=False),
        sa.Column("complaint_ack_due", sa.Date(), nullable=True),
        sa.Column("reminded_on", sa.Date(), nullable=True),
        sa.Column("computed_on", sa.Date(), nullable=False),
    )
    op.create_index("ix_request_state_client_id", "request_state", ["client_id"])
    op.create_index("ix_request_state_team_due", "request_state", ["team_id", "due_on", "overdue_from"])
    op.create_index("ix_request_state_team_caseworker_due", "request_state",
                    ["team_id", "caseworker_id", "due_on", "overdue_from"])
    op.create_index("ix_request_state_team_status_due", "request_state",
                    ["team_id", "status", "due_on", "overdue_from"])
    op.create_index("ix_request_state_team_organisation", "request_state",
                    ["team_id", "organisation_key", "due_on", "overdue_from"])
    op.create_index("ix_request_state_team_pause", "request_state",
                    ["team_id", "pause_running", "computed_on"])


def downgrade() -> None:
    op.drop_table("request_state")
