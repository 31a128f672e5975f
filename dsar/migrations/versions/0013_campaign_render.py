"""Campaign renderings: one row per run of the bulk renderer (issue 14 item 4).

Revision ID: 0013_campaign_render
Revises: 0012_campaigns
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_campaign_render"
down_revision = "0012_campaigns"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaign_render",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaign.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("out_dir", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("chunk_size", sa.Integer(), nullable=False),
        sa.Column("last_letter_id", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("pages", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_campaign_render_campaign_id", "campaign_render", ["campaign_id"])


def downgrade() -> None:
    op.drop_index("ix_campaign_render_campaign_id", table_name="campaign_render")
    op.drop_table("campaign_render")
