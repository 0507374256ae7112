"""Finding contacts by the text of their notes: the note search index (migration 0002, store/fts.py),
queried with the same prefix expressions as the contact search."""

from __future__ import annotations

from sqlalchemy import Engine, select

from store.fts import note_matches
from store.models import Contact, Note, table_of

N = table_of(Note).c
C = table_of(Contact).c


def search_contact_ids_by_notes(engine: Engine, query: str, limit: int, *, before_id: int | None = None) -> list[int]:
    """Ids of live contacts with a note whose text has words starting with each word typed.

    Newest contacts first (highest id), paginated like `search_contacts` by `before_id`.
    """
    matches = note_matches(engine.dialect.name, query)
    if matches is None:
        return []
    source, condition = matches
    statement = (
        select(N.contact_id)
        .distinct()
        .select_from(source.join(Contact, C.id == N.contact_id))
        .where(condition, C.merged_into_id.is_(None))
        .order_by(N.contact_id.desc())
        .limit(limit)
    )
    if before_id is not None:
        statement = statement.where(N.contact_id < before_id)
    with engine.connect() as conn:
        return list(conn.execute(statement).scalars())
