"""History search: an index over every event's searchable text (label and the values in its details, folded)

Revision ID: 0009_history_search
Revises: 0008_social_not_before
Create Date: 2026-12-03
"""

from alembic import op
from sqlalchemy import text

revision = "0009_history_search"
down_revision = "0008_social_not_before"
branch_labels = None
depends_on = None

# SQLite: the text is `dossier_event_text` (store/event_search.py, registered on every connection), read
# through a view so FTS5's 'rebuild' (here, and in bench/generate.py) can fill the index from it. Trigrams
# without positions (detail=none): see store/event_search.py.
SQLITE_UPGRADE = [
    "CREATE VIEW event_search(id, text) AS SELECT id, dossier_event_text(label, details) FROM event",
    "CREATE VIRTUAL TABLE event_fts USING fts5(text, content='event_search', content_rowid='id', "
    "tokenize='trigram case_sensitive 1', detail=none, columnsize=0)",
    "CREATE TRIGGER event_fts_ai AFTER INSERT ON event BEGIN "
    "INSERT INTO event_fts(rowid, text) VALUES (new.id, dossier_event_text(new.label, new.details)); END",
    "CREATE TRIGGER event_fts_ad AFTER DELETE ON event BEGIN "
    "INSERT INTO event_fts(event_fts, rowid, text) "
    "VALUES ('delete', old.id, dossier_event_text(old.label, old.details)); "
    "END",
    "CREATE TRIGGER event_fts_au AFTER UPDATE OF label, details ON event BEGIN "
    "INSERT INTO event_fts(event_fts, rowid, text) "
    "VALUES ('delete', old.id, dossier_event_text(old.label, old.details)); "
    "INSERT INTO event_fts(rowid, text) VALUES (new.id, dossier_event_text(new.label, new.details)); END",
    # The events written before this revision; a big buffer flushes a few large segments instead of many
    # small ones to merge (as bench/generate.py does), and goes again once the index is built.
    "INSERT INTO event_fts(event_fts, rank) VALUES ('hashsize', 268435456)",
    "INSERT INTO event_fts(event_fts) VALUES ('rebuild')",
    "DELETE FROM event_fts_config WHERE k = 'hashsize'",
]
SQLITE_DOWNGRADE = [
    "DROP TRIGGER IF EXISTS event_fts_ai",
    "DROP TRIGGER IF EXISTS event_fts_ad",
    "DROP TRIGGER IF EXISTS event_fts_au",
    "DROP TABLE IF EXISTS event_fts",
    "DROP VIEW IF EXISTS event_search",
]
# PostgreSQL: the same text from the same atoms today's search reads (store/timeline.py), folded by
# dossier_fold, under a trigram GIN index that `LIKE '%needle%'` uses.
POSTGRES_UPGRADE = [
    "CREATE FUNCTION dossier_event_text(label text, details json) RETURNS text LANGUAGE sql IMMUTABLE "
    "PARALLEL SAFE RETURN coalesce(dossier_fold(label), '') || E'\\n' || coalesce((SELECT "
    "string_agg(dossier_fold(node.atom #>> '{}'), E'\\n') FROM jsonb_path_query(CAST(details AS jsonb), "
    "'strict $.**') AS node(atom) WHERE jsonb_typeof(node.atom) NOT IN ('object', 'array')), '')",
    "CREATE INDEX ix_event_search ON event USING gin (dossier_event_text(label, details) gin_trgm_ops)",
]
POSTGRES_DOWNGRADE = ["DROP INDEX IF EXISTS ix_event_search", "DROP FUNCTION IF EXISTS dossier_event_text"]


def _run(sqlite: list[str], postgresql: list[str]) -> None:
    bind = op.get_bind()
    for statement in postgresql if bind.dialect.name == "postgresql" else sqlite:
        bind.execute(text(statement))


def upgrade() -> None:
    _run(SQLITE_UPGRADE, POSTGRES_UPGRADE)


def downgrade() -> None:
    _run(SQLITE_DOWNGRADE, POSTGRES_DOWNGRADE)
