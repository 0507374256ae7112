"""The database's own random id: made once, kept for good, copied with the database by `dossier db copy`.

What a database exports for others to keep (calendar UIDs) must differ from every other Dossier database's
and stay the same across exports, so re-importing an export updates rather than duplicates.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Engine, select

from store.db import writing
from store.dialect import insert
from store.models import DatabaseMeta, table_of

M = table_of(DatabaseMeta).c


def database_id(engine: Engine) -> str:
    """This database's id (32 hex digits), made and stored on first use; every later call reads the same."""
    query = select(M.value).where(M.name == "id")
    with engine.connect() as conn:
        found = conn.execute(query).scalar_one_or_none()
    if found is not None:
        return found
    with writing(engine) as conn:
        # Two programs asking at once: the second insert does nothing, and both read the first one's id.
        statement = insert(conn, table_of(DatabaseMeta)).values(name="id", value=uuid.uuid4().hex)
        conn.execute(statement.on_conflict_do_nothing(index_elements=["name"]))
        return conn.execute(query).scalar_one()
