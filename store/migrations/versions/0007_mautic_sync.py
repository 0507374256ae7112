"""two-way sync with Mautic: remote identities of events and notes, sync sources and their cursors, an outbox

Revision ID: 0007_mautic_sync
Revises: 0006_team
Create Date: 2026-12-02
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0007_mautic_sync"
down_revision = "0006_team"
branch_labels = None
depends_on = None

REMOTE = sa.text("remote_key IS NOT NULL")


def upgrade() -> None:
    # Plain ADD COLUMN on both databases: the event table is never copied (its triggers and size stay put).
    op.add_column("event", sa.Column("remote_key", sa.String(), nullable=True))
    op.create_index(
        "ix_event_remote_key", "event", ["remote_key"], unique=True, sqlite_where=REMOTE, postgresql_where=REMOTE
    )
    op.add_column("note", sa.Column("remote_key", sa.String(), nullable=True))
    op.add_column("note", sa.Column("remote_digest", sa.String(), nullable=True))
    op.create_index(
        "ix_note_remote_key", "note", ["remote_key"], unique=True, sqlite_where=REMOTE, postgresql_where=REMOTE
    )
    op.create_table(
        "sync_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("cursors", sa.JSON(), nullable=False),
        sa.Column("synced_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "sync_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("message", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.ForeignKeyConstraint(["source_id"], ["sync_source.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sync_outbox_source_id", "sync_outbox", ["source_id"])
    op.create_index("ix_sync_outbox_contact_id", "sync_outbox", ["contact_id"])


def downgrade() -> None:
    op.drop_index("ix_sync_outbox_contact_id", table_name="sync_outbox")
    op.drop_index("ix_sync_outbox_source_id", table_name="sync_outbox")
    op.drop_table("sync_outbox")
    op.drop_table("sync_source")
    op.drop_index("ix_note_remote_key", table_name="note")
    with op.batch_alter_table("note") as batch:
        batch.drop_column("remote_digest")
        batch.drop_column("remote_key")
    op.drop_index("ix_event_remote_key", table_name="event")
    with op.batch_alter_table("event") as batch:
        batch.drop_column("remote_key")
