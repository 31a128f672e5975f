"""One-time share codes: a citizen hands a copy of their requests to an adviser's team.

Revision ID: 0011_share_codes
Revises: 0011_authority_document
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_share_codes"
down_revision = "0011_authority_document"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "share_code",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("workspace_id", sa.Integer(), sa.ForeignKey("workspace.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("consent_version", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("used_by_team_id", sa.Integer(), sa.ForeignKey("team.id", ondelete="SET NULL"),
                  nullable=True),
    )
    op.create_index("ix_share_code_workspace_id", "share_code", ["workspace_id"])


def downgrade() -> None:
    op.drop_table("share_code")
