"""Copying a whole Dossier database between SQLite and PostgreSQL, in either direction.

Every table is read in primary-key order in batches from one consistent snapshot of the source and written
into an empty destination in ONE transaction: a copy that fails leaves the destination as empty as it was.
Ids are kept, so links, merge records and History stay valid; the row counts of both sides are compared at
the end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, Table, bindparam, func, insert, select, text, tuple_, update
from sqlmodel import SQLModel

from store import models  # noqa: F401  (registers the tables on the metadata)
from store.db import DatabaseError

BATCH = 5_000


@dataclass
class CopySummary:
    """Rows per table on each side; `copied` grows as the copy goes."""

    source: dict[str, int] = field(default_factory=dict)
    destination: dict[str, int] = field(default_factory=dict)
    copied: int = 0

    @property
    def total(self) -> int:
        return sum(self.source.values())

    @property
    def mismatches(self) -> list[str]:
        return [name for name, count in self.source.items() if self.destination.get(name) != count]


def tables() -> list[Table]:
    """The tables to copy, each after the tables it refers to."""
    return list(SQLModel.metadata.sorted_tables)


def _count(conn, table: Table) -> int:
    return conn.execute(select(func.count()).select_from(table)).scalar_one()


def copy_database(
    source: Engine, destination: Engine, *, progress: Callable[[CopySummary], None] | None = None
) -> CopySummary:
    """Copy every row of `source` into the empty Dossier database `destination`. Raises DatabaseError."""
    summary = CopySummary()
    with source.connect() as reading, destination.begin() as writing:
        # One snapshot for the whole read: SQLite's read transaction begins with the first count below.
        if source.dialect.name == "postgresql":
            reading.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
        present = {table.name: _count(writing, table) for table in tables()}
        if any(present.values()):
            busy = ", ".join(f"{name} ({count:,})" for name, count in present.items() if count)
            raise DatabaseError(f"The destination is not empty: it has rows in {busy}. Copy into an empty database.")
        summary.source = {table.name: _count(reading, table) for table in tables()}
        if progress:
            progress(summary)
        for table in tables():
            _copy_table(reading, writing, table, summary, progress)
        if destination.dialect.name == "postgresql":
            _advance_sequences(writing)
        summary.destination = {table.name: _count(writing, table) for table in tables()}
        if summary.mismatches:
            raise DatabaseError(
                "The copy was rolled back: row counts differ for " + ", ".join(summary.mismatches) + "."
            )
    return summary


def _copy_table(reading, writing, table: Table, summary: CopySummary, progress) -> None:
    key = list(table.primary_key.columns)
    # A merged contact points at its survivor, which may come later in id order: links are set afterwards.
    deferred = [column.name for column in table.columns if any(fk.column.table is table for fk in column.foreign_keys)]
    links: list[dict] = []
    last = None
    while True:
        query = select(table).order_by(*key).limit(BATCH)
        if last is not None:
            query = query.where(tuple_(*key) > tuple_(*last))
        rows = [dict(row._mapping) for row in reading.execute(query)]
        if not rows:
            break
        for row in rows:
            for name in deferred:
                if row[name] is not None:
                    links.append({"_id": row["id"], name: row[name]})
                    row[name] = None
        writing.execute(insert(table), rows)
        last = tuple(rows[-1][column.name] for column in key)
        summary.copied += len(rows)
        if progress:
            progress(summary)
    for name in deferred:
        values = [link for link in links if name in link]
        if values:
            statement = update(table).where(table.c.id == bindparam("_id")).values({name: bindparam(name)})
            writing.execute(statement, values)


def _advance_sequences(writing) -> None:
    """Ids were copied as they were: each table's id sequence continues after its largest id."""
    for table in tables():
        if "id" in table.c and table.c.id.primary_key:
            writing.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                )
            )


def copy_between(
    source_target: str | Path, destination_target: str | Path, progress: Callable[[CopySummary], None] | None = None
) -> CopySummary:
    """Copy the whole database `source_target` into the empty `destination_target` (files or URLs), made at
    the head schema if need be. Raises `DatabaseError` with one sentence (the copy is rolled back)."""
    import sqlalchemy.exc

    from store.db import describe_error, display_name, open_database

    if display_name(source_target) == display_name(destination_target):
        raise DatabaseError("The source and the destination are the same database.")
    source = open_database(source_target)
    try:
        destination = open_database(destination_target, create=True)
    except Exception:
        source.dispose()
        raise
    try:
        return copy_database(source, destination, progress=progress)
    except sqlalchemy.exc.DBAPIError as exc:
        raise DatabaseError(f"The copy was rolled back: {describe_error(exc)}") from exc
    finally:
        source.dispose()
        destination.dispose()
