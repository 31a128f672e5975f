"""Tracking: corrections between events, uploads, reminder opt-in and sent reminders.

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Batch mode: SQLite cannot add a foreign key to an existing table in place.
    with op.batch_alter_table("event") as batch:
        batch.add_column(sa.Column("supersedes_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_event_supersedes_id_event", "event", ["supersedes_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("workspace") as batch:
        batch.add_column(sa.Column("reminder_email", sa.String(320), nullable=True))
        batch.add_column(sa.Column("reminder_locale", sa.String(10), nullable=True))
        batch.add_column(sa.Column("reminders_consented_at", sa.DateTime(), nullable=True))
    op.create_table(
        "upload",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("public_id", sa.String(40), nullable=False, unique=True),
        sa.Column(
            "request_id",
            sa.Integer(),
            sa.ForeignKey("request.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("stored_name", sa.String(64), nullable=False, unique=True),
        sa.Column("original_name", sa.String(255), nullable=False),
        sa.Column("media_type", sa.String(100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
    )
    op.create_index("ix_upload_request_id", "upload", ["request_id"])
    op.create_table(
        "sent_reminder",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "request_id",
            sa.Integer(),
            sa.ForeignKey("request.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("request_id", "kind", "due_on", name="uq_sent_reminder_key"),
    )


def downgrade() -> None:
    op.drop_table("sent_reminder")
    op.drop_index("ix_upload_request_id", table_name="upload")
    op.drop_table("upload")
    with op.batch_alter_table("workspace") as batch:
        batch.drop_column("reminders_consented_at")
        batch.drop_column("reminder_locale")
        batch.drop_column("reminder_email")
    with op.batch_alter_table("event") as batch:
        batch.drop_constraint("fk_event_supersedes_id_event", type_="foreignkey")
        batch.drop_column("supersedes_id")
