"""The systems Dossier syncs with: one row each, with the read positions ("cursors") of its streams.

A cursor is written in the same transaction as the rows read up to it, so a sync interrupted at any point
resumes where it stopped with nothing lost or doubled.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select, text, update

from store.contact_page import ORIGIN
from store.dialect import insert
from store.tables import Columns, table

_S = Columns("SyncSource")
_ST = Columns("SyncState")
_C = Columns("Contact")
RECHECK = "recheck"  # the cursor listing records the next sync reads again, whatever changed


def ensure_source(conn: Connection, name: str) -> int:
    """The id of the source named `name` (`mautic https://crm.example.com`), made on first use."""
    conn.execute(insert(conn, table("SyncSource")).values(name=name, cursors={}).on_conflict_do_nothing())
    return conn.execute(select(_S.id).where(_S.name == name)).scalar_one()


def cursors(conn: Connection, source_id: int) -> dict[str, Any]:
    return dict(conn.execute(select(_S.cursors).where(_S.id == source_id)).scalar_one() or {})


def save_cursors(
    conn: Connection, source_id: int, values: dict[str, Any], *, synced_at: datetime | None = None
) -> None:
    changes: dict[str, Any] = {"cursors": values}
    if synced_at is not None:
        changes["synced_at"] = synced_at
    conn.execute(update(table("SyncSource")).where(_S.id == source_id).values(**changes))


def recheck(conn: Connection, source_id: int, remote_id: str) -> None:
    """Have the next sync read the record `remote_id` again (and its memberships), in the caller's transaction."""
    _edit_recheck(conn, source_id, lambda ids: ids | {remote_id})


def rechecked(conn: Connection, source_id: int, remote_id: str) -> None:
    """The record `remote_id` was read again: it leaves the list, in the caller's transaction."""
    _edit_recheck(conn, source_id, lambda ids: ids - {remote_id})


def _edit_recheck(conn: Connection, source_id: int, change: Callable[[set[str]], set[str]]) -> None:
    # Locked while it changes: a sync running meanwhile saves its own cursors around this list.
    row = select(_S.cursors).where(_S.id == source_id).with_for_update()
    values = dict(conn.execute(row).scalar_one() or {})
    values[RECHECK] = sorted(change(set(values.get(RECHECK, []))))
    save_cursors(conn, source_id, values)


def origin_of(conn: Connection, contact_id: int) -> Any | None:
    """The `sync_state` row (source, remote_id, synced_at as stored) saying where a contact lives in another
    system: its own, else that of a record merged into it here (see `store.contact_page.ORIGIN`)."""
    return conn.execute(text(ORIGIN), {"id": contact_id}).first()


def remote_contact(conn: Connection, contact_id: int) -> tuple[int, str] | None:
    """(source id, remote id) of a contact that came from a synced system (see `origin_of`), else None."""
    origin = origin_of(conn, contact_id)
    if origin is None:
        return None
    source_id = conn.execute(select(_S.id).where(_S.name == origin.source)).scalar()
    return (source_id, origin.remote_id) if source_id is not None else None


def sources(engine: Engine) -> list[tuple[int, str, datetime | None]]:
    """(id, name, last finished sync) of every source."""
    with engine.connect() as conn:
        rows = conn.execute(select(_S.id, _S.name, _S.synced_at).order_by(_S.id)).all()
    return [(row.id, row.name, row.synced_at) for row in rows]
