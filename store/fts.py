"""Full-text contact search: an FTS5 index over the contact table, kept in sync by triggers."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.engine import Connection

SEARCH_COLUMNS = ("firstname", "lastname", "email", "company", "city")
# The SQLite header's application id marks a file as a Dossier database ("DOSS").
APPLICATION_ID = 0x444F5353


def create_contact_search(conn: Connection) -> None:
    """Create the FTS5 index and its triggers (SQLite only) and mark the file as ours."""
    if conn.dialect.name != "sqlite":
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
    if conn.dialect.name != "sqlite":
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
