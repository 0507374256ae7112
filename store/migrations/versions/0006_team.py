"""team mode on PostgreSQL: change notifications for live updates, trigram indexes for name filters

Revision ID: 0006_team
Revises: 0005_points_index
Create Date: 2026-11-29
"""

from alembic import op
from sqlalchemy import text

from store.changes import CHANNEL

revision = "0006_team"
down_revision = "0005_points_index"
branch_labels = None
depends_on = None

# Every write to these tables tells listening Dossiers that something changed (store/changes.py), and who:
# the payload is the writing session's application_name, which each Dossier sets to a name of its own. One
# statement-level trigger per table; PostgreSQL folds identical notifications of one transaction into one,
# so a bulk import sends one, delivered at its commit. On SQLite, `PRAGMA data_version` needs nothing.
WATCHED = (
    "contact",
    "event",
    "note",
    "segment_membership",
    "campaign_membership",
    "social_profile",
    "do_not_contact",
    "contact_ip",
    "segment",
    "campaign",
)
# The segment, campaign and template pickers filter by "name contains" (case and accents folded).
TRIGRAM = {
    "ix_segment_name_trgm": "segment (dossier_fold(name))",
    "ix_campaign_name_trgm": "campaign (dossier_fold(name))",
    "ix_email_template_name_trgm": "email_template (dossier_fold(name))",
    "ix_email_template_subject_trgm": "email_template (dossier_fold(subject))",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        text(
            "CREATE FUNCTION dossier_notify() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN PERFORM pg_notify('{CHANNEL}', current_setting('application_name')); RETURN NULL; END $$"
        )
    )
    for table in WATCHED:
        op.execute(
            text(
                f"CREATE TRIGGER {table}_notify AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION dossier_notify()"
            )
        )
    for name, target in TRIGRAM.items():
        table, expression = target.split(" ", 1)
        op.execute(text(f"CREATE INDEX {name} ON {table} USING gin ({expression[1:-1]} gin_trgm_ops)"))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in TRIGRAM:
        op.execute(text(f"DROP INDEX IF EXISTS {name}"))
    for table in WATCHED:
        op.execute(text(f"DROP TRIGGER IF EXISTS {table}_notify ON {table}"))
    op.execute(text("DROP FUNCTION IF EXISTS dossier_notify"))
