"""Reading a Dossier file with sqlite3 alone: what `dossier search` and `dossier show` need, without SQLAlchemy,
SQLModel or Alembic, which take longer to import than the answer takes to find.

The file gets the checks `open_database` makes (store/db_file.py), so a missing, foreign, empty, read-only or
newer file is refused with the same sentence, and nothing creates or writes a file. A file that needs more
than reading (an older schema, which `open_database` upgrades) is left to `open_database`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from store.db import HEAD_REVISION, DatabaseError, Target, describe_error, is_url
from store.db_file import file_revision
from store.lookup import Run


def readable_file(target: Target) -> Path | None:
    """The file `target` names when sqlite3 alone can read it (a Dossier file at the head revision), after
    `open_database`'s checks; None for a server, or a file whose schema `open_database` must upgrade first."""
    if is_url(target):
        return None
    path = Path(target).expanduser()
    return path if file_revision(path) == HEAD_REVISION else None


@contextmanager
def reading(path: Path) -> Iterator[Run]:
    """A `Run` (store/lookup.py) over one read transaction on the file, so every query sees the same state;
    a failure (locked, damaged) becomes one `DatabaseError` sentence."""
    try:
        conn = sqlite3.connect(path, timeout=5, isolation_level=None)
    except sqlite3.Error as exc:
        raise DatabaseError(f"{path} cannot be opened: {exc}.") from exc
    try:
        conn.execute("BEGIN")
        yield lambda statement, params: conn.execute(statement, params).fetchall()
    except sqlite3.Error as exc:
        raise DatabaseError(describe_error(exc)) from exc
    finally:
        conn.close()  # the transaction only read: closing ends it
