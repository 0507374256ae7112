"""imports from other systems: which contact each remote record became, and its version then

Revision ID: 0004_sync_state
Revises: 0003_merge
Create Date: 2026-11-29
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0004_sync_state"
down_revision = "0003_merge"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_state",
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("remote_id", sa.String(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("remote_modified", sa.String(), nullable=False),
        sa.Column("synced_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.PrimaryKeyConstraint("source", "remote_id"),
    )
    op.create_index("ix_sync_state_contact_id", "sync_state", ["contact_id"])


def downgrade() -> None:
    op.drop_index("ix_sync_state_contact_id", table_name="sync_state")
    op.drop_table("sync_state")
