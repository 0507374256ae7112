"""Storing a Mautic instance's activity: each event once, by its Mautic identity.

A first sync adds a million events, so on SQLite they skip SQLAlchemy: SQL text with the values in their
stored forms (`store.db.db_time`, JSON text) goes to the driver in one `executemany`, and the History search
index (store/event_search.py) is filled by the same hand. Its insert trigger indexes one event per statement,
and each statement that fires it makes FTS5 write its pending terms out (the statement's savepoint flushes
them): ~50 µs an event, more than storing the event itself. So the trigger is dropped and re-created, verbatim,
inside the batch's transaction (SQLite DDL is transactional: no other connection ever sees the table without
it, and a failed batch restores it), and the batch is indexed in one `executemany` of plain FTS inserts,
whose terms FTS5 gathers until the commit. On PostgreSQL the search index is an index: nothing to fill.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection

from store.db import db_time
from store.event_search import value_text
from store.interchange.bulk_writes import insert_trigger_dropped
from store.models import Contact, Event, table_of

_E = table_of(Event).c
_C = table_of(Contact).c
# SQLite copies the write-ahead log into the database (and waits for the disk) once the log passes this many
# pages; a batch of events writes thousands (a page of each index for nearly every event), so at SQLite's
# 1,000 every batch paid for a copy. A bulk writer lets it grow to ~100 MB first: a page that several batches
# changed meanwhile is copied once.
BULK_CHECKPOINT_PAGES = 25_000
# And keeps more pages in memory (KiB; SQLite's own is 2,000): the pages a batch changes, which otherwise spill
# to the log before the commit, and the upper pages of the indexes every batch goes through again.
BULK_CACHE_KIB = 65_536
_COLUMNS = ("contact_id", "type", "occurred_at", "label", "details", "points_delta", "actor", "remote_key")
_INSERT = f"INSERT INTO event ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
_TRIGGER = "event_fts_ai"
_CHUNK = 500  # keys asked a statement: well under SQLite's limit of bound values

EventRow = tuple[int, str, dict[str, Any]]  # (contact id, Mautic key, `mautic_records.read_event` row)


def add_events(conn: Connection, source_id: int, rows: list[EventRow]) -> int:
    """Insert events not stored yet, each `(contact_id, Mautic key, event row)`; how many were added.

    An event is stored once per instance, by its key (`mautic_records.event_key`) under a unique index, so a
    re-read, a relabelled event or one dated "now" again adds nothing. A campaign event that ran replaces its
    scheduled self (the same log id, another prefix: LeadEventLogRepository)."""
    if not rows:
        return 0
    keys = [f"{source_id}:{key}" for _contact, key, _row in rows]
    have = _stored_keys(conn, keys)
    new: list[EventRow] = []
    for (contact_id, _key, row), remote_key in zip(rows, keys, strict=True):
        if remote_key not in have:
            have.add(remote_key)  # the same event twice in one batch is stored once
            new.append((contact_id, remote_key, row))
    if not new:
        return 0
    if conn.dialect.name == "sqlite":
        _insert_sqlite(conn, new)
    else:
        conn.execute(insert(table_of(Event)), [{**row, "contact_id": c, "remote_key": key} for c, key, row in new])
    executed = "campaign.event:campaign.event"
    scheduled = f"{source_id}:campaign.event.scheduled:campaign.event.scheduled"
    ran = [scheduled + key.removeprefix(executed) for _c, key, _r in rows if key.startswith(executed)]
    if ran:
        conn.execute(delete(table_of(Event)).where(_E.remote_key.in_(ran)))
    return len(new)


@contextmanager
def bulk_connection(engine: Engine) -> Iterator[Connection]:
    """A connection kept for many write transactions of events (`store.db.writing_on`), on which SQLite
    copies its write-ahead log into the database less often and keeps more pages; the pool gets it back as it
    was."""
    with engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            yield conn
            return
        settings = {"wal_autocheckpoint": BULK_CHECKPOINT_PAGES, "cache_size": -BULK_CACHE_KIB}
        before = {name: int(conn.exec_driver_sql(f"PRAGMA {name}").scalar() or 0) for name in settings}
        for name, value in settings.items():
            conn.exec_driver_sql(f"PRAGMA {name} = {int(value)}")
        conn.commit()  # the transaction SQLAlchemy began for them, so the writer's own can begin
        try:
            yield conn
        finally:
            for name, value in before.items():
                conn.exec_driver_sql(f"PRAGMA {name} = {value}")
            conn.commit()


def move_last_active(conn: Connection, moments: dict[int, datetime]) -> None:
    """Each contact's last active time becomes the moment given for it, where that is later."""
    if not moments:
        return
    if conn.dialect.name == "sqlite":  # one statement for the batch: building one per contact cost more than running it
        later = "UPDATE contact SET last_active = ? WHERE id = ? AND (last_active IS NULL OR last_active < ?)"
        times = {contact: db_time(moment.astimezone(UTC)) for contact, moment in moments.items()}
        conn.exec_driver_sql(later, [(moment, contact, moment) for contact, moment in times.items()])
        return
    moment = bindparam("moment", type_=_C.last_active.type)
    statement = (
        update(table_of(Contact))
        .where(_C.id == bindparam("contact"), _C.last_active.is_(None) | (_C.last_active < moment))
        .values(last_active=moment)
    )
    conn.execute(statement, [{"contact": key, "moment": value} for key, value in moments.items()])


def _stored_keys(conn: Connection, keys: list[str]) -> set[str]:
    """Which of these event keys are stored already."""
    have: set[str] = set()
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        if conn.dialect.name == "sqlite":
            marks = ", ".join("?" * len(chunk))
            found = conn.exec_driver_sql(f"SELECT remote_key FROM event WHERE remote_key IN ({marks})", tuple(chunk))
        else:
            found = conn.execute(select(_E.remote_key).where(_E.remote_key.in_(chunk)))
        have.update(found.scalars())
    return have


def _insert_sqlite(conn: Connection, new: list[EventRow]) -> None:
    values = [
        (c, row["type"], db_time(row["occurred_at"].astimezone(UTC)), row["label"], json.dumps(row["details"]),
         row["points_delta"], row["actor"], key)
        for c, key, row in new
    ]  # fmt: skip
    with insert_trigger_dropped(conn, "event", _TRIGGER) as after:
        conn.exec_driver_sql(_INSERT, values)
        if after is not None:
            rows = {key: row for _c, key, row in new}
            stored = conn.exec_driver_sql("SELECT id, remote_key FROM event WHERE id > ?", (after,))
            texts = [(event_id, value_text(rows[key]["label"], rows[key]["details"])) for event_id, key in stored]
            conn.exec_driver_sql("INSERT INTO event_fts(rowid, text) VALUES (?, ?)", texts)
