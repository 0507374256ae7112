"""Contact queries: the list, search, lookup and the full contact page data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from store.contact_page import ContactNotFound as ContactNotFound
from store.contact_page import contact_detail, resolve
from store.db import compared_time
from store.lookup import LIVE, SUMMARY_SQL, search_summaries, sql_run
from store.reads import read_run
from store.rows import ContactDetail, ContactSummary, contact_summaries

ListCursor = tuple[datetime | None, int]


def list_contacts(engine: Engine, *, after: ListCursor | None = None, limit: int = 100) -> list[ContactSummary]:
    """Live contacts, most recently active first (never-active ones last), keyset-paginated.

    Pass the last row's `(last_active, id)` as `after` for the next page. SQL text (`store.reads`), as the
    search's: the list's first page is read as the app starts, before any model class is needed.
    """
    dialect = engine.dialect.name
    rows: list[Any] = []
    with read_run(engine) as run:
        if after is None or after[0] is not None:
            params: dict[str, Any] = {"limit": limit}
            page = ""
            if after is not None and after[0] is not None:
                page = " AND (contact.last_active, contact.id) < (:at, :id)"
                params |= {"at": compared_time(dialect, after[0]), "id": after[1]}
            rows = list(
                run(
                    f"SELECT {SUMMARY_SQL} FROM contact WHERE {LIVE} AND contact.last_active IS NOT NULL{page}"
                    " ORDER BY contact.last_active DESC, contact.id DESC LIMIT :limit",
                    params,
                )
            )
        if len(rows) < limit:
            params = {"limit": limit - len(rows)}
            page = ""
            if after is not None and after[0] is None:
                page = " AND contact.id < :id"
                params["id"] = after[1]
            rows += run(
                f"SELECT {SUMMARY_SQL} FROM contact WHERE {LIVE} AND contact.last_active IS NULL{page}"
                " ORDER BY contact.id DESC LIMIT :limit",
                params,
            )
    return contact_summaries(rows)


def search_contacts(
    engine: Engine, query: str, *, before_id: int | None = None, limit: int = 100
) -> list[ContactSummary]:
    """Contacts whose name, email, company or city, or the text of one of their notes, have words starting
    with each word typed: newest first, paginated by id (`before_id`). See `store.lookup.search_summaries`,
    which `dossier search` runs on its own sqlite3 connection."""
    with read_run(engine) as run:
        return search_summaries(run, engine.dialect.name, query, before_id=before_id, limit=limit)


def count_contacts(engine: Engine) -> int:
    """How many live (not merged-away) contacts there are."""
    with read_run(engine) as run:
        return int(run(f"SELECT count(*) FROM contact WHERE {LIVE}", {})[0][0])


def resolve_contact(engine: Engine, ref: str | int) -> tuple[int, int | None]:
    """Find a contact by id or email; follow merges to the survivor (see `store.contact_page.resolve`).

    Returns `(contact_id, merged_from)` where `merged_from` is the id asked for when it was merged away.
    """
    with engine.connect() as conn:
        return resolve(sql_run(conn), ref)


def get_contact(engine: Engine, contact_id: int) -> ContactDetail:
    """Everything the contact page shows about one contact (see `store.contact_page.contact_detail`)."""
    with engine.connect() as conn:
        return contact_detail(sql_run(conn), contact_id)
