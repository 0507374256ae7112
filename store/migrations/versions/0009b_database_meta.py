"""facts about the database itself (its random id, made on first use, for globally unique calendar UIDs)

Revision ID: 0009b_database_meta
Revises: 0008_social_not_before
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0009b_database_meta"
down_revision = "0009_history_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # No row here: a migrated file is copied as a template (tests, `dossier demo`), and every database must
    # get an id of its own. `store.identity.database_id` makes it on first use.
    op.create_table(
        "database_meta",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("database_meta")
