"""Opening a Dossier database: checks, migrations and a tuned engine.

A database is a SQLite file (a path) or a PostgreSQL server (a `postgresql://` URL, see store/server.py).
Every failure a user can cause (a missing, foreign, corrupt, read-only, locked or newer file) raises
`DatabaseError` with one sentence meant for them, and nothing is written to the file.
"""

from __future__ import annotations

import functools
import os
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard, overload

from plain.errors import UserError

if TYPE_CHECKING:
    import sqlite3

    from sqlalchemy import Connection, CursorResult, Engine

# SQLAlchemy is imported where an engine is made or used, not here: `dossier search` and `dossier show` read
# a file with sqlite3 alone (store/read_only.py) and use this module's checks and stored forms.

# The SQLite header's application id marks a file as a Dossier database ("DOSS").
APPLICATION_ID = 0x444F5353

MIGRATIONS = Path(__file__).with_name("migrations")


class DatabaseError(UserError):
    """A database could not be opened or used; the message is one sentence for the user."""


# The newest migration's id. Opening a database at this revision needs no Alembic at all (it is imported only
# to upgrade or refuse), which keeps `dossier search` and the app's start quick; a test keeps it equal to the
# head of store/migrations.
HEAD_REVISION = "0009b_database_meta"


@functools.cache
def _script_directory():
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config())


def _alembic_config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def _known_revisions() -> set[str]:
    return {rev.revision for rev in _script_directory().walk_revisions()}


def fold(value: object) -> str | None:
    """Case- and accent-insensitive form of a value's text, for searching (`ZÜRICH` and `zurich` match)."""
    if value is None:
        return None
    decomposed = unicodedata.normalize("NFKD", str(value).casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _on_connect(dbapi_conn, _record) -> None:
    # The driver's own transaction handling commits DDL statement by statement; Dossier says BEGIN itself
    # (see _on_begin), so a migration or any multi-row change is one transaction, all or nothing.
    dbapi_conn.isolation_level = None
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA busy_timeout = 5000")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()
    add_functions(dbapi_conn)


def add_functions(dbapi_conn: sqlite3.Connection) -> None:
    """The SQL functions Dossier's queries and triggers call, on a plain sqlite3 connection (every one that
    writes events needs them: the History search index's triggers call `dossier_event_text`)."""
    from store.event_search import event_text  # it folds with `fold`, from this module

    dbapi_conn.create_function("dossier_fold", 1, fold, deterministic=True)
    dbapi_conn.create_function("dossier_event_text", 2, event_text, deterministic=True)


def _on_begin(conn) -> None:
    begin = conn.get_execution_options().get("dossier_begin")
    if begin is None:
        # A deferred BEGIN takes no lock, so it can neither wait nor fail for one: said straight to the driver,
        # it costs a reader (a search keystroke, a History page) a few microseconds instead of a full execution.
        conn.connection.driver_connection.execute("BEGIN")
    else:
        conn.exec_driver_sql(begin)


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A transaction that will write: `with writing(engine) as conn:` instead of `engine.begin()`.

    Writers take turns, on both databases, so a change that reads and then writes (a merge's checks, an
    import's matching) sees no other writer's commit in between:
    - on SQLite it begins IMMEDIATE, taking the write lock first (waiting out the busy timeout). A deferred
      transaction that reads, then writes after another program committed, fails at once with "database
      is locked" (SQLITE_BUSY_SNAPSHOT), which no timeout helps;
    - on PostgreSQL it takes a transaction-level advisory lock first. Readers never wait for it.
    """
    with engine.connect() as conn, writing_on(conn):
        yield conn


@contextmanager
def writing_on(conn: Connection) -> Iterator[Connection]:
    """`writing` on a connection the caller holds, for a writer that keeps one over many transactions with
    settings of its own (a bulk import or a sync keeps its page cache for all its batches). Every transaction
    begun on it afterwards, reads too, begins as a writer's."""
    from sqlalchemy import text

    if conn.dialect.name == "sqlite":
        conn.execution_options(dossier_begin="BEGIN IMMEDIATE")
    with conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITERS_LOCK})
        yield conn


WRITERS_LOCK = APPLICATION_ID + 1  # the advisory lock Dossier's writers take turns on (upgrades use APPLICATION_ID)


def inserted_id(result: CursorResult[Any]) -> int:
    """The id of the one row a single-row INSERT (without RETURNING) just wrote."""
    key = result.inserted_primary_key
    # SQLAlchemy types the key as optional because other statements have none; a single-row insert always does.
    if key is None:
        raise TypeError("The statement inserted no row with a primary key.")
    return int(key[0])


def make_engine(path: Path) -> Engine:
    """An engine on a SQLite file: WAL, foreign keys, a busy timeout and real transactions."""
    from sqlalchemy import create_engine, event

    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False, "timeout": 5})
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


Target = str | os.PathLike[str]


