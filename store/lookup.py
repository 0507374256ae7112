"""Contact search written once, as SQL text, for every connection that runs it.

A `Run` executes SQL text with `:name` parameters and returns the rows as tuples: the store's functions
(`store.contacts.search_contacts`) pass one over a SQLAlchemy connection, `dossier search` one over a plain
sqlite3 connection (store/read_only.py), so the app and the quick command line answer from the same
statements and find the same rows in the same order. No SQLAlchemy here: this module is on the quick path.

Both databases index words folded for case and accents and split at punctuation (store/fts.py), and both
match a typed word against the start of a stored word, so a query finds the same contacts on either.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from store.rows import ContactSummary, contact_summaries

Run = Callable[[str, Mapping[str, Any]], Sequence[Sequence[Any]]]

NOTE_SEARCH_MIN = 3
SUMMARY_SQL = (
    "contact.id, contact.firstname, contact.lastname, contact.email, contact.company, contact.city, "
    "contact.points, contact.last_active"
)
LIVE = "contact.merged_into_id IS NULL"
# (what to select from, the condition on `:words`, the contact id) per database and per table searched. On
# PostgreSQL the stored words come from migration 0006_team and the prefix query from `dossier_prefix_query`.
_CONTACTS = {
    "sqlite": (
        "contact_fts JOIN contact ON contact.id = contact_fts.rowid",
        "contact_fts MATCH :words",
        "contact_fts.rowid",
    ),
    "postgresql": ("contact", "contact.search_words @@ dossier_prefix_query(:words)", "contact.id"),
}
_NOTES = {
    "sqlite": ("note_fts JOIN note ON note.id = note_fts.rowid", "note_fts MATCH :words"),
    "postgresql": ("note", "note.search_words @@ dossier_prefix_query(:words)"),
}


def sql_run(conn: Any) -> Run:
    """The `Run` over a SQLAlchemy connection: SQL text, `:name` parameters, rows as the driver gives them (no
    type processing: SQLite's stored text, PostgreSQL's typed values)."""
    from sqlalchemy import text

    return lambda statement, params: conn.execute(text(statement), params).all()


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


def _words(dialect: str, query: str) -> str | None:
    """The `:words` parameter: an FTS5 expression on SQLite; on PostgreSQL the text typed, which the server
    splits and folds itself (`dossier_prefix_query`); None when nothing searchable was typed."""
    if dialect == "postgresql":
        return query if _TOKEN.search(query) else None
    return match_expression(query)


def search_summaries(
    run: Run, dialect: str, query: str, *, before_id: int | None = None, limit: int = 100
) -> list[ContactSummary]:
    """Live contacts whose name, email, company or city, or the text of one of their notes, have words
    starting with each word typed: newest first, paginated by id (`before_id`).

    No ranking, so broad prefixes stay fast. Notes are searched once the query has a word of at least
    `NOTE_SEARCH_MIN` characters: shorter prefixes match most notes and would only add noise.
    """
    words = _words(dialect, query)
    if words is None:
        return []
    source, condition, key = _CONTACTS[dialect]
    params, page = _page({"words": words, "limit": limit}, key, before_id)
    statement = (
        f"SELECT {SUMMARY_SQL} FROM {source} WHERE ({condition}) AND {LIVE}{page} ORDER BY {key} DESC LIMIT :limit"
    )
    rows = list(run(statement, params))
    if max(len(word) for word in query.split()) >= NOTE_SEARCH_MIN:
        # Contacts found by their notes join the same newest-first order. The next page of the union lies
        # within the next page of each part, so paginating by id stays exact.
        by_notes = set(note_contact_ids(run, dialect, query, limit, before_id=before_id))
        by_notes -= {row[0] for row in rows}
        if by_notes:
            ids = {f"id{n}": contact_id for n, contact_id in enumerate(sorted(by_notes))}
            listed = ", ".join(f":{name}" for name in ids)
            rows += run(f"SELECT {SUMMARY_SQL} FROM contact WHERE contact.id IN ({listed}) AND {LIVE}", ids)
            rows = sorted(rows, key=lambda row: row[0], reverse=True)[:limit]
    return contact_summaries(rows)


def note_contact_ids(run: Run, dialect: str, query: str, limit: int, *, before_id: int | None = None) -> list[int]:
    """Ids of live contacts with a note whose text has words starting with each word typed: newest contacts
    first (highest id), paginated like `search_summaries` by `before_id`."""
    words = _words(dialect, query)
    if words is None:
        return []
    source, condition = _NOTES[dialect]
    params, page = _page({"words": words, "limit": limit}, "note.contact_id", before_id)
    statement = (
        f"SELECT DISTINCT note.contact_id FROM {source} JOIN contact ON contact.id = note.contact_id "
        f"WHERE ({condition}) AND {LIVE}{page} ORDER BY note.contact_id DESC LIMIT :limit"
    )
    return [row[0] for row in run(statement, params)]


def _page(params: dict[str, Any], key: str, before_id: int | None) -> tuple[dict[str, Any], str]:
    """The parameters and the condition for the page of ids below `before_id` (all of them without it)."""
    if before_id is None:
        return params, ""
    return {**params, "before_id": before_id}, f" AND {key} < :before_id"
