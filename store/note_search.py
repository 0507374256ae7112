"""Finding contacts by the text of their notes: the `note_fts` index (migration 0002), kept in sync by
triggers, queried with the same prefix expressions as the contact search."""

from __future__ import annotations

from sqlalchemy import Engine, column, literal_column, select, table

from store.fts import match_expression
from store.models import Contact, Note

N = Note.__table__.c
C = Contact.__table__.c
_note_fts = table("note_fts", column("rowid"))


def search_contact_ids_by_notes(engine: Engine, query: str, limit: int, *, before_id: int | None = None) -> list[int]:
    """Ids of live contacts with a note whose text has words starting with each word typed.

    Newest contacts first (highest id), paginated like `search_contacts` by `before_id`.
    """
    expression = match_expression(query)
    if expression is None:
        return []
    statement = (
        select(N.contact_id)
        .distinct()
        .select_from(_note_fts.join(Note.__table__, N.id == _note_fts.c.rowid).join(Contact, C.id == N.contact_id))
        .where(literal_column("note_fts").op("MATCH")(expression), C.merged_into_id.is_(None))
        .order_by(N.contact_id.desc())
        .limit(limit)
    )
    if before_id is not None:
        statement = statement.where(N.contact_id < before_id)
    with engine.connect() as conn:
        return list(conn.execute(statement).scalars())
