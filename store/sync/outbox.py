"""Changes made in Dossier to a contact that came from another system, on their way there.

A change is queued by the same transaction that makes it (`queue`), so it is never made here without being
remembered for there, even if Dossier stops at once. The pusher (`services/mautic/push.py`) sends the queue
in order, deletes what arrived, keeps what could not be sent yet (the system was unreachable: tried again
later), and marks what the system refused ("refused", with its reason) or what was changed there too since
the last sync ("conflict"): the user decides those, nothing is dropped or overwritten silently.

Actions and their payloads:
- `note.add` / `note.edit` {note_id}; `note.delete` {remote_note_id}
- `segment.add` / `segment.remove`, `campaign.add` / `campaign.remove` {group_id} (a local id)
- `dnc.add` {channel, reason, comments} / `dnc.remove` {channel}
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, text, update

from store.db import writing
from store.rows import display_name
from store.sync.sources import recheck, remote_contact
from store.tables import Columns, table

_O = Columns("SyncOutbox")
_C = Columns("Contact")
PENDING, REFUSED, CONFLICT = "pending", "refused", "conflict"


@dataclass(frozen=True, slots=True)
class QueuedChange:
    id: int
    source_id: int
    contact_id: int
    contact_name: str
    action: str
    payload: dict[str, Any]
    created_at: datetime
    attempts: int
    next_attempt_at: datetime | None
    state: str
    message: str
    what: str = ""  # what it is about: the note's first words, the segment's or campaign's name, the channel


def queue(conn: Connection, contact_id: int, action: str, payload: dict[str, Any], now: datetime) -> bool:
    """Queue a change for the system `contact_id` came from, in the caller's transaction; False (nothing
    queued) when the contact came from none."""
    origin = remote_contact(conn, contact_id)
    if origin is None:
        return False
    conn.execute(
        insert(table("SyncOutbox")).values(
            source_id=origin[0],
            contact_id=contact_id,
            action=action,
            payload=payload,
            created_at=now,
            attempts=0,
            state=PENDING,
            message="",
        )
    )
    return True


def waiting(engine: Engine) -> dict[str, int]:
    """How many changes are in each state ("pending", "refused", "conflict"); states with none are absent."""
    # SQL text, not the table's columns: the app asks this before its first paint, and the columns would
    # import every model class (see store.tables).
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT state, count(*) FROM sync_outbox GROUP BY state")).all()
    return {state: count for state, count in rows}


def changes(
    engine: Engine, *, source_id: int | None = None, states: tuple[str, ...] = (PENDING,)
) -> list[QueuedChange]:
    """The queued changes in these states, oldest first (the order they are sent in)."""
    query = (
        select(table("SyncOutbox"), _C.firstname, _C.lastname, _C.email)
        .join(table("Contact"), _C.id == _O.contact_id)
        .where(_O.state.in_(states))
        .order_by(_O.id)
    )
    if source_id is not None:
        query = query.where(_O.source_id == source_id)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
        about = _about(conn, [(row.action, dict(row.payload or {})) for row in rows])
    return [
        QueuedChange(
            row.id,
            row.source_id,
            row.contact_id,
            display_name(row.contact_id, row.firstname, row.lastname, row.email),
            row.action,
            dict(row.payload or {}),
            row.created_at,
            row.attempts,
            row.next_attempt_at,
            row.state,
            row.message,
            about.get(index, ""),
        )
        for index, row in enumerate(rows)
    ]


def done(conn: Connection, change_id: int) -> None:
    """The change arrived: it leaves the queue."""
    conn.execute(delete(table("SyncOutbox")).where(_O.id == change_id))


def retry_later(conn: Connection, change_id: int, message: str, at: datetime) -> None:
    """Not sent (the system could not be reached): tried again from `at` on."""
    conn.execute(
        update(table("SyncOutbox"))
        .where(_O.id == change_id)
        .values(attempts=_O.attempts + 1, next_attempt_at=at, message=message)
    )


def mark(conn: Connection, change_id: int, state: str, message: str) -> None:
    """Refused by the system, or in conflict with a change made there: kept for the user, with why."""
    conn.execute(
        update(table("SyncOutbox"))
        .where(_O.id == change_id)
        .values(state=state, message=message, attempts=_O.attempts + 1)
    )


def release(engine: Engine, change_id: int, *, force: bool = True) -> None:
    """Send a refused or conflicting change again; with `force` (the user chose "mine") a conflict is
    overwritten there."""
    with writing(engine) as conn:
        row = conn.execute(select(_O.payload).where(_O.id == change_id)).scalar()
        if row is None:
            return
        payload = {**dict(row), "force": True} if force else dict(row)
        conn.execute(
            update(table("SyncOutbox"))
            .where(_O.id == change_id)
            .values(state=PENDING, next_attempt_at=None, message="", payload=payload)
        )


def forget(engine: Engine, change_id: int) -> None:
    """Drop a queued change (the user chose "theirs"): the next sync reads the contact again, so what the change
    made here gives way to the other system's version."""
    with writing(engine) as conn:
        contact_id = conn.execute(select(_O.contact_id).where(_O.id == change_id)).scalar()
        done(conn, change_id)
        origin = remote_contact(conn, contact_id) if contact_id is not None else None
        if origin is not None:
            recheck(conn, *origin)


def pending_for(conn: Connection, contact_id: int, actions: tuple[str, ...]) -> list[dict[str, Any]]:
    """The payloads of the contact's changes of these kinds still queued (a sync must not undo them)."""
    rows = conn.execute(select(_O.payload).where(_O.contact_id == contact_id, _O.action.in_(actions)))
    return [dict(payload or {}) for payload in rows.scalars()]


_NOTE_CHANGES = ("note.add", "note.edit")


def pending_note(conn: Connection, note_id: int) -> bool:
    """Whether an add or edit of this note is still queued (pending, refused or in conflict)."""
    rows = conn.execute(select(_O.payload).where(_O.action.in_(_NOTE_CHANGES)))
    return any((payload or {}).get("note_id") == note_id for payload in rows.scalars())


def drop_note(conn: Connection, note_id: int) -> None:
    """A note deleted here before its add or edit went out: nothing of it needs to go any more."""
    rows = conn.execute(select(_O.id, _O.payload).where(_O.action.in_(_NOTE_CHANGES))).all()
    for change_id, payload in rows:
        if (payload or {}).get("note_id") == note_id:
            done(conn, change_id)


def _about(conn: Connection, rows: list[tuple[str, dict[str, Any]]]) -> dict[int, str]:
    """What each change (by position) is about, in a query per kind of thing it names."""
    kinds = {"note": "Note", "segment": "Segment", "campaign": "Campaign"}
    named: dict[int, tuple[str, int]] = {}  # position -> (model name, its id)
    for index, (action, payload) in enumerate(rows):
        kind = kinds.get(action.partition(".")[0])
        key = payload.get("note_id" if kind == "Note" else "group_id")
        if kind is not None and isinstance(key, int):
            named[index] = (kind, key)
    names: dict[tuple[str, int], str] = {}
    for kind in kinds.values():
        ids = sorted({key for model, key in named.values() if model == kind})
        if not ids:
            continue
        columns = table(kind).c
        column = columns.text if kind == "Note" else columns.name
        for key, value in conn.execute(select(columns.id, column).where(columns.id.in_(ids))):
            names[(kind, key)] = " ".join(str(value).split())[:60]
    about = {index: names.get(thing, "") for index, thing in named.items()}
    for index, (action, payload) in enumerate(rows):
        if action.startswith("dnc."):
            about[index] = str(payload.get("channel", ""))
    return about
