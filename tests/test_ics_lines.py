"""The hand-written iCalendar text: parsed back with icalendar, every field equal to the note it came from.

The export writes its content lines itself (store/interchange/ics_lines.py) for speed; these tests are what
allows that: hostile and long text, folding at every octet offset, escapes, time zones and microseconds.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import Engine

from store.identity import database_id
from store.interchange.ics import export_ics, note_uid
from store.interchange.ics_lines import MAX_OCTETS, content_line, escape_text, utc_stamp
from store.notes import NoteRow, add_note
from store.rows import display_name

STAMP = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def uid(engine: Engine, note_id: int) -> str:
    return note_uid(note_id, database_id(engine))


TEXTS = [
    "plain",
    "commas, semicolons; colons: backslash \\ and a trailing backslash \\",
    "escapes already written: \\n \\, \\; \\\\ and \\N",
    "CRLF\r\nCR\rLF\nblank\n\nend",
    "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:injected@evil\r\nSUMMARY:injected",
    "x" * 74 + "é" + "y" * 200,  # a two-octet character across the first fold
    "長い会議のメモ、" * 60,  # three-octet characters, with CJK commas
    "🎉👩‍💻🇩🇪" * 40,  # four-octet characters and joiners
    "a;" * 100 + "\\," * 100,  # escapes straddling folds
    "  leading and trailing spaces  ",
    "tab\there and a very long line " + "word " * 80,
    "José Núñez · Siobhán O'Brien · مرحبا بالعالم · Привет",
]
NAMES = [("Eve", "O'Hara, \\ Jr.;"), ("山田", "太郎" * 30), ("", "")]
KINDS = ["call", "meeting", "general", "email"]


def _unfolded_lines(raw: bytes) -> list[bytes]:
    return raw.replace(b"\r\n ", b"").split(b"\r\n")


@pytest.mark.parametrize("prefix", range(8))
@pytest.mark.parametrize("char", ["a", "é", "長", "🎉"])
def test_folding_never_splits_a_character_and_unfolds_to_the_line(prefix: int, char: str) -> None:
    value = "p" * prefix + char * 300
    folded = content_line("DESCRIPTION", value).encode()
    assert folded.endswith(b"\r\n")
    physical = folded[:-2].split(b"\r\n")
    assert all(len(line) <= MAX_OCTETS for line in physical)
    assert all(line.startswith(b" ") for line in physical[1:])
    assert [len(line) for line in physical[:-1]] == [len(line) for line in physical[:-1] if len(line) > 71]
    for line in physical:
        line.decode("utf-8")  # each physical line is whole characters
    assert b"".join(line[1:] if i else line for i, line in enumerate(physical)).decode() == f"DESCRIPTION:{value}"


def test_short_lines_are_not_folded() -> None:
    assert content_line("UID", "u" * 71) == "UID:" + "u" * 71 + "\r\n"
    assert content_line("UID", "u" * 72) == "UID:" + "u" * 71 + "\r\n u\r\n"


def test_escape_and_stamp() -> None:
    assert escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"
    berlin = datetime(2026, 7, 1, 2, 30, 15, 999_999, tzinfo=ZoneInfo("Europe/Berlin"))
    assert utc_stamp(berlin) == "20260701T003015Z"
    assert utc_stamp(datetime(2026, 1, 2, 3, 4, 5)) == "20260102T030405Z"


def _write_notes(engine: Engine, make_contact) -> list[tuple[NoteRow, str]]:
    contacts = [
        (make_contact(engine, firstname=first, lastname=last, email=f"p{i}@example.com"), (first, last, i))
        for i, (first, last) in enumerate(NAMES)
    ]
    written = []
    start = datetime(2026, 11, 21, 9, 0, 0, 123_456, tzinfo=ZoneInfo("America/New_York"))
    for n, text in enumerate(TEXTS):
        contact_id, (first, last, i) = contacts[n % len(contacts)]
        note = add_note(
            engine,
            contact_id,
            type=KINDS[n % len(KINDS)],
            text=text,
            date_time=start + timedelta(hours=n, seconds=n),
            author="sam",
            now=STAMP - timedelta(days=1, microseconds=n),
        )
        written.append((note, display_name(contact_id, first, last, f"p{i}@example.com")))
    return written


def test_every_field_of_hostile_notes_round_trips(engine: Engine, make_contact, tmp_path: Path) -> None:
    written = _write_notes(engine, make_contact)
    path = tmp_path / "hostile.ics"
    assert export_ics(engine, start=None, end=None, out=path, now=STAMP) == len(TEXTS)
    raw = path.read_bytes()
    assert all(len(line) <= MAX_OCTETS for line in raw.split(b"\r\n"))
    assert b"\r" not in raw.replace(b"\r\n", b"") and b"\n" not in raw.replace(b"\r\n", b"")
    lines = _unfolded_lines(raw)
    assert sum(line == b"BEGIN:VEVENT" for line in lines) == len(TEXTS)  # nothing injected
    for line in lines:
        if line.startswith((b"SUMMARY:", b"DESCRIPTION:", b"CATEGORIES:")):
            # icalendar's parser forgives a bare ; or , in TEXT; other programs split on them (RFC 5545 §3.3.11).
            assert not re.search(rb"[;,]", re.sub(rb"\\[\\;,nN]", b"", line.partition(b":")[2]))
    events = {str(event["UID"]): event for event in Calendar.from_ical(raw).walk("VEVENT")}
    assert len(events) == len(TEXTS)
    labels = {"call": "Call", "meeting": "Meeting", "general": "Note", "email": "Email"}
    for note, name in written:
        event = events[uid(engine, note.id)]
        assert note.date_time is not None
        start = note.date_time.astimezone(UTC).replace(microsecond=0)
        length = timedelta(hours=1) if note.type == "meeting" else timedelta(minutes=30)
        assert str(event["DESCRIPTION"]) == note.text.replace("\r\n", "\n").replace("\r", "\n")
        assert str(event["SUMMARY"]) == f"{labels[note.type]}: {name}"
        assert [str(c) for c in event["CATEGORIES"].cats] == [note.type]
        assert event.decoded("DTSTART") == start
        assert event.decoded("DTEND") == start + length
        assert event.decoded("DTSTAMP") == STAMP
        assert event.decoded("CREATED") == note.created_at.replace(microsecond=0)
        assert event.decoded("LAST-MODIFIED") == note.updated_at.replace(microsecond=0)
        assert event.decoded("SEQUENCE") == note.version - 1
        assert str(event["TRANSP"]) == ("OPAQUE" if note.type in ("call", "meeting") else "TRANSPARENT")
        assert set(event) == {
            "UID",
            "DTSTAMP",
            "DTSTART",
            "DTEND",
            "SUMMARY",
            "DESCRIPTION",
            "CATEGORIES",
            "CREATED",
            "LAST-MODIFIED",
            "SEQUENCE",
            "TRANSP",
        }
