"""Checking a database file before it is opened: what it is, and its schema revision, read without writing.

Shared by `open_database` (which then makes an engine) and `store.read_only` (which reads with sqlite3 alone).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from store.db import APPLICATION_ID, HEAD_REVISION, DatabaseError, _known_revisions, create_private_file


def file_revision(path: Path, *, create: bool = False) -> str | None:
    """The schema revision of the Dossier file at `path` (None for an empty database), after refusing a folder,
    a missing file (made, empty, with `create`), a read-only, foreign, empty or newer one with a `DatabaseError`.
    """
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file.")
    if not path.exists():
        if not create:
            raise DatabaseError(f"There is no Dossier database at {path}; run `dossier demo --db {path}` to make one.")
        _create(path)
        return None
    if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        raise DatabaseError(f"{path} is read-only; Dossier needs to write to its database.")
    revision = _inspect(path)
    if revision is None and not create and _is_empty(path):
        # Commands that only read (search, show, export) never turn a file into a database.
        raise DatabaseError(
            f"{path} is an empty file, not a Dossier database yet; it was left untouched "
            f"(`dossier --db {path}` makes it one)."
        )
    if revision not in (None, HEAD_REVISION) and revision not in _known_revisions():
        raise DatabaseError(
            f"{path} was written by a newer version of Dossier (schema {revision}); upgrade Dossier to open it."
        )
    return revision


def _create(path: Path) -> None:
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"Cannot create {path.parent}: {exc.strerror}.") from exc
    try:
        create_private_file(path)
    except OSError as exc:
        raise DatabaseError(f"Cannot create {path}: {exc.strerror}.") from exc


def _inspect(path: Path) -> str | None:
    """Read a file's schema revision without writing; None for an empty database."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2)
    except sqlite3.Error as exc:
        raise DatabaseError(f"{path} cannot be opened: {exc}.") from exc
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables and app_id in (0, APPLICATION_ID):
            return None
        if app_id != APPLICATION_ID or "alembic_version" not in tables:
            raise DatabaseError(f"{path} is not a Dossier database; it was left untouched.")
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise DatabaseError(f"{path} is locked by another program; try again when it is done.") from exc
        raise DatabaseError(f"{path} cannot be read: {exc}.") from exc
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{path} is not a SQLite database, or it is corrupt; it was left untouched.") from exc
    finally:
        conn.close()


def _is_empty(path: Path) -> bool:
    """Whether a file holds no database at all: 0 bytes, or a SQLite header with no table."""
    return path.stat().st_size == 0 or not _has_tables(path)


def _has_tables(path: Path) -> bool:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2)
    try:
        return conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    finally:
        conn.close()
