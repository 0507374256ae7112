"""Noticing changes made by other programs: a teammate's dossier, another one on the same file, a script.

SQLite answers `PRAGMA data_version` with a number that changes when *another* connection commits, so one
cheap query per poll tells whether anything changed at all. On PostgreSQL every write to a Dossier table
sends a notification (migration 0006) that a listening connection picks up, with the sender's process id.
Only then is the open contact's fingerprint read: a handful of indexed lookups that change whenever its
fields, events, notes, memberships or social profiles do, or when it is merged away.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, event, text

from store.family import family
from store.lookup import Run, sql_run

CHANNEL = "dossier_changes"


class DataVersion:
    """Whether another connection committed to the database file since the last call to `changed()`.

    It holds its own read-only connection, so the application's own commits count as "another connection"
    too; `LocalCommits` tells those apart.
    """

    def __init__(self, path: Path) -> None:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        self._last = self._read()

    def _read(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def changed(self) -> bool:
        with self._lock:
            now = self._read()
            changed, self._last = now != self._last, now
            return changed

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class LocalCommits:
    """Counts the commits made through `engine` (this program's own writes)."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        event.listen(engine, "commit", self._committed)

    def _committed(self, _conn: object) -> None:
        self.count += 1


class FileWatch:
    """Commits to a SQLite file: by anyone (`PRAGMA data_version`), and how many were this program's own."""

    def __init__(self, engine: Engine, path: Path) -> None:
        self._versions = DataVersion(path)
        self._local = LocalCommits(engine)
        self._seen = 0

    def poll(self) -> tuple[bool, bool]:
        """(whether anything was committed since the last poll, whether this program committed too)."""
        if not self._versions.changed():
            return False, False
        ours, self._seen = self._local.count != self._seen, self._local.count
        return True, ours

    def close(self) -> None:
        self._versions.close()


class ServerWatch:
    """Notifications from a PostgreSQL server's Dossier tables, told apart by who sent them.

    Each notification carries the sending session's `application_name`, which every engine of Dossier
    sets to a name of its own (store/server.py), so this program's commits are told from a teammate's
    however the server reuses its process ids.
    """

    RETRY_SECONDS = 10.0

    def __init__(self, engine: Engine) -> None:
        with engine.connect() as conn:
            self._own = conn.execute(text("SHOW application_name")).scalar_one()
        self._url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        self._lock = threading.Lock()
        self._retry_at = 0.0
        self._conn = self._listen()

    def _listen(self):
        import psycopg

        # Keepalives: a connection dropped without a word (a VPN, a laptop asleep) fails within a minute.
        conn = psycopg.connect(
            self._url,
            autocommit=True,
            connect_timeout=3,
            application_name="dossier-live",
            keepalives=1,
            keepalives_idle=30,
            keepalives_interval=10,
            keepalives_count=3,
        )
        conn.execute(f"LISTEN {CHANNEL}")
        return conn

    def poll(self) -> tuple[bool, bool]:
        """(whether anything was committed since the last poll, whether all of it was this program's own)."""
        import psycopg

        if not self._lock.acquire(blocking=False):  # a reconnect is under way in another poll
            return False, False
        try:
            if self._conn is None:
                return self._reconnect()
            try:
                senders = {note.payload for note in self._conn.notifies(timeout=0)}
            except psycopg.Error:
                self._conn.close()
                self._conn = None
                return self._reconnect()
        finally:
            self._lock.release()
        if not senders:
            return False, False
        return True, senders == {self._own}

    def _reconnect(self) -> tuple[bool, bool]:
        """Listen again (at most every RETRY_SECONDS); since notifications may have been missed meanwhile,
        a success has the open contact compared once."""
        import psycopg

        if time.monotonic() < self._retry_at:
            return False, False
        try:
            self._conn = self._listen()
        except psycopg.Error:
            self._retry_at = time.monotonic() + self.RETRY_SECONDS
            return False, False
        return True, False

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()


def watch(engine: Engine, path: Path | None) -> FileWatch | ServerWatch:
    """What notices other programs' commits to this database (a SQLite file at `path`, or a server)."""
    if engine.dialect.name == "postgresql":
        return ServerWatch(engine)
    if path is None:
        raise ValueError("A SQLite database is watched through its file, and no path was given.")
    return FileWatch(engine, path)


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What a contact looks like at a glance; any change to it means the page should be reloaded."""

    date_modified: datetime | str | None
    merged_into_id: int | None
    newest_event: int | None
    notes: tuple[int, str | None]
    segments: tuple[int, int]
    campaigns: tuple[int, int]
    profiles: int


def contact_fingerprint(engine: Engine, contact_id: int) -> Fingerprint | None:
    """The contact's fingerprint, or None when there is no such contact. Indexed lookups only."""
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT date_modified, merged_into_id FROM contact WHERE id = :id"), {"id": contact_id}
        ).first()
        if row is None:
            return None

        def one(sql: str) -> tuple:
            return tuple(conn.execute(text(sql), {"id": contact_id}).one())

        newest = _newest_event(sql_run(conn), contact_id)
        return Fingerprint(
            date_modified=row.date_modified,
            merged_into_id=row.merged_into_id,
            newest_event=newest,
            notes=one("SELECT count(*), max(updated_at) FROM note WHERE contact_id = :id"),
            segments=one(
                "SELECT count(*), count(*) FILTER (WHERE manually_removed) "
                "FROM segment_membership WHERE contact_id = :id"
            ),
            campaigns=one(
                "SELECT count(*), count(*) FILTER (WHERE manually_removed) "
                "FROM campaign_membership WHERE contact_id = :id"
            ),
            profiles=conn.execute(
                text("SELECT count(*) FROM social_profile WHERE contact_id = :id"), {"id": contact_id}
            ).scalar_one(),
        )


def _newest_event(run: Run, contact_id: int) -> int | None:
    """The id of the family's newest event: each member's newest, from its own end of the index."""
    newest: list = []
    for member in family(run, contact_id):
        newest += run(
            "SELECT occurred_at, id FROM event WHERE contact_id = :id ORDER BY occurred_at DESC, id DESC LIMIT 1",
            {"id": member},
        )
    return max(newest)[1] if newest else None
