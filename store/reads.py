"""The reads a person waits for on every key (search as you type, History pages), as SQL text on the driver.

SQLAlchemy's execution of a statement (an execution context, result metadata, a Row for every row) costs a
page of a hundred rows more than SQLite takes to find them. The statements of these reads are written once
as SQL text with `:name` parameters (store/lookup.py, store/timeline.py), which sqlite3 reads itself, so on
SQLite they go to a pooled sqlite3 connection directly, in one read transaction. On PostgreSQL they go
through `text()`, which turns `:name` into the driver's style.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine

from store.db import DatabaseError, describe_error
from store.lookup import Run, sql_run


@contextmanager
def read_run(engine: Engine) -> Iterator[Run]:
    """A `Run` (store/lookup.py) over one read transaction, so every statement of a read sees the same state.

    Rows come as the driver gives them, as `sql_run`'s do. On SQLite, a failure (a damaged file) becomes one
    `DatabaseError` sentence, as `dossier search` says it (store/read_only.py).
    """
    if engine.dialect.name != "sqlite":
        with engine.connect() as conn:
            yield sql_run(conn)
        return
    pooled = engine.raw_connection()  # the pool's sqlite3 connection, set up by store.db._on_connect
    try:
        driver = pooled.driver_connection
        assert isinstance(driver, sqlite3.Connection)
        driver.execute("BEGIN")  # deferred: it takes no lock until the first read, and then only a snapshot
        yield _driver_run(engine, driver)
    finally:
        pooled.close()  # back to the pool, which rolls the read transaction back


def _driver_run(engine: Engine, driver: sqlite3.Connection) -> Run:
    listeners = engine.dispatch.before_cursor_execute

    def run(statement: str, params: Mapping[str, Any]) -> list[Any]:
        cursor = driver.cursor()
        # The engine's listeners see each statement first, as they see every other (the benchmarks record what
        # the store sends this way); there is no SQLAlchemy connection or execution context to give them.
        for listener in listeners:
            statement, params = listener(None, cursor, statement, params, None, False)
        try:
            return cursor.execute(statement, params).fetchall()
        except sqlite3.Error as exc:
            raise DatabaseError(describe_error(exc)) from exc

    return run
