"""note search: an FTS5 index over note text, kept in sync by triggers

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from alembic import op
from sqlalchemy import text

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The same tokenizer and prefix indexes as the contact search (store/fts.py), so one typed query
# (store.lookup.match_expression) means the same thing against both indexes.
UPGRADE = [
    "CREATE VIRTUAL TABLE note_fts USING fts5(text, content='note', content_rowid='id', prefix='1 2 3', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER note_fts_ai AFTER INSERT ON note BEGIN "
    "INSERT INTO note_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER note_fts_ad AFTER DELETE ON note BEGIN "
    "INSERT INTO note_fts(note_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER note_fts_au AFTER UPDATE OF text ON note BEGIN "
    "INSERT INTO note_fts(note_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO note_fts(rowid, text) VALUES (new.id, new.text); END",
    # Index the notes written before this revision.
    "INSERT INTO note_fts(note_fts) VALUES ('rebuild')",
]
DOWNGRADE = [
    "DROP TRIGGER IF EXISTS note_fts_ai",
    "DROP TRIGGER IF EXISTS note_fts_ad",
    "DROP TRIGGER IF EXISTS note_fts_au",
    "DROP TABLE IF EXISTS note_fts",
]


# PostgreSQL's note search is an index on stored words (migration 0006_team), with nothing to keep in sync.


def _run(statements: list[str]) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    for statement in statements:
        bind.execute(text(statement))


def upgrade() -> None:
    _run(UPGRADE)


def downgrade() -> None:
    _run(DOWNGRADE)
