"""Pilot tests: crowded calendar days at 80x24 and 120x36, the day's whole list by keyboard, and the way
from an agenda entry to that very note on the contact's Notes tab (issue 21)."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import OptionList

from tests.tui.busy_calendar import ADA_CALL, BUSY, FIVE, seed_busy_month
from tests.tui.conftest import screen_text, settle
from tui.contact.screen import ContactScreen
from tui.screens.calendar import CalendarScreen
from widgets.day_cell import DayCell
from widgets.month_grid import MonthGrid

BUSY_DATE, FIVE_DATE = date(2026, 11, 18), date(2026, 11, 17)
NAMES = ["Grace Hopper", "José Núñez", "Siobhán O'Brien", "Ada Lovelace", "山田 太郎", "נועה כהן", "Linus Torvalds"]


@pytest.fixture
def busy_app(app_factory, sample_db):
    seed_busy_month(sample_db)
    return app_factory()


def cell_lines(app, day: date) -> list[str]:
    cell = next(c for c in app.screen.query(DayCell) if c.display and c.day == day)
    return cell.render().plain.splitlines()


async def open_calendar_on(pilot, day: date) -> MonthGrid:
    await settle(pilot)
    await pilot.press("c")
    await settle(pilot)
    grid = pilot.app.screen.query_one(MonthGrid)
    grid.selected = day
    await settle(pilot)
    return grid


def accounted_for(lines: list[str], total: int) -> None:
    """Every entry of the day is either shown or counted in "+N more", and the cell is full."""
    entries = lines[1:]
    more = int(entries[-1].split()[0].lstrip("+")) if entries and entries[-1].startswith("+") else 0
    shown = len(entries) - (1 if more else 0)
    assert shown + more == total, lines


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (160, 50)])
async def test_every_entry_of_a_day_is_shown_or_counted(busy_app, size) -> None:
    async with busy_app.run_test(size=size) as pilot:
        grid = await open_calendar_on(pilot, BUSY_DATE)
        room = grid.room
        for day, total in ((BUSY_DATE, len(BUSY)), (FIVE_DATE, len(FIVE)), (date(2026, 11, 20), 1)):
            lines = cell_lines(busy_app, day)
            accounted_for(lines, total)
            height = next(c for c in busy_app.screen.query(DayCell) if c.day == day).content_size.height
            # The cell is used whole: all of the day when it fits, else its last line says how many more.
            assert len(lines) == min(total + 1, height), (day, lines, room)


async def test_a_day_that_fits_shows_all_its_entries_and_no_more_line(busy_app) -> None:
    async with busy_app.run_test(size=(160, 50)) as pilot:
        grid = await open_calendar_on(pilot, FIVE_DATE)
        assert grid.room >= len(FIVE)  # tall cells: the screen loaded as many a day as they show
        lines = cell_lines(busy_app, FIVE_DATE)
        assert len(lines) == 1 + len(FIVE)
        assert not any(line.startswith("+") for line in lines)
        assert all("Person" in line for line in lines[1:])


async def test_narrow_cells_show_names_with_an_ellipsis_not_times(busy_app) -> None:
    async with busy_app.run_test(size=(80, 24)) as pilot:
        await open_calendar_on(pilot, BUSY_DATE)
        busy = cell_lines(busy_app, BUSY_DATE)
        assert busy[1] == "Grace …" and busy[2] == "+6 more"
        assert cell_lines(busy_app, date(2026, 11, 20))[1] == "Ada Lo…"
        assert ":" not in "".join(busy[1:])  # no times where a name fits better


@pytest.mark.parametrize(
    ("size", "first_two"),
    [((120, 36), ["◆ Grace H…", "☎ José Nú…"]), ((200, 50), ["09:00 ◆ Grace Hop…", "10:15 ☎ José Núñez"])],
)
async def test_wider_cells_keep_the_marker_then_the_time(busy_app, size, first_two) -> None:
    async with busy_app.run_test(size=size) as pilot:
        await open_calendar_on(pilot, BUSY_DATE)
        assert cell_lines(busy_app, BUSY_DATE)[1:3] == first_two


async def test_the_whole_day_is_reachable_by_keyboard(busy_app) -> None:
    async with busy_app.run_test(size=(80, 24)) as pilot:
        await open_calendar_on(pilot, BUSY_DATE)
        await pilot.press("enter")
        await settle(pilot)
        agenda = busy_app.screen.query_one("#agenda", OptionList)
        assert busy_app.focused is agenda and agenda.option_count == len(BUSY)
        assert "7 entries" in screen_text(busy_app)
        await pilot.press("G")
        assert agenda.highlighted == len(BUSY) - 1
        assert "Linus Torvalds" in screen_text(busy_app)
        await pilot.press("k", "k")
        assert agenda.highlighted == len(BUSY) - 3
        await pilot.press("g", "j")
        assert agenda.highlighted == 1
        await pilot.press("escape")  # Esc goes back one step: agenda, then grid, then the list
        assert isinstance(busy_app.screen, CalendarScreen) and busy_app.focused is busy_app.screen.query_one(MonthGrid)
        await pilot.press("escape")
        assert not isinstance(busy_app.screen, CalendarScreen)


async def test_g_and_G_on_the_grid_go_to_the_first_and_last_day(busy_app) -> None:
    async with busy_app.run_test(size=(80, 24)) as pilot:
        grid = await open_calendar_on(pilot, BUSY_DATE)
        await pilot.press("G")
        assert grid.selected == date(2026, 11, 30)
        await pilot.press("g")
        assert grid.selected == date(2026, 11, 1)


async def test_enter_on_an_entry_opens_that_note_even_deep_in_the_list(busy_app) -> None:
    async with busy_app.run_test(size=(80, 24)) as pilot:
        await open_calendar_on(pilot, BUSY_DATE)
        await pilot.press("enter", "j", "j", "j")  # Ada's call, the fourth of the day
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = busy_app.screen
        assert isinstance(screen, ContactScreen) and screen.query_one("#tabs").active == "notes"
        notes = screen.query_one("#notes-list", OptionList)
        assert busy_app.focused is notes
        chosen = notes.get_option_at_index(notes.highlighted or 0)
        assert ADA_CALL.startswith(str(chosen.prompt).split("Sam")[-1].strip().rstrip("…"))
        assert (notes.highlighted or 0) > 20  # below forty newer notes
        assert "Ada: budget approved" in screen_text(busy_app)  # scrolled into view
        await pilot.press("escape")  # back to the calendar, where we were
        assert isinstance(busy_app.screen, CalendarScreen)
        assert busy_app.focused is busy_app.screen.query_one("#agenda", OptionList)


async def test_j_k_g_G_move_in_the_notes_list(busy_app) -> None:
    async with busy_app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        busy_app.open_contact(1, tab="notes")
        await settle(pilot)
        notes = busy_app.screen.query_one("#notes-list", OptionList)
        assert busy_app.focused is notes and notes.highlighted == 0
        await pilot.press("j", "j")
        assert notes.highlighted == 2
        await pilot.press("k")
        assert notes.highlighted == 1
        await pilot.press("G")
        assert notes.highlighted == notes.option_count - 1
        assert "Ada: budget approved" in screen_text(busy_app)  # the oldest, at the bottom
        await pilot.press("g")
        assert notes.highlighted == 0
        assert "Called about renewal" in screen_text(busy_app)  # the newest


async def test_a_bigger_terminal_fills_the_taller_cells(busy_app) -> None:
    async with busy_app.run_test(size=(80, 24)) as pilot:
        await open_calendar_on(pilot, FIVE_DATE)
        assert cell_lines(busy_app, FIVE_DATE)[-1] == "+4 more"
        await pilot.resize_terminal(160, 50)
        await settle(pilot)
        await settle(pilot)  # the grid measures its cells, then the screen reads more of each day
        lines = cell_lines(busy_app, FIVE_DATE)
        assert len(lines) == 1 + len(FIVE) and not lines[-1].startswith("+")
        assert "Tuesday 17 November 2026  5 entries" in screen_text(busy_app)


async def test_the_agenda_heading_fits_at_80_columns(busy_app) -> None:
    async with busy_app.run_test(size=(80, 24)) as pilot:
        await open_calendar_on(pilot, BUSY_DATE)
        lines = screen_text(busy_app).splitlines()
        heading = next(i for i, line in enumerate(lines) if "Wed 18 November 2026" in line)
        assert "7 entries" in lines[heading + 1]  # under the date, which is not wrapped in two
