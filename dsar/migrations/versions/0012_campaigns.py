"""Campaigns: targets, frozen versions, participants and their letters (issue 14).

Revision ID: 0012_campaigns
Revises: 0011_caseload_state
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_campaigns"
down_revision = "0012_cascade"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("public_id", sa.String(40), nullable=False, unique=True),
        sa.Column("team_id", sa.Integer(), sa.ForeignKey("team.id", ondelete="CASCADE"), nullable=False),
        sa.Column("slug", sa.String(80), nullable=False, unique=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("right", sa.String(40), nullable=False),
        sa.Column("jurisdiction", sa.String(4), nullable=False),
        sa.Column("language", sa.String(10), nullable=False),
        sa.Column("organiser_paragraph", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_campaign_team_id", "campaign", ["team_id"])
    op.create_table(
        "campaign_target",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaign.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("org_slug", sa.String(120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("campaign_id", "org_slug", name="uq_campaign_target_org"),
    )
    op.create_table(
        "campaign_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaign.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("template_digest", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("campaign_id", "number", name="uq_campaign_version_number"),
    )
    op.create_table(
        "campaign_participant",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("public_id", sa.String(40), nullable=False, unique=True),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaign.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("version_id", sa.Integer(),
                  sa.ForeignKey("campaign_version.id", ondelete="CASCADE"), nullable=False),
        sa.Column("workspace_id", sa.Integer(), sa.ForeignKey("workspace.id", ondelete="CASCADE"),
                  nullable=False, unique=True),
        sa.Column("consent_version", sa.String(20), nullable=False),
        sa.Column("consented_at", sa.DateTime(), nullable=False),
        sa.Column("share_named", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_campaign_participant_campaign_id", "campaign_participant", ["campaign_id"])
    op.create_index("ix_campaign_participant_version_id", "campaign_participant", ["version_id"])
    op.create_table(
        "campaign_letter",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("participant_id", sa.Integer(),
                  sa.ForeignKey("campaign_participant.id", ondelete="CASCADE"), nullable=False),
        sa.Column("target_id", sa.Integer(), sa.ForeignKey("campaign_target.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("request_id", sa.Integer(), sa.ForeignKey("request.id", ondelete="CASCADE"),
                  nullable=False, unique=True),
        sa.Column("rendered_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("participant_id", "target_id", name="uq_campaign_letter_pair"),
    )
    op.create_index("ix_campaign_letter_target_id", "campaign_letter", ["target_id"])


def downgrade() -> None:
    for table in ("campaign_letter", "campaign_participant", "campaign_version", "campaign_target",
                  "campaign"):
        op.drop_table(table)
