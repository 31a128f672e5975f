"""Requests that came from other requests: the recipient cascade (a request to an
organisation another one named as a recipient) and periodic rounds of the same request.

``parent_id``: the request whose reply named this organisation. ``previous_round_id``: the
earlier round this request repeats. ``repeat_months``: how often the person means to repeat
it (the next round's due date and its reminder). Both links are SET NULL so deleting one
request (retention) never deletes another.

Revision ID: 0012_cascade
Revises: 0011_caseload_state
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_cascade"
down_revision = "0012_replies"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Batch mode: SQLite cannot add a foreign key to an existing table in place.
    with op.batch_alter_table("request") as batch:
        batch.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("previous_round_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("repeat_months", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_request_parent_id_request", "request", ["parent_id"], ["id"],
                                 ondelete="SET NULL")
        batch.create_foreign_key("fk_request_previous_round_id_request", "request",
                                 ["previous_round_id"], ["id"], ondelete="SET NULL")
        batch.create_index("ix_request_parent_id", ["parent_id"])
        batch.create_index("ix_request_previous_round_id", ["previous_round_id"])


def downgrade() -> None:
    with op.batch_alter_table("request") as batch:
        batch.drop_index("ix_request_previous_round_id")
        batch.drop_index("ix_request_parent_id")
        batch.drop_constraint("fk_request_previous_round_id_request", type_="foreignkey")
        batch.drop_constraint("fk_request_parent_id_request", type_="foreignkey")
        batch.drop_column("repeat_months")
        batch.drop_column("previous_round_id")
        batch.drop_column("parent_id")
