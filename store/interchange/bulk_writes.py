"""What a bulk import does around its batches to write as fast as the schema allows.

Each was measured on a 100,000-row CSV import into an empty database (bench/csv_speed.py).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Connection

from store.fts import SEARCH_COLUMNS

# SQLite's page cache for an import's connection, in KiB (the default is 2,000): a batch inserts its emails at
# random places in two indexes, and with the default cache their pages are read again and again from the
# WAL or the file. The inserts alone took 36 -> 27 us a row with 64 MiB; the whole import ~10% less time, and
# the same with 32 MiB, which costs that much memory at most while an import runs. Given back at its end.
BULK_CACHE_KIB = 32 * 1024


@contextmanager
def bulk_cache(conn: Connection) -> Iterator[None]:
    """SQLite's page cache of `conn` at `BULK_CACHE_KIB` inside the block."""
    if conn.dialect.name != "sqlite":
        yield
        return
    # Said to the driver: through SQLAlchemy it would begin a transaction, and each batch begins its own.
    driver = conn.connection.driver_connection
    assert driver is not None
    (before,) = driver.execute("PRAGMA cache_size").fetchone()
    driver.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        driver.execute(f"PRAGMA cache_size = {before}")


@contextmanager
def search_index_in_bulk(conn: Connection) -> Iterator[None]:
    """Index the rows inserted inside the block in one statement instead of one trigger call each (4x faster)."""
    with insert_trigger_dropped(conn, "contact", "contact_fts_ai") as after:
        yield
        if after is not None:
            cols = ", ".join(SEARCH_COLUMNS)
            conn.exec_driver_sql(
                f"INSERT INTO contact_fts(rowid, {cols}) SELECT id, {cols} FROM contact WHERE id > ? ORDER BY id",
                (after,),
            )


@contextmanager
def insert_trigger_dropped(conn: Connection, table: str, trigger: str) -> Iterator[int | None]:
    """Without the search index's insert trigger `trigger` on `table` inside the block, which yields the
    table's largest id before it: the rows inserted in the block are those above it, for the caller to index
    in bulk before the block ends. None (and the trigger left alone) on PostgreSQL, whose search index is an
    index, or when there is no such trigger.

    The trigger is dropped and re-created verbatim inside the caller's transaction, so no other connection
    ever sees the table without it (SQLite DDL is transactional). An error inside leaves it dropped in a
    transaction that must be rolled back, as `store.db.writing` does: re-creating it then could fail in turn
    (a transaction SQLite ended itself) and hide the error.
    """
    if conn.dialect.name != "sqlite":
        yield None
        return
    found = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (trigger,))
    sql = found.scalar()
    if sql is None:
        yield None
        return
    after = conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {table}").scalar()
    conn.exec_driver_sql(f"DROP TRIGGER {trigger}")
    yield int(after or 0)
    conn.exec_driver_sql(sql)


@contextmanager
def collector_spared() -> Iterator[None]:
    """Inside the block, Python's cyclic garbage collector does not run, and the objects that existed before it
    are left out of its next collections.

    An import makes several objects per row and keeps a batch of them alive: the collector ran hundreds of
    times per 100,000 rows, walking the batch (and, without the freeze, every object of the program:
    SQLAlchemy's, phonenumbers' metadata…) again and again, ~3 µs a row, a tenth of the import. What an import
    frees is freed as always, by reference counting; it makes next to no cycles (3 objects left in cycles by a
    100,000-row import), and those are collected after the block. Frozen objects are only skipped, not kept
    (`gc.unfreeze` after the block).

    A program that froze its objects itself (the app does, after its first paint) is left as it was: its
    own threads go on making garbage while an import runs, and unfreezing would hand all its objects back to
    the collector and bring back its long pauses.
    """
    if gc.get_freeze_count():
        yield
        return
    enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.unfreeze()
