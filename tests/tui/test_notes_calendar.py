"""Pilot tests: writing, editing and deleting notes; the calendar and its way back to a contact."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select
from textual.widgets import OptionList, RadioSet, TextArea

from store.models import Event, Note
from tests.tui.conftest import screen_text, settle
from tui.contact.screen import ContactScreen
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.export_ics import ExportIcsDialog
from tui.dialogs.note_editor import NoteEditor
from tui.screens.calendar import CalendarScreen
from widgets.month_grid import MonthGrid

ADA = 1


def notes_in(app, contact_id: int = ADA) -> list[Note]:
    with Session(app.context.engine) as session:
        return list(session.exec(select(Note).where(Note.contact_id == contact_id).order_by(Note.id)))


async def choose_type(pilot, app, label: str) -> None:
    radio = app.screen.query_one(RadioSet)
    for button in radio.query("RadioButton"):
        if str(button.label) == label:
            button.value = True
    await pilot.pause()


async def type_note(pilot, text: str) -> None:
    await pilot.press(*[("enter" if ch == "\n" else "space" if ch == " " else ch) for ch in text])


async def test_write_a_general_note_from_the_keyboard(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NoteEditor)
        await type_note(pilot, "Met at the expo")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        notes = notes_in(app)
        assert [(n.type, n.text, n.date_time) for n in notes[-1:]] == [("general", "Met at the expo", None)]
        text = screen_text(app)
        assert "Met at the expo" in text
        assert "2 notes" in text
        with Session(app.context.engine) as session:
            events = session.exec(select(Event).where(Event.type == "note.added")).all()
        assert [e.label for e in events] == ["Note added: General"]


async def test_a_call_needs_a_date_and_accepts_shortcuts(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await choose_type(pilot, app, "Call")
        app.screen.set_focus(app.screen.query_one(TextArea))
        await type_note(pilot, "Discussed renewal")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NoteEditor)  # still open: no date
        assert "date" in screen_text(app).lower()
        app.screen.set_focus(app.screen.query_one("#note-when"))
        await pilot.press(*"tomorrow 14:00")
        await pilot.pause()
        assert "Sat 21 Nov 2026 14:00" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        call = notes_in(app)[-1]
        assert (call.type, call.text) == ("call", "Discussed renewal")
        assert call.date_time.isoformat() == "2026-11-21T14:00:00+00:00"


async def test_bad_date_and_empty_text_are_explained(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NoteEditor)
        assert "empty" in screen_text(app).lower() or "text" in screen_text(app).lower()
        app.screen.set_focus(app.screen.query_one("#note-when"))
        await pilot.press(*"someday")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Could not read 'someday' as a date" in screen_text(app)
        assert len(notes_in(app)) == 1  # nothing saved


async def test_escape_with_unsaved_text_asks_first(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await type_note(pilot, "draft")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # keep editing
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.query_one(TextArea).text == "draft"
        await pilot.press("escape")
        await pilot.press("y")  # discard
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        assert len(notes_in(app)) == 1


async def test_edit_and_delete_with_confirmation(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert "Called about renewal" in screen_text(app)
        await pilot.press("e")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, NoteEditor)
        area = editor.query_one(TextArea)
        area.text = "Called about the renewal; they agreed"
        await pilot.press("ctrl+s")
        await settle(pilot)
        note = notes_in(app)[0]
        assert (note.text, note.version) == ("Called about the renewal; they agreed", 2)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert len(notes_in(app)) == 1
        # Deleting cannot be undone: Enter picks the focused, safe answer; y deletes.
        await pilot.press("d", "enter")
        await settle(pilot)
        assert len(notes_in(app)) == 1
        await pilot.press("d", "y")
        await settle(pilot)
        assert notes_in(app) == []
        assert "No notes yet" in screen_text(app)


async def test_enter_reads_the_whole_note(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "Call · 2026-11-20 15:30 · Sam" in text
        assert "Called about renewal" in text
        await pilot.press("escape")
        assert isinstance(app.screen, ContactScreen)


async def test_calendar_navigation_and_opening_a_contact(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CalendarScreen)
        grid = app.screen.query_one(MonthGrid)
        assert (grid.year, grid.month, grid.selected.day) == (2026, 11, 20)
        text = screen_text(app)
        assert "November 2026" in text
        assert "Ada Lovelace" in text  # the call on the 20th, in the grid and the agenda
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert (grid.year, grid.month) == (2026, 12)
        for _ in range(12):
            await pilot.press("pagedown")
        await settle(pilot)
        assert (grid.year, grid.month) == (2027, 12)
        await pilot.press("t")
        await settle(pilot)
        assert grid.selected.isoformat() == "2026-11-20"
        await pilot.press("enter")
        await settle(pilot)
        agenda = app.screen.query_one("#agenda", OptionList)
        assert app.focused is agenda
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        assert app.screen.query_one("#tabs").active == "notes"
        assert "Called about renewal" in screen_text(app)


async def test_calendar_export_writes_an_ics_file(app_factory, tmp_path):
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        path_input = app.screen.query_one("#ics-path")
        path_input.value = str(tmp_path / "out.ics")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CalendarScreen)
        content = (tmp_path / "out.ics").read_text()
        assert "BEGIN:VEVENT" in content and "Ada Lovelace" in content


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12"])  # UTC+14 and UTC-12
async def test_the_calendar_at_both_ends_of_time(app_factory, monkeypatch, zone: str):
    import time
    from datetime import date

    from widgets.day_cell import LAST_DAY

    monkeypatch.setenv("TZ", zone)
    time.tzset()
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        grid = app.screen.query_one(MonthGrid)
        for day, shown in ((date(1, 1, 1), "January 1"), (LAST_DAY, "November 9999")):
            grid.selected = day
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert app.is_running and isinstance(app.screen, CalendarScreen)
            assert shown in screen_text(app)
            await pilot.press("tab")
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ExportIcsDialog)
        app.screen.query_one("#ics-from").value = "0001-01-01"
        app.screen.query_one("#ics-to").value = "9999-12-31"
        app.screen.query_one("#ics-path").value = "/dev/null"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ExportIcsDialog)  # the dialog stays open with the reason
        error = str(app.screen.query_one("#ics-error").render())
        assert (
            error == "/dev/null is not a regular file (a device, pipe or socket); Dossier writes only to regular files."
        )
