"""Notes on a contact: write, edit and delete them, each change recorded in the contact's History.

A note's `date_time` (required for calls and meetings) puts it on the calendar; see `store.calendar`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.engine import Connection

from plain.errors import UserError
from store.contacts import ContactNotFound
from store.db import writing
from store.sync import outbox
from store.tables import Columns, table
from store.when import WhenInvalid, parse_when_text

NOTE_TYPES = ("general", "email", "call", "meeting")
TYPE_LABELS = {"general": "General", "email": "Email", "call": "Call", "meeting": "Meeting"}
NOTE_TYPE_NAMES = {"general": "General", "email": "Email", "call": "Call", "meeting": "Meeting"}
DATED_TYPES = frozenset({"call", "meeting"})
EXCERPT_LENGTH = 80

N = Columns("Note")
C = Columns("Contact")


class NoteError(UserError):
    """A note could not be saved or found; the message is one sentence for the user."""


class NoteInvalid(NoteError, ValueError):
    """What was typed cannot be saved as a note (or read as a date)."""


class NoteConflict(NoteError):
    """The note changed since the editor loaded it."""


class NoteNotFound(NoteError, LookupError):
    """The note no longer exists (someone deleted it)."""


@dataclass(frozen=True, slots=True)
class NoteRow:
    id: int
    contact_id: int
    type: str
    text: str
    date_time: datetime | None
    author: str
    created_at: datetime
    updated_at: datetime
    version: int

    @property
    def sort_time(self) -> datetime:
        """When the note belongs in time: its date if it has one, else when it was written."""
        return self.date_time or self.created_at

    @property
    def type_name(self) -> str:
        return NOTE_TYPE_NAMES.get(self.type, self.type)


def _row(row: Any) -> NoteRow:
    return NoteRow(**{name: getattr(row, name) for name in NoteRow.__dataclass_fields__})


def list_notes(engine: Engine, contact_id: int) -> list[NoteRow]:
    """A contact's notes, newest first by date (else creation time), ties broken by id."""
    # Both columns are stored as the same sortable text, so COALESCE orders them together.
    sort_time = func.coalesce(N.date_time, N.created_at)
    query = select(table("Note")).where(N.contact_id == contact_id).order_by(sort_time.desc(), N.id.desc())
    with engine.connect() as conn:
        return [_row(row) for row in conn.execute(query)]


def _fetch(conn: Connection, note_id: int) -> NoteRow:
    row = conn.execute(select(table("Note")).where(N.id == note_id)).first()
    if row is None:
        raise NoteNotFound("This note no longer exists; someone may have deleted it.")
    return _row(row)


def _clean(type: str, text: str, date_time: datetime | None) -> tuple[str, datetime | None]:
    """Validate a note's fields; returns the text to store and the date in UTC."""
    if type not in NOTE_TYPES:
        raise NoteInvalid(f"{type!r} is not a note type; choose general, email, call or meeting.")
    # Drop blank lines around the text but keep the first line's indentation (it may be Markdown).
    text = re.sub(r"\A(?:[ \t]*\r?\n)+", "", text).rstrip()
    if not text:
        raise NoteInvalid("The note is empty; write some text before saving.")
    if date_time is None and type in DATED_TYPES:
        raise NoteInvalid(f"A {type} needs a date and time, e.g. 2026-12-01 14:00 or tomorrow 14:00.")
    if date_time is not None:
        if date_time.utcoffset() is None:
            raise ValueError("A note's date_time must be timezone-aware.")
        date_time = date_time.astimezone(UTC)
    return text, date_time


def parse_when(text: str, *, now: datetime) -> datetime | None:
    """What the note editor's date field says, as an aware UTC datetime (None when blank).

    `now` is the viewer's aware local time; see `store.when.parse_when_text` for what can be typed.
    Raises `NoteInvalid` with one sentence when the text is not a date.
    """
    try:
        return parse_when_text(text, now=now)
    except WhenInvalid as exc:
        raise NoteInvalid(str(exc)) from None


def excerpt(text: str) -> str:
    """The start of a note's text on one line, for History and the calendar."""
    return " ".join(text.split())[:EXCERPT_LENGTH]


