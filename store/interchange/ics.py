"""The calendar as an iCalendar file (RFC 5545) that calendar programs import.

Every dated note is one VEVENT whose UID is made of the note's id and the database's own random id, so
importing a newer export updates the events instead of duplicating them, and two databases' exports never
collide in one calendar (SEQUENCE and LAST-MODIFIED say which copy is newer).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TextIO

from sqlalchemy import Engine, String, or_, select, type_coerce

from plain.errors import UserError
from plain.literal import literal
from store.calendar import LIVE_CONTACT
from store.db import stored_time
from store.identity import database_id
from store.interchange.ics_lines import content_line, escape_text, utc_stamp
from store.interchange.out_file import database_files, output_file
from store.models import Contact, Note, table_of
from store.rows import display_name
from store.when import local_midnight

PRODID = "-//Dossier//Dossier CRM//EN"
BATCH_SIZE = 500
SUMMARY_NAMES = {"general": "Note", "email": "Email", "call": "Call", "meeting": "Meeting"}
DURATIONS = {"meeting": timedelta(hours=1)}
DEFAULT_DURATION = timedelta(minutes=30)
# Calls and meetings take up time in a calendar; other dated notes are reminders that do not.
BUSY_TYPES = frozenset({"call", "meeting"})

N = table_of(Note).c


class DateRangeError(UserError, ValueError):
    """The last day of an export is before its first day; one sentence."""


C = table_of(Contact).c


def note_uid(note_id: int, database: str) -> str:
    """The UID of a note's event: the same in every export of this database (`database` is its
    `store.identity.database_id`), and unlike any other database's, as RFC 5545 §3.8.4.7 asks."""
    return f"note-{note_id}-{database}@dossier"


def _text(value: str) -> str:
    # Control characters are not allowed in iCalendar text: shown as visible symbols, as the app does.
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return literal(value)


def _rows(engine: Engine, start: datetime | None, end: datetime | None) -> Iterator[tuple]:
    """Dated notes of live contacts in time order, read `BATCH_SIZE` at a time (keyset pagination).

    Times come as they are stored and are read by `stored_time`: SQLAlchemy's DateTime processing of three
    columns cost more than writing the event.
    """
    times = (type_coerce(column, String) for column in (N.date_time, N.created_at, N.updated_at))
    base = (
        select(N.id, N.contact_id, N.type, N.text, *times, N.version, C.firstname, C.lastname, C.email)
        .select_from(table_of(Note).join(Contact, C.id == N.contact_id))
        .where(N.date_time.is_not(None), LIVE_CONTACT)
        .order_by(N.date_time, N.id)
        .limit(BATCH_SIZE)
    )
    if start is not None:
        base = base.where(N.date_time >= start)
    if end is not None:
        base = base.where(N.date_time < end)
    with engine.connect() as conn:  # one read transaction: every batch sees the same snapshot
        after = None
        while True:
            query = base
            if after is not None:
                query = query.where(N.date_time >= after[0], or_(N.date_time > after[0], N.id > after[1]))
            batch = conn.execute(query).all()
            yield from batch
            if len(batch) < BATCH_SIZE:
                return
            last = batch[-1]
            after = (stored_time(last[4]), last[0])


CALENDAR_HEAD = "".join(
    content_line(name, value)
    for name, value in (
        ("BEGIN", "VCALENDAR"),
        ("PRODID", escape_text(PRODID)),
        ("VERSION", "2.0"),
        ("CALSCALE", "GREGORIAN"),
        ("METHOD", "PUBLISH"),
        ("X-WR-CALNAME", "Dossier"),
    )
)


def _stamp(stored: str | datetime) -> str:
    """A stored time as a UTC DATE-TIME. SQLite's text is already UTC, `YYYY-MM-DD HH:MM:SS.ffffff`
    (`store.db.db_time`): rearranged rather than parsed and formatted again."""
    if isinstance(stored, str) and stored[10:11] == " ":
        return stored[:19].replace("-", "").replace(":", "").replace(" ", "T") + "Z"
    return utc_stamp(stored_time(stored))


@functools.lru_cache(maxsize=64)  # types are few; an import may bring unknown ones
def _kind(kind: str) -> tuple[str, str, timedelta]:
    """What a note's type gives its event: the summary's first word, the CATEGORIES and TRANSP lines, the length."""
    lines = content_line("CATEGORIES", escape_text(_text(kind)))
    lines += "TRANSP:OPAQUE\r\n" if kind in BUSY_TYPES else "TRANSP:TRANSPARENT\r\n"
    return SUMMARY_NAMES.get(kind, kind.title()), lines, DURATIONS.get(kind, DEFAULT_DURATION)


def _event(row: tuple, stamp: str, database: str) -> str:
    note_id, contact_id, kind, text, when, created, updated, version, firstname, lastname, email = row
    label, kind_lines, length = _kind(kind)
    summary = f"{label}: {display_name(contact_id, firstname, lastname, email)}"
    return "".join(
        (
            "BEGIN:VEVENT\r\n",
            content_line("UID", escape_text(note_uid(note_id, database))),
            stamp,
            f"DTSTART:{_stamp(when)}\r\nDTEND:{utc_stamp(stored_time(when) + length)}\r\n",
            content_line("SUMMARY", escape_text(_text(summary))),
            content_line("DESCRIPTION", escape_text(_text(text))),
            f"CREATED:{_stamp(created)}\r\nLAST-MODIFIED:{_stamp(updated)}\r\nSEQUENCE:{max(version - 1, 0)}\r\n",
            kind_lines,
            "END:VEVENT\r\n",
        )
    )


def _write(engine: Engine, out: TextIO, start: datetime | None, end: datetime | None, now: datetime) -> int:
    # The calendar's own lines, then each event as it is read, then the closing line: never all at once.
    out.write(CALENDAR_HEAD)
    stamp = content_line("DTSTAMP", utc_stamp(now))
    database = database_id(engine)
    count = 0
    for row in _rows(engine, start, end):
        out.write(_event(row, stamp, database))
        count += 1
    out.write("END:VCALENDAR\r\n")
    return count


def export_ics(
    engine: Engine,
    *,
    start: date | None,
    end: date | None,
    out: TextIO | Path,
    now: datetime,
    tz: tzinfo | None = None,
) -> int:
    """Write the dated notes of live contacts from the local day `start` through the day `end` (both
    included; None leaves that side open) as an iCalendar file; returns how many events were written.

    Days are local to `tz` (None: the system's time zone). A `Path` is written as `store.interchange.out_file` writes
    (never the database, a link or a device; replaced only once complete).
    """
    if start is not None and end is not None and end < start:
        raise DateRangeError(f"The last day ({end}) is before the first day ({start}).")
    lower = local_midnight(start, tz) if start is not None else None
    upper = local_midnight(end + timedelta(days=1), tz) if end is not None and end < date.max else None
    if not isinstance(out, Path):
        return _write(engine, out, lower, upper, now)
    # newline="" keeps the CRLF line endings iCalendar requires on every platform.
    with output_file(out, protect=database_files(engine), newline="") as stream:
        return _write(engine, stream, lower, upper, now)


def write_ics(
    engine: Engine, out: str | TextIO, *, now: datetime, start: date | None = None, end: date | None = None
) -> int:
    """`export_ics` as the format registry calls it."""
    target = Path(out).expanduser() if isinstance(out, str) else out
    return export_ics(engine, start=start, end=end, out=target, now=now)
