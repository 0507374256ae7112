"""social feeds remember when they may be asked again (a rate limit's reset, or a short pause after a failure)
and the sentence of their last state (an account taken down, deactivated, hidden from logged-out readers)

Revision ID: 0008_social_not_before
Revises: 0007_mautic_sync
Create Date: 2026-12-02
"""

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = "0008_social_not_before"
down_revision = "0007_mautic_sync"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("social_profile") as table:
        table.add_column(sa.Column("not_before", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        table.add_column(sa.Column("message", sa.String(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("social_profile") as table:
        table.drop_column("message")
        table.drop_column("not_before")
