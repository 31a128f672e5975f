"""Reminder emails by double opt-in (a row per confirmation email) and follow-up drafts in
rows of their own (issue 9 items 2 and 6).

Revision ID: 0005_reminder_optin_drafts
Revises: 0005_admin_security
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_reminder_optin_drafts"
down_revision = "0005_admin_security"
branch_labels = None
depends_on = None

# The drafts that used to live in request.details, by their key there and their kind now.
DRAFT_KEYS = {"complaint_draft": "complaint_controller", "regulator_draft": "complaint_regulator"}

request_table = sa.table("request", sa.column("id", sa.Integer), sa.column("details", sa.JSON))
draft_table = sa.table("request_draft", sa.column("request_id", sa.Integer),
                       sa.column("kind", sa.String), sa.column("content", sa.JSON))


def upgrade() -> None:
    op.create_table(
        "reminder_confirmation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("workspace_id", sa.Integer(),
                  sa.ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("address_hash", sa.String(64), nullable=False),
        sa.Column("client_hash", sa.String(64), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
    )
    for column in ("workspace_id", "address_hash", "client_hash"):
        op.create_index(f"ix_reminder_confirmation_{column}", "reminder_confirmation", [column])
    op.create_table(
        "request_draft",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("request_id", sa.Integer(),
                  sa.ForeignKey("request.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.func.now(), nullable=False),
        sa.UniqueConstraint("request_id", "kind", name="uq_request_draft_kind"),
    )
    _move_drafts_out_of_details()


def _move_drafts_out_of_details() -> None:
    connection = op.get_bind()
    for request_id, details in connection.execute(sa.select(request_table.c.id,
                                                            request_table.c.details)).all():
        details = dict(details or {})
        moved = {key: details.pop(key) for key in DRAFT_KEYS if key in details}
        if not moved:
            continue
        for key, content in moved.items():
            connection.execute(draft_table.insert().values(
                request_id=request_id, kind=DRAFT_KEYS[key], content=content))
        connection.execute(request_table.update().where(request_table.c.id == request_id)
                           .values(details=details))


def downgrade() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(draft_table.c.request_id, draft_table.c.kind,
                                        draft_table.c.content)).all()
    keys = {kind: key for key, kind in DRAFT_KEYS.items()}
    for request_id, kind, content in rows:
        details = connection.execute(sa.select(request_table.c.details)
                                     .where(request_table.c.id == request_id)).scalar_one()
        connection.execute(request_table.update().where(request_table.c.id == request_id)
                           .values(details={**(details or {}), keys[kind]: content}))
    op.drop_table("request_draft")
    for column in ("client_hash", "address_hash", "workspace_id"):
        op.drop_index(f"ix_reminder_confirmation_{column}", table_name="reminder_confirmation")
    op.drop_table("reminder_confirmation")
