"""A Dossier database on a PostgreSQL server: connecting, finding the password, checking the schema.

`--db postgresql://user@host/dbname` (or `DOSSIER_DB`). The password comes from the URL, `PGPASSWORD` or
`~/.pgpass` (libpq reads both itself), or else the system keyring (service `dossier`, the masked URL as the
user name; `dossier db password URL` stores it). No message ever shows it: URLs are shown masked.

Unlike a file, a shared server's schema is never upgraded behind its users' backs: the app refuses a schema
older or newer than itself, and `dossier db upgrade` is the administrator's command.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import uuid4

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from store.db import HEAD_REVISION, DatabaseError, _known_revisions, upgrade

KEYRING_SERVICE = "dossier"


def parse_url(target: str) -> URL:
    """The URL, with the driver Dossier uses; a URL of another kind of server is refused in one sentence."""
    try:
        url = make_url(target)
    except (ArgumentError, ValueError) as exc:
        raise DatabaseError("The database URL cannot be read; check its host and port.") from exc
    if url.get_backend_name() != "postgresql":
        raise DatabaseError(
            f"{masked_url(target)}: Dossier works on SQLite files and PostgreSQL servers (postgresql://…)."
        )
    if "@" in (url.host or ""):
        raise DatabaseError(f"{masked_url(target)}: write an @ in the user name or password as %40.")
    return url.set(drivername="postgresql+psycopg")


def masked_url(target: str | URL) -> str:
    """The URL as the user may see it: the password (in its place or as a `password=` parameter) as ***."""
    try:
        url = make_url(target) if isinstance(target, str) else target
    except (ArgumentError, ValueError):
        return "the database URL"
    if "@" in (url.host or ""):  # an unescaped @ in the password: where it ends cannot be told
        return f"{url.get_backend_name()}://***"
    secret = {key: "***" for key in url.query if "password" in key.lower()}
    url = url.update_query_dict(secret) if secret else url
    shown = url.set(drivername=url.get_backend_name()).render_as_string(hide_password=True)
    return shown.replace("%2A%2A%2A", "***")


def keyring_name(url: URL) -> str:
    """The keyring entry's user name for a server: its URL without the password."""
    return masked_url(url._replace(password=None))


def _keyring_password(url: URL) -> str | None:
    try:
        import keyring

        return keyring.get_password(KEYRING_SERVICE, keyring_name(url))
    except Exception:  # no keyring backend on a headless server is normal: libpq's sources were tried first
        return None


def store_password(target: str, password: str) -> str:
    """Keep a server's password in the system keyring; returns the entry's name. Raises DatabaseError."""
    url = parse_url(target)
    try:
        import keyring

        keyring.set_password(KEYRING_SERVICE, keyring_name(url), password)
    except Exception as exc:
        raise DatabaseError(f"The system keyring could not store the password: {exc}.") from exc
    return keyring_name(url)


def make_server_engine(url: URL) -> Engine:
    """An engine on a PostgreSQL database. Sessions run in UTC, so stored times read back as they were written."""
    # Options the URL gives (`?options=-c search_path=crm`) are kept; UTC is added to them.
    given = url.query.get("options")
    if isinstance(given, tuple):  # `options` given more than once: SQLAlchemy keeps every value
        given = " ".join(given)
    options = " ".join(filter(None, [given, "-c timezone=UTC"]))
    engine = create_engine(
        url.difference_update_query(["options"]),
        # A name of this program's own: live-change notifications say who sent them (store/changes.py).
        connect_args={"options": options, "connect_timeout": 10, "application_name": f"dossier {uuid4().hex[:12]}"},
        pool_pre_ping=True,
        json_serializer=lambda value: json.dumps(_visible_nul(value)),
    )
    event.listen(engine, "before_cursor_execute", _without_nul, retval=True)
    return engine


def _visible_nul(value: Any) -> Any:
    """`value` with every NUL character in its strings (and its dicts' keys) as ␀."""
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "\u2400")
    if isinstance(value, dict):
        return {_visible_nul(key): _visible_nul(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_visible_nul(item) for item in value)
    return value


def _without_nul(_conn, _cursor, statement: str, parameters: Any, _context, _executemany: bool) -> tuple[str, Any]:
    # PostgreSQL's text cannot hold NUL, which SQLite stores; it is kept as the symbol Dossier shows for it (␀)
    # rather than failing a whole import batch over one stray byte. JSON values get the same through the
    # engine's json_serializer (as an escape, \u0000 would be stored, and then break a cast to jsonb).
    return statement, _visible_nul(parameters)


def connection_reason(exc: BaseException) -> str:
    """libpq's own reason for a failed connection ("Connection refused", "password authentication failed
    for user …"), without its framing: the text after the last "failed:" of its first line."""
    message = str(getattr(exc, "orig", None) or exc).strip()
    first = message.splitlines()[0] if message else type(exc).__name__
    reason = first.rsplit("failed:", 1)[-1].strip()
    for prefix in ("FATAL:", "fe_sendauth:"):
        reason = reason.removeprefix(prefix).strip()
    return reason.rstrip(".") or first


def _connect(url: URL) -> tuple[Engine, str | None]:
    """An engine whose first connection worked, and the schema revision found (None for an empty database)."""
    engine = make_server_engine(url)
    try:
        with engine.connect() as conn:
            return engine, _revision(conn, url)
    except DBAPIError as exc:
        engine.dispose()
        reason = connection_reason(exc)
        if "no password supplied" in reason and url.password is None:
            password = _keyring_password(url)
            if password is not None:
                return _connect(url.set(password=password))
            raise DatabaseError(
                f"{masked_url(url)} asks for a password: put it in PGPASSWORD or ~/.pgpass, or store it with "
                f"`dossier db password {masked_url(url)}`."
            ) from exc
        raise DatabaseError(f"Cannot connect to {masked_url(url)}: {reason}.") from exc


def _revision(conn, url: URL) -> str | None:
    if conn.execute(text("SELECT to_regclass('alembic_version')")).scalar() is None:
        tables = conn.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")).scalar()
        if tables:
            raise DatabaseError(f"{masked_url(url)} is not a Dossier database; it was left untouched.")
        return None
    if conn.execute(text("SELECT to_regprocedure('dossier_fold(text)')")).scalar() is None:
        # Another program's Alembic history: Dossier's first migration makes this function.
        raise DatabaseError(f"{masked_url(url)} is not a Dossier database; it was left untouched.")
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def open_server(target: str, *, create: bool = False, upgrade_schema: bool = False) -> Engine:
    """Open a Dossier database on a PostgreSQL server (see the module's docstring)."""
    url = parse_url(target)
    engine, revision = _connect(url)
    shown = masked_url(url)
    try:
        if revision == HEAD_REVISION:
            return engine
        if revision is not None and revision not in _known_revisions():
            raise DatabaseError(
                f"{shown} was written by a newer version of Dossier (schema {revision}); upgrade Dossier to open it."
            )
        if revision is None and not (create or upgrade_schema):
            raise DatabaseError(f"{shown} is empty; set it up with `dossier db upgrade --db {shown}`.")
        if revision is not None and not upgrade_schema:
            raise DatabaseError(
                f"{shown} has an older schema ({revision}) than this Dossier ({HEAD_REVISION}); "
                f"its administrator upgrades it with `dossier db upgrade --db {shown}`."
            )
        upgrade(engine)
    except DatabaseError:
        engine.dispose()
        raise
    except DBAPIError as exc:
        engine.dispose()
        raise DatabaseError(f"{shown} could not be set up: {connection_reason(exc)}.") from exc
    return engine
