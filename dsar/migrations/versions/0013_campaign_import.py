"""Campaign members imported from a CSV: their mandate reference and person key (issue 14).

Revision ID: 0013_campaign_import
Revises: 0013_campaign_render
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_campaign_import"
down_revision = "0013_campaign_render"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaign_participant") as batch:
        batch.add_column(sa.Column("mandate_reference", sa.String(100), nullable=True))
        batch.add_column(sa.Column("person_key", sa.String(64), nullable=True))
    op.create_index("uq_campaign_participant_person_key", "campaign_participant",
                    ["campaign_id", "person_key"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_campaign_participant_person_key", "campaign_participant")
    with op.batch_alter_table("campaign_participant") as batch:
        batch.drop_column("person_key")
        batch.drop_column("mandate_reference")
