"""Full-text search over contacts and notes: one interface, one implementation per database.

SQLite has FTS5 indexes kept in sync by triggers. PostgreSQL has GIN indexes over `tsvector` expressions
(nothing to keep in sync) and `pg_trgm` for the "name contains" filters. Both index words folded for case
and accents and split at punctuation, and both match a typed word against the start of a stored word, so
the same query finds the same contacts on either.
"""

from __future__ import annotations

import re

from sqlalchemy import column, func, literal_column, table, text
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement, FromClause

from store.models import Contact, Note, table_of

SEARCH_COLUMNS = ("firstname", "lastname", "email", "company", "city")
# The SQLite header's application id marks a file as a Dossier database ("DOSS").
APPLICATION_ID = 0x444F5353


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


_TOKEN = re.compile(r"\w+", re.UNICODE)


def match_expression(query: str) -> str | None:
    """Turn what a user typed into an FTS5 prefix query: every word must match the start of a token.

    Punctuation splits a word into tokens as the index's tokenizer does, and those tokens must follow
    each other (`o'bri` is the phrase `o` then `bri…`, `jane.doe@` is `jane` then `doe…`), so no user
    input can reach FTS5's query syntax. Returns None when nothing searchable was typed.
    """
    phrases = []
    for word in query.split():
        tokens = _TOKEN.findall(word)
        if tokens:
            phrases.append('"' + " ".join(tokens) + '"*')
    return " AND ".join(phrases) or None


def _prefix_query(query: str) -> ColumnElement | None:
    """PostgreSQL's counterpart of `match_expression`, built by the server (see `dossier_prefix_query`)."""
    return func.dossier_prefix_query(query) if _TOKEN.search(query) else None


_contact_fts = table("contact_fts", column("rowid"))
_note_fts = table("note_fts", column("rowid"))
C = table_of(Contact).c
N = table_of(Note).c


def contact_matches(dialect: str, query: str) -> tuple[FromClause, ColumnElement, ColumnElement] | None:
    """(what to select from, the condition, the contact id) for contacts with words starting with each word
    typed; None when nothing searchable was typed. Sorting and paging by the id are the caller's."""
    if dialect == "postgresql":
        prefixes = _prefix_query(query)
        if prefixes is None:
            return None
        # The stored words (migration 0006_team): the same as dossier_contact_words of the row.
        return table_of(Contact), literal_column("contact.search_words").op("@@")(prefixes), C.id
    expression = match_expression(query)
    if expression is None:
        return None
    rowid = _contact_fts.c.rowid
    source = _contact_fts.join(table_of(Contact), C.id == rowid)
    return source, literal_column("contact_fts").op("MATCH")(expression), rowid


def note_matches(dialect: str, query: str) -> tuple[FromClause, ColumnElement] | None:
    """(the notes to select from, the condition) for notes with words starting with each word typed."""
    if dialect == "postgresql":
        prefixes = _prefix_query(query)
        if prefixes is None:
            return None
        return table_of(Note), literal_column("note.search_words").op("@@")(prefixes)
    expression = match_expression(query)
    if expression is None:
        return None
    source = _note_fts.join(table_of(Note), N.id == _note_fts.c.rowid)
    return source, literal_column("note_fts").op("MATCH")(expression)