def is_url(target: Target) -> TypeGuard[str]:
    """Whether a `--db` value names a database server (`postgresql://…`) rather than a file."""
    return isinstance(target, str) and "://" in target


def as_target(value: str) -> Path | str:
    """A `--db` or `DOSSIER_DB` value: a server URL as it was typed, else a file path."""
    return value if is_url(value) else Path(value).expanduser()


def display_name(target: Target) -> str:
    """How a database is named to the user: a file's path, or a server URL with its password masked."""
    if is_url(target):
        from store.server import masked_url

        return masked_url(str(target))
    return str(Path(target).expanduser())


def open_database(target: Target, *, create: bool = False, upgrade_schema: bool = False) -> Engine:
    """Open (or with `create`, make) a Dossier database.

    A file with an older schema is upgraded in one transaction. A server's schema is upgraded only with
    `upgrade_schema` (`dossier db upgrade`, its administrator's decision); `create` sets up an empty one.
    """
    if is_url(target):
        from store.server import open_server

        return open_server(str(target), create=create, upgrade_schema=upgrade_schema)
    from store.db_file import file_revision

    path = Path(target).expanduser()
    revision = file_revision(path, create=create)
    engine = make_engine(path)
    try:
        if revision != HEAD_REVISION:
            upgrade(engine)
        # WAL is a property of the file: set once the schema is sound, so a refused upgrade writes nothing.
        raw = engine.raw_connection()
        try:
            raw.cursor().execute("PRAGMA journal_mode = WAL")
        finally:
            raw.close()
    except DatabaseError:
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()
        message = str(getattr(exc, "orig", exc))
        if "locked" in message:
            raise DatabaseError(f"{path} is locked by another program; try again when it is done.") from exc
        raise DatabaseError(f"{path} could not be opened: {message}.") from exc
    return engine


def create_private_file(path: Path) -> None:
    """Make an empty file readable and writable by its owner only (0600) in an existing folder.

    SQLite gives the database's `-wal` and `-shm` files the database file's permissions, so on a shared
    machine no other user can read the CRM. An existing file is refused (FileExistsError).
    """
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def upgrade(engine: Engine) -> None:
    """Bring the schema to the head revision, all in one transaction."""
    from alembic import command
    from sqlalchemy import text

    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Two administrators upgrading at once: the second waits, then finds nothing left to do.
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPLICATION_ID})
        command.upgrade(_alembic_config(conn), "head")


def db_time(value: datetime) -> str:
    """A datetime in the text form SQLAlchemy stores in SQLite, for raw bulk inserts and comparisons."""
    return value.strftime("%Y-%m-%d %H:%M:%S.%f")


def compared_time(dialect: str, value: datetime) -> datetime | str:
    """A time bound into SQL text as the column compares it: on SQLite the stored UTC text (naive times are
    UTC already); PostgreSQL's column holds aware times and takes the datetime itself."""
    if dialect != "sqlite":
        return value
    return db_time(value.astimezone(UTC) if value.tzinfo else value)


@overload
def stored_time(value: str | datetime) -> datetime: ...
@overload
def stored_time(value: None) -> None: ...
def stored_time(value: str | datetime | None) -> datetime | None:
    """The inverse of `db_time`: stored UTC text as an aware datetime (fast, for hot read paths).

    PostgreSQL's driver already gives an aware datetime, which is only put in UTC.
    """
    # Text first: a page of a hundred rows is read on every key typed.
    if isinstance(value, str):
        if len(value) > 10:  # a date and a time (a date alone would read an added offset as no time at all)
            # Parsing an offset is ten times quicker than `replace(tzinfo=UTC)` afterwards (CPython 3.11).
            try:
                return datetime.fromisoformat(value + "+00:00")
            except ValueError:  # text that has an offset already: read as before
                pass
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    if value is None:
        return None
    return value.astimezone(UTC)


# PostgreSQL's words for a connection that went away (SQLAlchemy also flags most as connection_invalidated).
_CONNECTION_LOST = (
    "server closed the connection",
    "connection failed",
    "terminating connection",
    "connection is lost",
    "connection is closed",
    "SSL SYSCALL error",
    "timeout expired",
)


def describe_error(exc: BaseException) -> str:
    """One sentence for the user about a failure in a database operation."""
    message = str(getattr(exc, "orig", None) or exc)
    if "locked" in message or "busy" in message:
        return "The database is busy (another program is writing to it); try again in a moment."
    if "readonly" in message or "read-only" in message:
        return "The database is read-only; the change was not saved."
    if getattr(exc, "connection_invalidated", False) or any(words in message for words in _CONNECTION_LOST):
        return "The database server cannot be reached; the change was not saved. Try again when it is back."
    if "deadlock detected" in message or "could not serialize" in message:
        return "Another user changed the same data at the same moment; the change was not saved. Try again."
    if "disk I/O" in message or "malformed" in message:
        return f"The database file could not be read ({message}); it may be damaged."
    if isinstance(exc, UserError):  # already one sentence for the user
        return message
    return f"{type(exc).__name__}: {message}"
