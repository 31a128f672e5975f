"""Campaign results: the scorecard's published flag and the cache of each letter's facts
(issue 14 item 6).

Revision ID: 0013_campaign_results
Revises: 0012_campaigns
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_campaign_results"
down_revision = "0013_campaign_import"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaign") as batch:
        batch.add_column(sa.Column("scorecard_published", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    op.create_table(
        "campaign_letter_result",
        sa.Column("letter_id", sa.Integer(), sa.ForeignKey("campaign_letter.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaign.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("events_key", sa.String(40), nullable=False),
        sa.Column("computed_on", sa.Date(), nullable=False),
        sa.Column("pause_running", sa.Boolean(), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
    )
    op.create_index("ix_campaign_letter_result_campaign_id", "campaign_letter_result", ["campaign_id"])


def downgrade() -> None:
    op.drop_index("ix_campaign_letter_result_campaign_id", "campaign_letter_result")
    op.drop_table("campaign_letter_result")
    with op.batch_alter_table("campaign") as batch:
        batch.drop_column("scorecard_published")
