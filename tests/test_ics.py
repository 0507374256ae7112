"""The iCalendar export: parsed back with icalendar, every field checked; stable UIDs; ranges; hostile text."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import Engine

import store.interchange.ics
from store.identity import database_id
from store.interchange.ics import export_ics, note_uid
from store.notes import NoteRow, add_note, delete_note, update_note

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
STAMP = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def uid(engine: Engine, note_id: int) -> str:
    return note_uid(note_id, database_id(engine))


def at(day: int, hour: int = 9, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def write(engine: Engine, contact_id: int, type: str, text: str, when: datetime | None, now=NOW) -> NoteRow:
    return add_note(engine, contact_id, type=type, text=text, date_time=when, author="sam", now=now)


def export(engine: Engine, path: Path, **kwargs) -> tuple[int, list]:
    kwargs.setdefault("start", None)
    kwargs.setdefault("end", None)
    count = export_ics(engine, out=path, now=STAMP, **kwargs)
    calendar = Calendar.from_ical(path.read_bytes())
    return count, calendar.walk("VEVENT")


def by_uid(events) -> dict[str, object]:
    return {str(event["UID"]): event for event in events}


@pytest.fixture
def ada(engine: Engine, make_contact) -> int:
    return make_contact(engine, firstname="Ada", lastname="Lovelace", email="ada@example.com")


def test_every_field_of_every_type(engine: Engine, ada: int, make_contact, tmp_path: Path) -> None:
    anon = make_contact(engine, email="anon@example.com")
    call = write(engine, ada, "call", "Renewal call", at(21, 14))
    meeting = write(engine, anon, "meeting", "Lunch\nat the usual place", at(22, 12, 30))
    general = write(engine, ada, "general", "Send the deck", at(23, 8))
    email = write(engine, ada, "email", "Quote sent", at(24, 16, 15))
    write(engine, ada, "general", "No date: not on the calendar", None)
    call = update_note(
        engine,
        call.id,
        type="call",
        text="Renewal call, agreed",
        date_time=at(21, 14),
        author="kim",
        expected_version=1,
        now=at(21, 15),
    )
    path = tmp_path / "dossier.ics"
    count, events = export(engine, path)
    calendar = Calendar.from_ical(path.read_bytes())
    assert str(calendar["PRODID"]) == "-//Dossier//Dossier CRM//EN"
    assert str(calendar["VERSION"]) == "2.0"
    assert count == len(events) == 4
    assert [str(event["UID"]) for event in events] == [uid(engine, n.id) for n in (call, meeting, general, email)]
    expected = {
        call.id: ("Call: Ada Lovelace", "Renewal call, agreed", "call", at(21, 14), at(21, 14, 30), 1, at(21, 15)),
        meeting.id: (
            "Meeting: anon@example.com",
            "Lunch\nat the usual place",
            "meeting",
            at(22, 12, 30),
            at(22, 13, 30),
            0,
            NOW,
        ),
        general.id: ("Note: Ada Lovelace", "Send the deck", "general", at(23, 8), at(23, 8, 30), 0, NOW),
        email.id: ("Email: Ada Lovelace", "Quote sent", "email", at(24, 16, 15), at(24, 16, 45), 0, NOW),
    }
    for note_id, (summary, description, kind, start, end, sequence, modified) in expected.items():
        event = by_uid(events)[uid(engine, note_id)]
        assert str(event["SUMMARY"]) == summary
        assert str(event["DESCRIPTION"]) == description
        assert [str(category) for category in event["CATEGORIES"].cats] == [kind]
        assert event.decoded("DTSTART") == start
        assert event.decoded("DTEND") == end
        assert event.decoded("DTSTAMP") == STAMP
        assert event.decoded("LAST-MODIFIED") == modified
        assert event.decoded("CREATED") == NOW
        assert event.decoded("SEQUENCE") == sequence
        assert str(event["TRANSP"]) == ("OPAQUE" if kind in ("call", "meeting") else "TRANSPARENT")
    raw = path.read_bytes()
    assert b"DTSTART:20261121T140000Z\r\n" in raw
    assert f"UID:note-{call.id}-{database_id(engine)}@dossier\r\n".encode() in raw


def test_the_file_is_valid_icalendar_text(engine: Engine, ada: int, tmp_path: Path) -> None:
    write(engine, ada, "meeting", "長い会議のメモ " * 40, at(21))
    path = tmp_path / "out.ics"
    export(engine, path)
    raw = path.read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n")
    assert raw.endswith(b"END:VCALENDAR\r\n")
    lines = raw.split(b"\r\n")
    assert b"\n" not in b"".join(lines)
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # folding never splits a character


def test_uids_are_stable_so_a_reexport_updates(engine: Engine, ada: int, tmp_path: Path) -> None:
    first = write(engine, ada, "call", "One", at(21))
    second = write(engine, ada, "meeting", "Two", at(22))
    _, before = export(engine, tmp_path / "a.ics")
    update_note(
        engine, first.id, type="call", text="One, moved", date_time=at(25), author="s", expected_version=1, now=at(21)
    )
    delete_note(engine, second.id, actor="s", now=at(21))
    third = write(engine, ada, "call", "Three", at(23))
    _, after = export(engine, tmp_path / "b.ics")
    assert [str(e["UID"]) for e in before] == [uid(engine, first.id), uid(engine, second.id)]
    assert [str(e["UID"]) for e in after] == [uid(engine, third.id), uid(engine, first.id)]
    moved = by_uid(after)[uid(engine, first.id)]
    assert moved.decoded("SEQUENCE") == by_uid(before)[uid(engine, first.id)].decoded("SEQUENCE") + 1
    assert moved.decoded("DTSTART") == at(25)
    _, again = export(engine, tmp_path / "c.ics")
    assert (tmp_path / "c.ics").read_bytes() == (tmp_path / "b.ics").read_bytes()
    assert len(again) == 2


def test_merged_away_contacts_are_left_out(engine: Engine, ada: int, make_contact, tmp_path: Path) -> None:
    gone = make_contact(engine, firstname="Gone", merged_into_id=ada)
    write(engine, gone, "call", "old", at(21))
    kept = write(engine, ada, "call", "kept", at(21))
    count, events = export(engine, tmp_path / "x.ics")
    assert count == 1
    assert [str(e["UID"]) for e in events] == [uid(engine, kept.id)]


def test_date_range_includes_both_days_in_the_local_zone(engine: Engine, ada: int, tmp_path: Path) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    notes = {
        "before": write(engine, ada, "call", "before", at(9, 22, 59)),  # 23:59 on the 9th in Berlin
        "first": write(engine, ada, "call", "first", at(9, 23, 0)),  # 00:00 on the 10th
        "middle": write(engine, ada, "call", "middle", at(15)),
        "last": write(engine, ada, "call", "last", at(20, 22, 59)),  # 23:59 on the 20th
        "after": write(engine, ada, "call", "after", at(20, 23, 0)),
    }

    def texts(**kwargs) -> list[str]:
        _, events = export(engine, tmp_path / "r.ics", **kwargs)
        return [str(event["DESCRIPTION"]) for event in events]

    assert texts(start=date(2026, 11, 10), end=date(2026, 11, 20), tz=berlin) == ["first", "middle", "last"]
    assert texts(start=date(2026, 11, 10), end=None, tz=berlin) == ["first", "middle", "last", "after"]
    assert texts(start=None, end=date(2026, 11, 15), tz=berlin) == ["before", "first", "middle"]
    assert texts(start=date(2026, 11, 15), end=date(2026, 11, 15), tz=berlin) == ["middle"]
    # The system zone (UTC in tests) when no zone is given.
    assert texts(start=date(2026, 11, 10), end=date(2026, 11, 20)) == ["middle", "last", "after"]
    assert texts(start=date(2026, 12, 1), end=date(2026, 12, 31)) == []
    assert len(notes) == 5


def test_an_end_before_the_start_is_refused(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"The last day \(2026-11-01\) is before the first day \(2026-11-02\)\."):
        export_ics(engine, start=date(2026, 11, 2), end=date(2026, 11, 1), out=tmp_path / "x.ics", now=STAMP)
    assert not (tmp_path / "x.ics").exists()


HOSTILE = [
    "[@click=app.quit]x[/] [b]bold[/b] $accent",
    "commas, semicolons; colons: and \\backslashes\\ \\n not a newline",
    "END:VEVENT\nBEGIN:VEVENT\nUID:note-1@dossier\nSUMMARY:injected",
    "Line one\n\nLine three\twith a tab",
    " · ".join(["山田 太郎", "José Núñez", "Siobhán O'Brien", "مرحبا بالعالم", "🎉👩‍💻"] * 5),
    "<script>alert('x')</script> & \"quotes\"",
]


@pytest.mark.parametrize("body", HOSTILE, ids=["markup", "separators", "injection", "whitespace", "scripts", "html"])
def test_hostile_text_round_trips(engine: Engine, make_contact, tmp_path: Path, body: str) -> None:
    contact = make_contact(engine, firstname="[red]Eve[/red];", lastname="O'Hara, \\ Jr.")
    write(engine, contact, "meeting", body, at(21))
    count, events = export(engine, tmp_path / "h.ics")
    assert count == 1
    [event] = events
    assert str(event["DESCRIPTION"]) == body
    assert str(event["SUMMARY"]) == "Meeting: [red]Eve[/red]; O'Hara, \\ Jr."


def test_control_characters_become_visible_symbols(engine: Engine, ada: int, tmp_path: Path) -> None:
    write(engine, ada, "call", "\x1b[31mred\x1b[0m bell\x07 nul\x00 del\x7f crlf\r\nend\rx", at(21))
    path = tmp_path / "c.ics"
    _, [event] = export(engine, path)
    assert str(event["DESCRIPTION"]) == "␛[31mred␛[0m bell␇ nul␀ del␡ crlf\nend\nx"
    assert not any(byte < 0x20 and byte not in (0x0D, 0x0A) for byte in path.read_bytes())


def test_streams_in_batches_without_skipping_ties(
    engine: Engine, ada: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store.interchange.ics, "BATCH_SIZE", 3)
    written = []
    for n in range(11):
        # Groups of notes at the same time straddle the batch boundaries.
        written.append(write(engine, ada, "call", f"n{n}", at(21 + n // 4)).id)
    count, events = export(engine, tmp_path / "s.ics")
    assert count == 11
    assert [str(e["UID"]) for e in events] == [uid(engine, note_id) for note_id in written]


def test_writes_to_an_open_text_stream(engine: Engine, ada: int) -> None:
    note = write(engine, ada, "call", "to stdout", at(21))
    out = io.StringIO(newline="")
    assert export_ics(engine, start=None, end=None, out=out, now=STAMP) == 1
    calendar = Calendar.from_ical(out.getvalue())
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [uid(engine, note.id)]


def test_an_empty_calendar_is_still_a_calendar(engine: Engine, tmp_path: Path) -> None:
    count, events = export(engine, tmp_path / "e.ics")
    assert (count, events) == (0, [])
    calendar = Calendar.from_ical((tmp_path / "e.ics").read_bytes())
    assert str(calendar["PRODID"]) == "-//Dossier//Dossier CRM//EN"


@pytest.mark.sqlite_only
def test_replaces_an_earlier_file_and_leaves_no_temporary(engine: Engine, ada: int, tmp_path: Path) -> None:
    path = tmp_path / "cal.ics"
    path.write_text("old contents")
    write(engine, ada, "call", "x", at(21))
    export(engine, path)
    assert path.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cal.ics", "t.db", "t.db-shm", "t.db-wal"]


def test_sequence_and_time_zone_of_dtstamp(engine: Engine, ada: int, tmp_path: Path) -> None:
    write(engine, ada, "call", "x", at(21))
    local_stamp = STAMP.astimezone(ZoneInfo("America/Los_Angeles"))
    export_ics(engine, start=None, end=None, out=tmp_path / "z.ics", now=local_stamp)
    [event] = Calendar.from_ical((tmp_path / "z.ics").read_bytes()).walk("VEVENT")
    assert event.decoded("DTSTAMP") == STAMP
    assert event.decoded("DTSTAMP").utcoffset() == timedelta(0)
    assert b"DTSTAMP:20261201T080000Z" in (tmp_path / "z.ics").read_bytes()


def test_uids_differ_between_databases_and_stay_the_same_within_one(
    engine: Engine, ada: int, make_contact, tmp_path: Path
) -> None:
    from store.db import open_database

    mine = write(engine, ada, "call", "first note of this database", at(21))
    other = open_database(tmp_path / "other-team.db", create=True)
    try:
        other_ada = make_contact(other, firstname="Ada", lastname="Lovelace", email="ada@example.com")
        theirs = write(other, other_ada, "call", "first note of the other database", at(21))
        _, [first] = export(engine, tmp_path / "mine.ics")
        _, [other_event] = export(other, tmp_path / "theirs.ics")
        _, [again] = export(engine, tmp_path / "again.ics")
        other_id = database_id(other)
    finally:
        other.dispose()
    assert mine.id == theirs.id == 1
    assert str(first["UID"]) != str(other_event["UID"])
    assert str(first["UID"]) == str(again["UID"]) == f"note-1-{database_id(engine)}@dossier"
    assert str(other_event["UID"]) == f"note-1-{other_id}@dossier"
    assert len({database_id(engine), other_id}) == 2 and len(other_id) == 32
