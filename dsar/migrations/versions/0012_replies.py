"""The text read out of a reply's files (reply_text), shown beside the reply checklist.

Revision ID: 0012_replies
Revises: 0011_caseload_state
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_replies"
down_revision = "0011_caseload_state"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reply_text",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("public_id", sa.String(40), nullable=False, unique=True),
        sa.Column("request_id", sa.Integer(), sa.ForeignKey("request.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("upload_id", sa.Integer(), sa.ForeignKey("upload.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_reply_text_request_id", "reply_text", ["request_id"])
    op.create_index("ix_reply_text_upload_id", "reply_text", ["upload_id"])


def downgrade() -> None:
    op.drop_table("reply_text")