def _record(conn: Connection, note: NoteRow, event_type: str, verb: str, actor: str, now: datetime) -> None:
    details = {"note_id": note.id, "type": note.type, "author": note.author, "excerpt": excerpt(note.text)}
    conn.execute(
        insert(table("Event")).values(
            contact_id=note.contact_id,
            type=event_type,
            occurred_at=now,
            label=f"{verb}: {note.type_name}",
            details=details,
            actor=actor,
        )
    )


def add_note(
    engine: Engine,
    contact_id: int,
    *,
    type: str,
    text: str,
    date_time: datetime | None,
    author: str,
    now: datetime,
) -> NoteRow:
    """Write a note on a contact and record "Note added" in its History, in one transaction.

    Raises `NoteInvalid` (unknown type, empty text, a call or meeting without a date) or `ContactNotFound`.
    """
    text, date_time = _clean(type, text, date_time)
    with writing(engine) as conn:
        if conn.execute(select(C.id).where(C.id == contact_id)).first() is None:
            raise ContactNotFound(f"No contact has the id {contact_id}.")
        values = {
            "contact_id": contact_id,
            "type": type,
            "text": text,
            "date_time": date_time,
            "author": author,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        row = conn.execute(insert(table("Note")).values(**values).returning(*table("Note").c)).one()
        note = _row(row)
        _record(conn, note, "note.added", "Note added", author, now)
        outbox.queue(conn, contact_id, "note.add", {"note_id": note.id}, now)
    return note


def update_note(
    engine: Engine,
    note_id: int,
    *,
    type: str,
    text: str,
    date_time: datetime | None,
    author: str,
    expected_version: int,
    now: datetime,
    created_at: datetime | None = None,
) -> NoteRow:
    """Save an edited note if nobody changed it since it was loaded at `expected_version`.

    Pass the loaded note's `created_at` too: SQLite may give a deleted note's id to the next new note,
    and an editor left open on the deleted one must not save over it (`NoteNotFound` instead).

    The version goes up by one and "Note edited" is recorded in History with `author` (who edits) as its
    actor; the note keeps its original author. Saving an unchanged note writes nothing and returns it.
    Raises `NoteInvalid`, `NoteConflict` or `NoteNotFound`.
    """
    text, date_time = _clean(type, text, date_time)
    changed = (N.type != type) | (N.text != text) | N.date_time.is_distinct_from(date_time)
    with writing(engine) as conn:
        # Write first: the statement takes the write lock, so the checks below see the latest state.
        same_note = [N.id == note_id] if created_at is None else [N.id == note_id, N.created_at == created_at]
        row = conn.execute(
            table("Note")
            .update()
            .where(*same_note, N.version == expected_version, changed)
            .values(type=type, text=text, date_time=date_time, updated_at=now, version=N.version + 1)
            .returning(*table("Note").c)
        ).first()
        if row is None:
            current = _fetch(conn, note_id)
            if created_at is not None and current.created_at != created_at:
                raise NoteNotFound("This note no longer exists; someone may have deleted it.")
            if current.version != expected_version:
                raise NoteConflict("This note was changed by someone else since you opened it.")
            return current
        note = _row(row)
        _record(conn, note, "note.updated", "Note edited", author, now)
        # One queued add or edit sends the note as it is when it goes: a second would say nothing new.
        if not outbox.pending_note(conn, note.id):
            outbox.queue(conn, note.contact_id, "note.edit", {"note_id": note.id}, now)
    return note


def delete_note(
    engine: Engine, note_id: int, *, actor: str, now: datetime, created_at: datetime | None = None
) -> NoteRow:
    """Delete a note and record "Note deleted" (with the start of its text) in History; returns what was
    deleted. Raises `NoteNotFound` when it was already gone (with `created_at`, also when its id now
    belongs to a newer note: see `update_note`)."""
    same_note = [N.id == note_id] if created_at is None else [N.id == note_id, N.created_at == created_at]
    with writing(engine) as conn:
        row = conn.execute(table("Note").delete().where(*same_note).returning(*table("Note").c)).first()
        if row is None:
            raise NoteNotFound("This note no longer exists; someone may have deleted it.")
        note = _row(row)
        _record(conn, note, "note.deleted", "Note deleted", actor, now)
        outbox.drop_note(conn, note.id)
        if row.remote_key:  # it is in the other system too: deleted there as well
            remote_id = row.remote_key.rpartition(":")[2]
            outbox.queue(conn, note.contact_id, "note.delete", {"remote_note_id": remote_id}, now)
    return note
