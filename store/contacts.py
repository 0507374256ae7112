"""Contact queries: the list, search, lookup and the full contact page data."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Engine, String, func, select, tuple_, type_coerce

from store.contact_page import ContactNotFound as ContactNotFound
from store.contact_page import contact_detail, resolve
from store.lookup import search_summaries, sql_run
from store.reads import read_run
from store.rows import ContactDetail, ContactSummary, contact_summaries
from store.tables import Columns

C = Columns("Contact")


@cache
def _summary_columns() -> tuple[ColumnElement[Any], ...]:
    # last_active comes as the stored text and is parsed by `stored_time` (much cheaper than the DateTime processor).
    return (
        C.id,
        C.firstname,
        C.lastname,
        C.email,
        C.company,
        C.city,
        C.points,
        type_coerce(C.last_active, String).label("last_active"),
    )


ListCursor = tuple[datetime | None, int]


def list_contacts(engine: Engine, *, after: ListCursor | None = None, limit: int = 100) -> list[ContactSummary]:
    """Live contacts, most recently active first (never-active ones last), keyset-paginated.

    Pass the last row's `(last_active, id)` as `after` for the next page.
    """
    live = C.merged_into_id.is_(None)
    rows = []
    with engine.connect() as conn:
        if after is None or after[0] is not None:
            query = select(*_summary_columns()).where(live, C.last_active.is_not(None))
            if after is not None:
                query = query.where(tuple_(C.last_active, C.id) < tuple_(*after))
            query = query.order_by(C.last_active.desc(), C.id.desc()).limit(limit)
            rows = list(conn.execute(query))
        if len(rows) < limit:
            query = select(*_summary_columns()).where(live, C.last_active.is_(None))
            if after is not None and after[0] is None:
                query = query.where(C.id < after[1])
            query = query.order_by(C.id.desc()).limit(limit - len(rows))
            rows += list(conn.execute(query))
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
    with engine.connect() as conn:
        return conn.execute(select(func.count()).where(C.merged_into_id.is_(None))).scalar_one()


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
