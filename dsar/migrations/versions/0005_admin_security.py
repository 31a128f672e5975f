"""Admin security: server-side reviewer sessions, failed sign-ins, and the client network of
each suggested correction (issue 9 item 7).

Revision ID: 0005_admin_security
Revises: 0004
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_admin_security"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admin_session",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("id_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "admin_login_failure",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("client_hash", sa.String(64), nullable=False),
        sa.Column("failed_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_admin_login_failure_client_hash", "admin_login_failure", ["client_hash"])
    op.create_index("ix_admin_login_failure_failed_at", "admin_login_failure", ["failed_at"])
    with op.batch_alter_table("directory_correction") as batch:
        batch.add_column(sa.Column("network_hash", sa.String(64), nullable=False, server_default=""))
    op.create_index("ix_directory_correction_network_hash", "directory_correction", ["network_hash"])
    op.create_index("ix_directory_correction_created_at", "directory_correction", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_directory_correction_created_at", "directory_correction")
    op.drop_index("ix_directory_correction_network_hash", "directory_correction")
    with op.batch_alter_table("directory_correction") as batch:
        batch.drop_column("network_hash")
    op.drop_index("ix_admin_login_failure_failed_at", "admin_login_failure")
    op.drop_index("ix_admin_login_failure_client_hash", "admin_login_failure")
    op.drop_table("admin_login_failure")
    op.drop_table("admin_session")
