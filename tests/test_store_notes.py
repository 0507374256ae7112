"""Notes: writing, editing and deleting them with their History events, reading typed dates, the calendar
queries, note text search and the migration that adds it."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, event, text

from store.calendar import calendar_entries, day_counts, local_days
from store.contacts import ContactNotFound
from store.db import MIGRATIONS, make_engine, open_database
from store.dialect import loads, stored_row
from store.fts import APPLICATION_ID
from store.notes import (
    NoteConflict,
    NoteInvalid,
    NoteNotFound,
    NoteRow,
    add_note,
    delete_note,
    list_notes,
    parse_when,
    update_note,
)
from tests.faults import refuse_inserts
from tests.store_helpers import get_note, head_revision, search_contact_ids_by_notes

NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)  # a Friday
BERLIN = ZoneInfo("Europe/Berlin")


def at(day: int, hour: int = 9, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def write(engine: Engine, contact_id: int, type: str = "general", text: str = "A note", **fields) -> NoteRow:
    fields.setdefault("date_time", at(25) if type in ("call", "meeting") else None)
    fields.setdefault("author", "sam")
    fields.setdefault("now", NOW)
    return add_note(engine, contact_id, type=type, text=text, **fields)


def events(engine: Engine) -> list[tuple]:
    query = text("SELECT contact_id, type, occurred_at, label, details, actor FROM event ORDER BY id")
    with engine.connect() as conn:
        return [tuple(stored_row(row).values()) for row in conn.execute(query)]


def count(engine: Engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def fail_event_inserts(engine: Engine) -> None:
    """Make every History insert fail, to show a note change and its event are one transaction."""
    with engine.begin() as conn:
        refuse_inserts(conn, "event", "no")


@pytest.fixture
def ada(engine: Engine, make_contact) -> int:
    return make_contact(engine, firstname="Ada", lastname="Lovelace", email="ada@example.com")


# Writing notes


def test_add_note_returns_the_stored_note(engine: Engine, ada: int) -> None:
    note = write(engine, ada, "call", "Talked about the renewal", date_time=at(21, 14, 5))
    assert note == NoteRow(
        id=note.id,
        contact_id=ada,
        type="call",
        text="Talked about the renewal",
        date_time=at(21, 14, 5),
        author="sam",
        created_at=NOW,
        updated_at=NOW,
        version=1,
    )
    assert get_note(engine, note.id) == note
    assert note.date_time.tzinfo is UTC


def test_every_type_can_be_written(engine: Engine, ada: int) -> None:
    for kind in ("general", "email", "call", "meeting"):
        write(engine, ada, kind, f"A {kind}")
    assert sorted(note.type for note in list_notes(engine, ada)) == ["call", "email", "general", "meeting"]


def test_dates_in_other_zones_are_stored_in_utc(engine: Engine, ada: int) -> None:
    note = write(engine, ada, "meeting", date_time=datetime(2026, 7, 1, 10, 0, tzinfo=BERLIN))
    assert get_note(engine, note.id).date_time == datetime(2026, 7, 1, 8, 0, tzinfo=UTC)


def test_blank_lines_around_the_text_go_but_indentation_stays(engine: Engine, ada: int) -> None:
    note = write(engine, ada, text="\n  \n    code block\nmore  \n\n")
    assert note.text == "    code block\nmore"


@pytest.mark.parametrize(
    ("kind", "body", "when", "message"),
    [
        ("memo", "x", None, "'memo' is not a note type; choose general, email, call or meeting."),
        ("general", "", None, "The note is empty; write some text before saving."),
        ("email", " \n\t\n ", None, "The note is empty; write some text before saving."),
        ("call", "Rang", None, "A call needs a date and time, e.g. 2026-12-01 14:00 or tomorrow 14:00."),
        ("meeting", "Met", None, "A meeting needs a date and time, e.g. 2026-12-01 14:00 or tomorrow 14:00."),
    ],
)
def test_invalid_notes_are_refused_with_one_sentence(engine: Engine, ada: int, kind, body, when, message) -> None:
    with pytest.raises(NoteInvalid) as info:
        add_note(engine, ada, type=kind, text=body, date_time=when, author="sam", now=NOW)
    assert str(info.value) == message
    assert count(engine, "note") == count(engine, "event") == 0


def test_a_note_on_a_missing_contact_is_refused(engine: Engine) -> None:
    with pytest.raises(ContactNotFound, match=r"No contact has the id 42\."):
        write(engine, 42)
    assert count(engine, "note") == 0


def test_a_naive_date_is_a_programming_error(engine: Engine, ada: int) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        write(engine, ada, "call", date_time=datetime(2026, 1, 1, 9))


# Order


def test_notes_are_newest_first_by_date_else_creation_time_then_id(engine: Engine, ada: int, make_contact) -> None:
    other = make_contact(engine, firstname="Grace")
    old_call = write(engine, ada, "call", "old call", date_time=at(1))
    written_late = write(engine, ada, "general", "undated", now=at(10))
    planned = write(engine, ada, "meeting", "planned", date_time=at(30))
    tie_a = write(engine, ada, "general", "tie a", now=at(5))
    tie_b = write(engine, ada, "call", "tie b", date_time=at(5))
    write(engine, other, "general", "someone else's")
    order = [note.id for note in list_notes(engine, ada)]
    assert order == [planned.id, written_late.id, tie_b.id, tie_a.id, old_call.id]
    assert [note.sort_time for note in list_notes(engine, ada)] == [at(30), at(10), at(5), at(5), at(1)]
    assert list_notes(engine, 999) == []


# History events, in the same transaction


def test_adding_records_exactly_one_history_event(engine: Engine, ada: int) -> None:
    note = write(engine, ada, "call", "x" * 100 + "\n\nsecond line", author="sam", now=at(20, 16))
    assert events(engine) == [
        (
            ada,
            "note.added",
            "2026-11-20 16:00:00.000000",
            "Note added: Call",
            f'{{"note_id": {note.id}, "type": "call", "author": "sam", "excerpt": "{"x" * 80}"}}',
            "sam",
        )
    ]


def test_the_excerpt_is_the_first_80_characters_on_one_line(engine: Engine, ada: int) -> None:
    write(engine, ada, text="First line\n\n  second\tline " + "é" * 100)
    details = events(engine)[0][4]
    assert '"excerpt": "First line second line ' in details
    with engine.connect() as conn:
        excerpt = loads(conn.execute(text("SELECT details FROM event")).scalar_one())["excerpt"]
    assert len(excerpt) == 80
    assert excerpt == ("First line second line " + "é" * 100)[:80]


def test_a_failed_history_event_saves_no_note(engine: Engine, ada: int) -> None:
    fail_event_inserts(engine)
    with pytest.raises(Exception, match="no"):
        write(engine, ada)
    assert count(engine, "note") == 0


def test_editing_records_one_event_with_the_editor_as_actor(engine: Engine, ada: int) -> None:
    note = write(engine, ada, "general", "Draft", author="sam")
    edited = update_note(
        engine,
        note.id,
        type="meeting",
        text="Lunch",
        date_time=at(24, 12),
        author="kim",
        expected_version=1,
        now=at(21),
    )
    assert edited == NoteRow(
        id=note.id,
        contact_id=ada,
        type="meeting",
        text="Lunch",
        date_time=at(24, 12),
        author="sam",
        created_at=NOW,
        updated_at=at(21),
        version=2,
    )
    assert get_note(engine, note.id) == edited
    added, updated = events(engine)
    assert added[1] == "note.added"
    assert updated == (
        ada,
        "note.updated",
        "2026-11-21 09:00:00.000000",
        "Note edited: Meeting",
        f'{{"note_id": {note.id}, "type": "meeting", "author": "sam", "excerpt": "Lunch"}}',
        "kim",
    )


def test_saving_an_unchanged_note_writes_nothing(engine: Engine, ada: int) -> None:
    note = write(engine, ada, "call", "Same", date_time=at(22, 10))
    same = update_note(
        engine,
        note.id,
        type="call",
        text="Same\n",
        date_time=datetime(2026, 11, 22, 11, 0, tzinfo=BERLIN),
        author="kim",
        expected_version=1,
        now=at(23),
    )
    assert same == note
    assert len(events(engine)) == 1


def test_every_edit_bumps_the_version(engine: Engine, ada: int) -> None:
    note = write(engine, ada, text="v1")
    for version in (1, 2, 3):
        note = update_note(
            engine,
            note.id,
            type="general",
            text=f"v{version + 1}",
            date_time=None,
            author="sam",
            expected_version=version,
            now=NOW,
        )
    assert note.version == 4
    assert [row[1] for row in events(engine)] == ["note.added"] + ["note.updated"] * 3


def test_an_edit_of_a_note_changed_meanwhile_is_a_conflict(engine: Engine, ada: int) -> None:
    note = write(engine, ada, text="original")
    fields = {"type": "general", "date_time": None, "now": NOW, "expected_version": 1}
    update_note(engine, note.id, text="first editor", author="kim", **fields)
    with pytest.raises(NoteConflict) as info:
        update_note(engine, note.id, text="second editor", author="lee", **fields)
    assert str(info.value) == "This note was changed by someone else since you opened it."
    assert get_note(engine, note.id).text == "first editor"
    assert len(events(engine)) == 2
    # Saving what is already there from a stale copy is still a conflict: the editor showed old text.
    with pytest.raises(NoteConflict):
        update_note(engine, note.id, text="first editor", author="lee", **fields)


def test_an_editor_left_open_on_a_deleted_note_never_saves_over_a_newer_one(engine: Engine, ada: int) -> None:
    gone = write(engine, ada, text="deleted meanwhile")
    delete_note(engine, gone.id, actor="kim", now=NOW, created_at=gone.created_at)
    newer = write(engine, ada, text="a newer note", now=NOW + timedelta(minutes=1))
    assert (newer.id == gone.id) == (engine.dialect.name == "sqlite")  # SQLite gives the id out again
    stale = {"expected_version": 1, "now": NOW, "created_at": gone.created_at}
    with pytest.raises(NoteNotFound):
        update_note(engine, gone.id, type="general", text="stale edit", date_time=None, author="lee", **stale)
    with pytest.raises(NoteNotFound):
        delete_note(engine, gone.id, actor="lee", now=NOW, created_at=gone.created_at)
    assert get_note(engine, newer.id).text == "a newer note"


def test_an_invalid_edit_changes_nothing(engine: Engine, ada: int) -> None:
    note = write(engine, ada, "call", "Call")
    with pytest.raises(NoteInvalid, match="A call needs a date and time"):
        update_note(
            engine, note.id, type="call", text="Call", date_time=None, author="sam", expected_version=1, now=NOW
        )
    assert get_note(engine, note.id) == note


def test_a_failed_history_event_keeps_the_note_as_it_was(engine: Engine, ada: int) -> None:
    note = write(engine, ada, text="before")
    fail_event_inserts(engine)
    with pytest.raises(Exception, match="no"):
        update_note(
            engine, note.id, type="email", text="after", date_time=None, author="sam", expected_version=1, now=NOW
        )
    with pytest.raises(Exception, match="no"):
        delete_note(engine, note.id, actor="sam", now=NOW)
    assert get_note(engine, note.id) == note


def test_deleting_records_one_event_with_the_excerpt(engine: Engine, ada: int) -> None:
    note = write(engine, ada, "email", "Sent the\nquote", author="sam")
    deleted = delete_note(engine, note.id, actor="kim", now=at(22))
    assert deleted == note
    assert list_notes(engine, ada) == []
    assert events(engine)[-1] == (
        ada,
        "note.deleted",
        "2026-11-22 09:00:00.000000",
        "Note deleted: Email",
        f'{{"note_id": {note.id}, "type": "email", "author": "sam", "excerpt": "Sent the quote"}}',
        "kim",
    )
    assert len(events(engine)) == 2


def test_a_deleted_note_cannot_be_found_edited_or_deleted_again(engine: Engine, ada: int) -> None:
    note = write(engine, ada)
    delete_note(engine, note.id, actor="sam", now=NOW)
    sentence = "This note no longer exists; someone may have deleted it."
    with pytest.raises(NoteNotFound) as info:
        get_note(engine, note.id)
    assert str(info.value) == sentence
    with pytest.raises(NoteNotFound, match=sentence):
        delete_note(engine, note.id, actor="sam", now=NOW)
    with pytest.raises(NoteNotFound, match=sentence):
        update_note(
            engine, note.id, type="general", text="x", date_time=None, author="sam", expected_version=1, now=NOW
        )
    assert len(events(engine)) == 2


# Reading typed dates


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-12-01 14:00", at(1, 14, month=12)),
        ("2026-12-01T14:05", at(1, 14, 5, month=12)),
        ("2026-12-01", at(1, 9, month=12)),
        ("2026/12/1 7:30", at(1, 7, 30, month=12)),
        ("today", at(20)),
        ("TODAY 14:00", at(20, 14)),
        ("tomorrow", at(21)),
        ("  tomorrow   14:00 ", at(21, 14)),
        ("tomorrow at 2pm", at(21, 14)),
        ("yesterday 12am", at(19, 0)),
        ("mon", at(23)),
        ("monday 10:15", at(23, 10, 15)),
        ("next tue", at(24)),
        ("fri", at(27)),  # today is a Friday: the next one is a week ahead
        ("sun 18:00", at(22, 18)),
        ("in 3 days", at(23)),
        ("in 1 day 8:00", at(21, 8)),
        ("in 2 weeks", at(4, month=12)),
        ("16:45", at(20, 16, 45)),
        ("now", NOW),
        ("", None),
        ("   ", None),
    ],
)
def test_parse_when(typed: str, expected: datetime | None) -> None:
    assert parse_when(typed, now=NOW) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("xyz", "Could not read 'xyz' as a date; use YYYY-MM-DD HH:MM, today, tomorrow 14:00, fri 9:30 or in 3 days."),
        ("tomorrow 14", "Could not read 'tomorrow 14' as a date; use YYYY-MM-DD HH:MM, today, tomorrow 14:00"),
        ("12/01/2026", "Could not read '12/01/2026' as a date"),
        ("in 99999 days", "Could not read 'in 99999 days' as a date"),
        ("in -3 days", "Could not read 'in -3 days' as a date"),
        ("2026-02-30", "There is no 2026-02-30 in the calendar; check the month and day."),
        ("2026-13-01 10:00", "There is no 2026-13-01 in the calendar; check the month and day."),
        ("today 25:00", "Could not read 'today 25:00': a time is 00:00 to 23:59."),
        ("today 10:60", "Could not read 'today 10:60': a time is 00:00 to 23:59."),
        ("13pm", "Could not read '13pm': with am or pm the hour is 1 to 12."),
        ("x" * 100, "Could not read 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…' as a date"),
    ],
)
def test_parse_when_refuses_what_is_not_a_date(typed: str, message: str) -> None:
    with pytest.raises(NoteInvalid) as info:
        parse_when(typed, now=NOW)
    assert str(info.value).startswith(message)


@pytest.fixture
def berlin_system_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The process's local time is Berlin's (the isolated_environment fixture restores UTC)."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()


def test_parse_when_follows_dst_in_the_system_zone(berlin_system_zone) -> None:
    # What the app's clock gives: the system zone's current offset (+01:00) without its rules.
    now = datetime(2026, 3, 27, 12, 0).astimezone()
    assert now.utcoffset() == timedelta(hours=1)
    assert parse_when("today 14:00", now=now) == datetime(2026, 3, 27, 13, 0, tzinfo=UTC)
    # Sunday 29 March the clocks go forward: 14:00 is then 12:00 UTC.
    assert parse_when("in 2 days 14:00", now=now) == datetime(2026, 3, 29, 12, 0, tzinfo=UTC)
    assert parse_when("sun 01:30", now=now) == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    with pytest.raises(NoteInvalid) as info:
        parse_when("sun 02:30", now=now)
    assert str(info.value) == (
        "02:30 does not exist on 2026-03-29 in your time zone (the clocks go forward); choose another time."
    )
    # 02:30 on 25 October happens twice; the first one (summer time) is meant.
    assert parse_when("2026-10-25 02:30", now=now) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_parse_when_follows_dst_in_a_named_zone() -> None:
    now = datetime(2026, 3, 6, 12, 0, tzinfo=ZoneInfo("America/New_York"))
    assert parse_when("in 3 days 09:00", now=now) == datetime(2026, 3, 9, 13, 0, tzinfo=UTC)
    assert parse_when("tomorrow 09:00", now=now) == datetime(2026, 3, 7, 14, 0, tzinfo=UTC)
    with pytest.raises(NoteInvalid, match="02:30 does not exist on 2026-03-08"):
        parse_when("2026-03-08 02:30", now=now)
    assert parse_when("2026-11-01 01:30", now=now) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)


def test_parse_when_reads_a_fixed_offset_that_is_not_the_system_zone_as_given() -> None:
    # The system zone is UTC; in Tokyo it is already Saturday the 21st.
    for zone in (timezone(timedelta(hours=9)), ZoneInfo("Asia/Tokyo")):
        clock = datetime(2026, 11, 21, 8, 30, tzinfo=zone)
        assert parse_when("today 10:00", now=clock) == datetime(2026, 11, 21, 1, 0, tzinfo=UTC)


# The calendar


@pytest.fixture
def calendar_data(engine: Engine, make_contact) -> dict[str, int]:
    ada = make_contact(engine, firstname="Ada", lastname="Lovelace")
    anon = make_contact(engine, email="anon@example.com")
    survivor = make_contact(engine, firstname="Grace", lastname="Hopper")
    merged = make_contact(engine, firstname="Merged", lastname="Away", merged_into_id=survivor)
    ids = {
        "at_start": write(engine, ada, "call", "at start", date_time=at(1, 0, month=11)).id,
        "meeting": write(engine, anon, "meeting", "meeting", date_time=at(15, 10)).id,
        "email_dated": write(engine, survivor, "email", "follow up", date_time=at(15, 10)).id,
        "before": write(engine, ada, "call", "before", date_time=at(31, 23, 59, month=10)).id,
        "at_end": write(engine, ada, "call", "at end", date_time=at(1, 0, month=12)).id,
        "merged": write(engine, merged, "meeting", "merged away", date_time=at(16)).id,
        "undated": write(engine, ada, "general", "undated").id,
    }
    return ids


def test_calendar_entries_are_the_dated_notes_of_live_contacts_in_range(engine: Engine, calendar_data) -> None:
    entries = calendar_entries(engine, at(1, 0), at(1, 0, month=12))
    assert [entry.note_id for entry in entries] == [
        calendar_data["at_start"],
        calendar_data["meeting"],
        calendar_data["email_dated"],
    ]
    first, second, third = entries
    assert (first.contact_name, first.type, first.date_time, first.text, first.author) == (
        "Ada Lovelace",
        "call",
        at(1, 0),
        "at start",
        "sam",
    )
    assert second.contact_name == "anon@example.com"
    assert third.contact_name == "Grace Hopper" and third.type == "email"


def test_calendar_entries_of_an_empty_or_reversed_range(engine: Engine, calendar_data) -> None:
    assert calendar_entries(engine, at(2), at(2)) == []
    assert calendar_entries(engine, at(3), at(2)) == []
    assert calendar_entries(engine, at(3), at(2), limit_per_day=2) == []


def test_calendar_entries_with_a_limit_per_local_day(engine: Engine, make_contact) -> None:
    ada = make_contact(engine, firstname="Ada")
    for hour in (8, 9, 10, 11):
        write(engine, ada, "call", f"{hour}", date_time=at(10, hour))
    # 23:30 UTC on the 10th is already the 11th in Berlin.
    write(engine, ada, "call", "late", date_time=at(10, 23, 30))
    write(engine, ada, "call", "next day", date_time=at(11, 12))
    entries = calendar_entries(engine, at(1, 0), at(30, 0), limit_per_day=2, tz=BERLIN)
    assert [entry.text for entry in entries] == ["8", "9", "late", "next day"]
    in_utc = calendar_entries(engine, at(1, 0), at(30, 0), limit_per_day=2, tz=UTC)
    assert [entry.text for entry in in_utc] == ["8", "9", "next day"]
    clipped = calendar_entries(engine, at(10, 9), at(10, 23, 30), limit_per_day=2, tz=UTC)
    assert [entry.text for entry in clipped] == ["9", "10"]


def test_day_counts_are_local_days(engine: Engine, make_contact) -> None:
    ada = make_contact(engine, firstname="Ada")
    merged = make_contact(engine, firstname="Gone", merged_into_id=ada)
    for when in (at(10, 8), at(10, 22, 59), at(10, 23, 0), at(31, 23, 30, month=10), at(30, 23, 0)):
        write(engine, ada, "call", date_time=when)
    write(engine, merged, "call", date_time=at(10, 8))
    write(engine, ada, "general")
    november = (date(2026, 11, 1), date(2026, 12, 1))
    assert day_counts(engine, *november, BERLIN) == {date(2026, 11, 1): 1, date(2026, 11, 10): 2, date(2026, 11, 11): 1}
    assert day_counts(engine, *november, UTC) == {date(2026, 11, 10): 3, date(2026, 11, 30): 1}
    assert day_counts(engine, date(2026, 11, 10), date(2026, 11, 10), UTC) == {}


def test_day_counts_over_a_dst_change_and_in_the_system_zone(engine: Engine, ada: int, berlin_system_zone) -> None:
    # 25 October 2026 has 25 hours in Berlin: 22:30 UTC that evening is 23:30 local, still the 25th.
    write(engine, ada, "call", date_time=datetime(2026, 10, 25, 22, 30, tzinfo=UTC))
    write(engine, ada, "call", date_time=datetime(2026, 10, 24, 22, 30, tzinfo=UTC))
    expected = {date(2026, 10, 25): 2}
    assert day_counts(engine, date(2026, 10, 20), date(2026, 10, 30), BERLIN) == expected
    assert day_counts(engine, date(2026, 10, 20), date(2026, 10, 30)) == expected
    assert local_days(date(2026, 10, 25), date(2026, 10, 26)) == (
        datetime(2026, 10, 24, 22, 0, tzinfo=UTC),
        datetime(2026, 10, 25, 23, 0, tzinfo=UTC),
    )


def test_day_counts_refuse_huge_ranges(engine: Engine) -> None:
    with pytest.raises(ValueError, match="at most 1000 days"):
        day_counts(engine, date(2020, 1, 1), date(2030, 1, 1), UTC)


@pytest.mark.sqlite_only
def test_calendar_queries_scan_the_date_index(engine: Engine, calendar_data) -> None:
    plans: list[str] = []

    def explain(conn, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            rows = cursor.connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
            plans.append(" | ".join(row[3] for row in rows))

    event.listen(engine, "before_cursor_execute", explain)
    try:
        calendar_entries(engine, at(1), at(30))
        calendar_entries(engine, at(1), at(30), limit_per_day=3, tz=BERLIN)
        day_counts(engine, date(2026, 11, 1), date(2026, 12, 1), BERLIN)
    finally:
        event.remove(engine, "before_cursor_execute", explain)
    assert len(plans) == 3
    for plan in plans:
        assert "SEARCH note USING INDEX ix_note_date (date_time>? AND date_time<?)" in plan
        assert "SEARCH contact USING INTEGER PRIMARY KEY" in plan


# Searching note text


def test_note_search_follows_adds_edits_and_deletes(engine: Engine, ada: int, make_contact) -> None:
    other = make_contact(engine, firstname="Grace")
    assert search_contact_ids_by_notes(engine, "renewal", 10) == []
    note = write(engine, ada, text="Discussed the contract RENEWAL for 2027")
    write(engine, other, text="Nothing to see")
    assert search_contact_ids_by_notes(engine, "renewal", 10) == [ada]
    assert search_contact_ids_by_notes(engine, "renew", 10) == [ada]
    assert search_contact_ids_by_notes(engine, "contract ren", 10) == [ada]
    note = update_note(
        engine, note.id, type="general", text="Price talk", date_time=None, author="s", expected_version=1, now=NOW
    )
    assert search_contact_ids_by_notes(engine, "renewal", 10) == []
    assert search_contact_ids_by_notes(engine, "price", 10) == [ada]
    update_note(
        engine, note.id, type="general", text="The renewal", date_time=None, author="s", expected_version=2, now=NOW
    )
    assert search_contact_ids_by_notes(engine, "renewal", 10) == [ada]
    delete_note(engine, note.id, actor="s", now=NOW)
    assert search_contact_ids_by_notes(engine, "renewal", 10) == []


def test_note_search_folds_accents_and_orders_newest_contacts_first(engine: Engine, make_contact) -> None:
    ids = [make_contact(engine, firstname=f"C{n}") for n in range(5)]
    gone = make_contact(engine, firstname="Gone", merged_into_id=ids[0])
    for contact_id in (*ids, gone):
        write(engine, contact_id, text="Réunion à Zürich")
        write(engine, contact_id, text="Second réunion")
    assert search_contact_ids_by_notes(engine, "reunion zurich", 10) == ids[::-1]
    assert search_contact_ids_by_notes(engine, "reunion", 2) == [ids[4], ids[3]]
    assert search_contact_ids_by_notes(engine, "reunion", 10, before_id=ids[3]) == [ids[2], ids[1], ids[0]]
    assert search_contact_ids_by_notes(engine, "  ", 10) == []
    assert search_contact_ids_by_notes(engine, '"; DROP TABLE note; --', 10) == []


# Migration 0002


def _alembic(conn) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    return config


def test_upgrading_from_0001_indexes_existing_notes(db_path: Path, make_contact) -> None:
    engine = make_engine(db_path)
    with engine.begin() as conn:
        command.upgrade(_alembic(conn), "0001")
    with engine.begin() as conn:  # rows as that schema has them (the models describe the newest one)
        conn.execute(
            text(
                "INSERT INTO contact (firstname, lastname, company, position, address1, address2, city, "
                "region, zipcode, country, website, points, stage, owner, tags, avatar_source, date_added, "
                "date_modified, custom_fields) VALUES ('Ada', '', '', '', '', '', '', '', '', '', '', 0, '', "
                "'', '[]', 'gravatar', '2026-01-01', '2026-01-01', '{}')"
            )
        )
        ada = conn.execute(text("SELECT id FROM contact")).scalar_one()
        for body in ("The renewal is due", "Unrelated"):
            conn.execute(
                text(
                    "INSERT INTO note (contact_id, type, text, author, created_at, updated_at, version) "
                    "VALUES (:c, 'general', :t, '', '2026-01-01', '2026-01-01', 1)"
                ),
                {"c": ada, "t": body},
            )
    engine.dispose()
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert raw.execute("SELECT name FROM sqlite_master WHERE name = 'note_fts'").fetchone() is None
    raw.close()

    engine = open_database(db_path)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == head_revision()
            assert conn.execute(text("PRAGMA application_id")).scalar_one() == APPLICATION_ID
        assert search_contact_ids_by_notes(engine, "renewal", 10) == [ada]
        note = write(engine, ada, text="Budget approved")
        assert search_contact_ids_by_notes(engine, "budget", 10) == [ada]
        with engine.connect() as conn:
            # The index agrees with the table it mirrors.
            conn.execute(text("INSERT INTO note_fts(note_fts) VALUES ('integrity-check')"))
        delete_note(engine, note.id, actor="sam", now=NOW)
        assert search_contact_ids_by_notes(engine, "budget", 10) == []
    finally:
        engine.dispose()


@pytest.mark.sqlite_only
def test_downgrading_0002_removes_the_note_index(engine: Engine, db_path: Path, ada: int) -> None:
    write(engine, ada, text="renewal")
    with engine.begin() as conn:
        command.downgrade(_alembic(conn), "0001")
    with engine.connect() as conn:
        names = set(conn.execute(text("SELECT name FROM sqlite_master WHERE name LIKE 'note_fts%'")).scalars())
        assert names == set()
        assert conn.execute(text("SELECT count(*) FROM note")).scalar_one() == 1
    with engine.begin() as conn:
        command.upgrade(_alembic(conn), "head")
    assert search_contact_ids_by_notes(engine, "renewal", 10) == [ada]


@pytest.mark.sqlite_only
def test_note_search_objects_are_created(engine: Engine) -> None:
    with engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT name, sql FROM sqlite_master WHERE name LIKE 'note_fts%'")).all())
    assert {"note_fts", "note_fts_ai", "note_fts_ad", "note_fts_au"} <= set(rows)
    assert "content='note'" in rows["note_fts"]
    assert "content_rowid='id'" in rows["note_fts"]
    assert "tokenize='unicode61 remove_diacritics 2'" in rows["note_fts"]
    assert "prefix='1 2 3'" in rows["note_fts"]


@pytest.mark.parametrize("offset", [14, -12])
def test_dates_at_the_ends_of_the_calendar_are_one_sentence(offset: int) -> None:
    from datetime import timedelta, timezone

    from store.when import local_midnight

    zone = timezone(timedelta(hours=offset))
    now = datetime(2026, 1, 1, tzinfo=zone)
    for typed in ("9999-12-31 23:59", "0001-01-01 00:00"):
        try:
            when = parse_when(typed, now=now)
        except NoteInvalid as exc:
            assert str(exc) == f"'{typed}' is too near the end of the calendar; choose a nearer date."
        else:
            assert when is not None and when.tzinfo is not None
    assert local_midnight(date.min, zone) <= local_midnight(date(1, 1, 2), zone)
    assert local_midnight(date.max, zone) >= local_midnight(date(9999, 12, 30), zone)
