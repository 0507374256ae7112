"""team mode on PostgreSQL: change notifications for live updates, stored search words, trigram indexes

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
    "ix_segment_name_trgm": ("segment", "name"),
    "ix_campaign_name_trgm": ("campaign", "name"),
    "ix_email_template_name_trgm": ("email_template", "name"),
    "ix_email_template_subject_trgm": ("email_template", "subject"),
}


# The words a contact or note is found by, stored: checking a row against a query then costs a look at the
# stored vector instead of folding and splitting its text again (~25 µs a row), which matters when a phrase
# (`gmail.com`) has the GIN index recheck every row holding both words, or the planner walks contacts
# newest first. The search indexes are GIN indexes on these columns.
SEARCH_WORDS = {
    "contact": ("ix_contact_search", "dossier_contact_words(firstname, lastname, email, company, city)"),
    "note": ("ix_note_search", "dossier_words(text)"),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, (index, words) in SEARCH_WORDS.items():
        op.execute(text(f"ALTER TABLE {table} ADD COLUMN search_words tsvector GENERATED ALWAYS AS ({words}) STORED"))
        op.execute(text(f"CREATE INDEX {index} ON {table} USING gin (search_words)"))
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
    for name, (table, column) in TRIGRAM.items():
        op.execute(text(f"CREATE INDEX {name} ON {table} USING gin (dossier_fold({column}) gin_trgm_ops)"))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in TRIGRAM:
        op.execute(text(f"DROP INDEX IF EXISTS {name}"))
    for table in WATCHED:
        op.execute(text(f"DROP TRIGGER IF EXISTS {table}_notify ON {table}"))
    op.execute(text("DROP FUNCTION IF EXISTS dossier_notify"))
    for table, (index, _words) in SEARCH_WORDS.items():
        op.execute(text(f"DROP INDEX IF EXISTS {index}"))
        op.execute(text(f"ALTER TABLE {table} DROP COLUMN search_words"))
