"""Full-text search over contacts and notes: one interface, one implementation per database.

SQLite has FTS5 indexes kept in sync by triggers. PostgreSQL has GIN indexes over `tsvector` expressions
(nothing to keep in sync) and `pg_trgm` for the "name contains" filters. Both index words folded for case
and accents and split at punctuation, and both match a typed word against the start of a stored word, so
the same query finds the same contacts on either. The queries themselves are in store/lookup.py.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

from store.db import APPLICATION_ID

SEARCH_COLUMNS = ("firstname", "lastname", "email", "company", "city")


# PostgreSQL: folding as store.db.fold does (unaccent + lower), words as FTS5's unicode61 tokenizer splits them.
POSTGRES_FUNCTIONS = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE FUNCTION dossier_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE "
    "RETURN lower(unaccent('unaccent'::regdictionary, value))",
    "CREATE FUNCTION dossier_words(value text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE "
    "RETURN to_tsvector('simple'::regconfig, "
    "regexp_replace(coalesce(dossier_fold(value), ''), '[^[:alnum:]]+', ' ', 'g'))",
    # A separator word between the columns, deleted again: the gap it leaves keeps a phrase (`ada.lovelace`)
    # from running from one column into the next, as FTS5's phrases stay within a column.
    "CREATE FUNCTION dossier_contact_words(firstname text, lastname text, email text, company text, city text) "
    "RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE "
    "RETURN ts_delete(dossier_words(firstname || ' 0sep0 ' || lastname || ' 0sep0 ' || coalesce(email, '') "
    "|| ' 0sep0 ' || company || ' 0sep0 ' || city), '0sep0'::text)",
    # What a user typed as a prefix query, split and folded exactly as the index is (`o'bri` is
    # `o <-> bri:*`, words joined by &). Only letters and digits reach to_tsquery: no input is tsquery syntax.
    "CREATE FUNCTION dossier_prefix_query(typed text) RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE "
    "RETURN (SELECT to_tsquery('simple'::regconfig, coalesce(string_agg(replace(phrase, ' ', ' <-> ') || ':*', "
    "' & '), '')) FROM (SELECT btrim(regexp_replace(dossier_fold(word), '[^[:alnum:]]+', ' ', 'g')) AS phrase "
    "FROM regexp_split_to_table(typed, '\\s+') AS word) AS words WHERE phrase <> '')",
]


def create_contact_search(conn: Connection) -> None:
    """Create the contact search index and mark the file as ours (SQLite); on PostgreSQL the functions the
    search uses (its index, on stored words, comes with migration 0006_team)."""
    if conn.dialect.name == "postgresql":
        for statement in POSTGRES_FUNCTIONS:
            conn.execute(text(statement))
        return
    cols = ", ".join(SEARCH_COLUMNS)
    new = ", ".join(f"new.{c}" for c in SEARCH_COLUMNS)
    old = ", ".join(f"old.{c}" for c in SEARCH_COLUMNS)
    # Prefix indexes for 1-3 characters keep the first keystrokes of a search fast on large tables.
    statements = [
        f"CREATE VIRTUAL TABLE contact_fts USING fts5({cols}, content='contact', content_rowid='id', prefix='1 2 3', "
        "tokenize='unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER contact_fts_ai AFTER INSERT ON contact BEGIN "
        f"INSERT INTO contact_fts(rowid, {cols}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER contact_fts_ad AFTER DELETE ON contact BEGIN "
        f"INSERT INTO contact_fts(contact_fts, rowid, {cols}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER contact_fts_au AFTER UPDATE OF {cols} ON contact BEGIN "
        f"INSERT INTO contact_fts(contact_fts, rowid, {cols}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO contact_fts(rowid, {cols}) VALUES (new.id, {new}); END",
        f"PRAGMA application_id = {APPLICATION_ID}",
    ]
    for statement in statements:
        conn.execute(text(statement))


def drop_contact_search(conn: Connection) -> None:
    """Undo `create_contact_search`."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("DROP INDEX IF EXISTS ix_contact_search"))
        for name in ("dossier_prefix_query", "dossier_contact_words", "dossier_words", "dossier_fold"):
            conn.execute(text(f"DROP FUNCTION IF EXISTS {name}"))
        return
    for name in ("contact_fts_ai", "contact_fts_ad", "contact_fts_au"):
        conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
    conn.execute(text("DROP TABLE IF EXISTS contact_fts"))
