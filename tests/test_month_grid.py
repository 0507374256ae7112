"""The month grid widget on its own: keys, messages, sizes, crowded days and literal text."""

from __future__ import annotations

from datetime import date

import pytest
from textual.app import App, ComposeResult
from textual.content import Content
from textual.message import Message

from widgets.day_cell import LAST_DAY, DayCell, DayEntry, add_months, day_lines, month_weeks, number_style
from widgets.month_grid import MonthGrid

TODAY = date(2026, 11, 20)
HOSTILE = "[@click=app.quit]x[/] [b]bold[/b]"


class GridApp(App):
    def __init__(self, grid: MonthGrid) -> None:
        super().__init__()
        self.grid = grid
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield self.grid

    def on_mount(self) -> None:
        self.grid.focus()

    def on_month_grid_month_changed(self, message: MonthGrid.MonthChanged) -> None:
        self.messages.append(message)

    def on_month_grid_day_highlighted(self, message: MonthGrid.DayHighlighted) -> None:
        self.messages.append(message)

    def on_month_grid_day_selected(self, message: MonthGrid.DaySelected) -> None:
        self.messages.append(message)

    def months(self) -> list[tuple[int, int]]:
        return [(m.year, m.month) for m in self.messages if isinstance(m, MonthGrid.MonthChanged)]

    def selected_days(self) -> list[date]:
        return [m.date for m in self.messages if isinstance(m, MonthGrid.DaySelected)]


def screen_text(app: App) -> str:
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def make_app(selected: date = TODAY, **kwargs) -> GridApp:
    kwargs.setdefault("today", TODAY)
    return GridApp(MonthGrid(selected, **kwargs))


# Keys and messages


async def test_arrows_move_the_day_and_cross_into_other_months() -> None:
    app = make_app(date(2026, 11, 30))
    async with app.run_test() as pilot:
        grid = app.grid
        await pilot.press("left")
        assert grid.selected == date(2026, 11, 29)
        await pilot.press("right", "right")
        assert grid.selected == date(2026, 12, 1)
        assert (grid.year, grid.month) == (2026, 12)
        await pilot.press("up")
        assert grid.selected == date(2026, 11, 24)
        await pilot.press("down", "down")
        assert grid.selected == date(2026, 12, 8)
        await pilot.press("k", "h", "l", "j")
        assert grid.selected == date(2026, 12, 8)
        await pilot.pause()
        # k, h: Dec 1, Nov 30; l, j: Dec 1, Dec 8.
        assert app.months() == [(2026, 12), (2026, 11), (2026, 12), (2026, 11), (2026, 12)]
        highlighted = [m for m in app.messages if isinstance(m, MonthGrid.DayHighlighted)]
        assert highlighted and highlighted[-1].date == date(2026, 12, 8)
        assert all(m.control is grid for m in app.messages)


async def test_months_change_with_brackets_and_page_keys_across_years() -> None:
    app = make_app(date(2026, 12, 31))
    async with app.run_test() as pilot:
        grid = app.grid
        await pilot.press("right_square_bracket")
        assert grid.selected == date(2027, 1, 31)
        await pilot.press("pagedown")
        assert grid.selected == date(2027, 2, 28)  # clamped to the shorter month
        await pilot.press("pageup", "pageup", "left_square_bracket")
        assert grid.selected == date(2026, 11, 28)
        await pilot.pause()
        assert app.months() == [(2027, 1), (2027, 2), (2027, 1), (2026, 12), (2026, 11)]
        assert "November 2026" in screen_text(app)


async def test_t_jumps_to_today_and_home_end_to_the_month_edges() -> None:
    app = make_app(date(2025, 3, 15))
    async with app.run_test() as pilot:
        grid = app.grid
        await pilot.press("end")
        assert grid.selected == date(2025, 3, 31)
        await pilot.press("home")
        assert grid.selected == date(2025, 3, 1)
        await pilot.press("t")
        assert grid.selected == TODAY
        await pilot.pause()
        assert app.months()[-1] == (2026, 11)


async def test_enter_selects_the_day() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("right", "enter")
        await pilot.pause()
        assert app.selected_days() == [date(2026, 11, 21)]


async def test_clicking_a_day_selects_it() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        cell = next(cell for cell in app.query(DayCell) if cell.day == date(2026, 11, 3))
        await pilot.click(cell)
        assert app.grid.selected == date(2026, 11, 3)
        assert cell.has_class("-selected")


async def test_the_grid_stays_within_the_dates_python_can_show() -> None:
    app = make_app(date(9999, 11, 29))
    async with app.run_test() as pilot:
        await pilot.press("right", "right", "pagedown", "down")
        assert app.grid.selected == LAST_DAY
        app.grid.selected = date(1, 1, 3)
        await pilot.press("left", "left", "left", "pageup", "up")
        assert app.grid.selected == date(1, 1, 1)
        assert "January 1" in screen_text(app)


async def test_setting_the_selected_day_from_outside_posts_the_same_messages() -> None:
    app = make_app()
    async with app.run_test() as pilot:
        app.grid.selected = date(2030, 5, 17)
        await pilot.pause()
        assert app.months() == [(2030, 5)]
        assert app.grid.shown_days == (date(2030, 4, 29), date(2030, 6, 3))


# What is shown


def entries_for(day: date, n: int, name: str = "Ada Lovelace") -> dict[date, list[str]]:
    return {day: [f"{9 + i:02}:00 Call · {name}" for i in range(n)]}


async def test_crowded_days_say_how_many_more_at_120x36() -> None:
    app = make_app(entries=entries_for(TODAY, 3), counts={TODAY: 40})
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "09:00 Call · Ad…" in text
        assert "11:00 Call · Ad…" in text
        assert "+37 more" in text
        assert "November 2026" in text and "Mon" in text and "Sun" in text


async def test_compact_at_80x24() -> None:
    app = make_app(
        entries={**entries_for(TODAY, 3), **entries_for(date(2026, 11, 3), 1, "Grace")},
        counts={TODAY: 12, date(2026, 11, 3): 1},
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "November 2026" in text
        assert "09:00 Call…" in text
        assert "+11 more" in text or "(12)" in text


async def test_very_small_grids_show_counts_beside_the_day() -> None:
    app = make_app(entries=entries_for(TODAY, 2), counts={TODAY: 7})
    async with app.run_test(size=(80, 9)) as pilot:
        await pilot.pause()
        assert "20 (7)" in screen_text(app)


async def test_new_data_replaces_the_old() -> None:
    app = make_app(entries={TODAY: ["Old Name"]})
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert "Old Name" in screen_text(app)
        app.grid.set_data(entries_for(TODAY, 1, "Zed"), {TODAY: 1})
        await pilot.pause()
        assert "Old" not in screen_text(app)
        assert "09:00 Call · Zed" in screen_text(app)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_names_are_shown_literally(size: tuple[int, int]) -> None:
    app = make_app(entries={TODAY: [HOSTILE, "\x1b[31mred"]}, counts={TODAY: 2})
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "[@click" in text
        assert "␛[31m" in text or size == (80, 24)
        cell = next(cell for cell in app.query(DayCell) if cell.day == TODAY)
        await pilot.click(cell, offset=(2, 1))
        assert app.is_running  # clicking the text did not run the action written in it


async def test_today_and_selection_are_marked_by_classes_that_follow_the_state() -> None:
    app = make_app(date(2026, 11, 5))
    async with app.run_test() as pilot:

        def cell(day: date) -> DayCell:
            return next(c for c in app.query(DayCell) if c.display and c.day == day)

        assert cell(TODAY).has_class("-today")
        assert cell(date(2026, 11, 5)).has_class("-selected")
        assert cell(date(2026, 10, 26)).has_class("-outside")
        await pilot.press("right")
        assert not cell(date(2026, 11, 5)).has_class("-selected")
        assert cell(date(2026, 11, 6)).has_class("-selected")
        app.grid.today = date(2026, 11, 21)
        await pilot.pause()
        assert not cell(TODAY).has_class("-today")
        assert cell(date(2026, 11, 21)).has_class("-today")


async def test_months_of_four_five_and_six_weeks_show_just_their_weeks() -> None:
    app = make_app(date(2027, 2, 1))  # February 2027 starts on a Monday: four weeks
    async with app.run_test() as pilot:
        for day, weeks in ((date(2027, 2, 1), 4), (date(2026, 12, 1), 5), (date(2026, 11, 1), 6)):
            app.grid.selected = day
            await pilot.pause()
            shown = [cell for cell in app.query(DayCell) if cell.display]
            assert len(shown) == 7 * weeks
            assert [cell.day for cell in shown] == [d for week in month_weeks(day.year, day.month) for d in week]


# The pieces


def plain(lines: list[Content]) -> list[str]:
    return [line.plain for line in lines]


def test_day_lines() -> None:
    day = date(2026, 11, 7)
    three = ["09:00 Call · Ada", "10:00 Meeting · Bob", "11:00 Call · Cy"]
    assert plain(day_lines(day, [], 0, 12, 4)) == [" 7"]
    assert plain(day_lines(day, three, 3, 20, 4)) == [" 7", *three]
    assert plain(day_lines(day, three, 9, 20, 4)) == [" 7", three[0], three[1], "+7 more"]
    assert plain(day_lines(day, three, 9, 10, 2)) == [" 7", "9 notes"]
    assert plain(day_lines(day, three[:1], 1, 10, 1)) == [" 7 09:00 …"]
    assert plain(day_lines(day, three, 9, 14, 1)) == [" 7 (9 notes)"]
    assert plain(day_lines(day, three, 9, 8, 1)) == [" 7 (9)"]
    assert plain(day_lines(day, three, 0, 40, 10)) == [" 7", *three]  # count defaults to the entries
    assert day_lines(day, three, 3, 0, 4) == day_lines(day, three, 3, 10, 0) == []
    assert plain(day_lines(day, ["a\nb\tc"], 1, 20, 2)) == [" 7", "a b c"]
    styled = Content.styled("styled", "$accent")
    assert day_lines(day, [styled], 1, 20, 2)[1] is not None
    assert plain(day_lines(day, [HOSTILE], 1, 60, 2))[1] == HOSTILE


def test_add_months_clamps() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 12, 15), 1) == date(2027, 1, 15)
    assert add_months(date(2026, 1, 15), -1) == date(2025, 12, 15)
    assert add_months(date(2026, 5, 31), -14) == date(2025, 3, 31)
    assert add_months(date(1, 1, 5), -1) == date(1, 1, 1)
    assert add_months(date(9999, 10, 31), 5) == LAST_DAY


def test_day_lines_count_what_was_not_loaded() -> None:
    # Three loaded of five, in a cell with room for five: the two not loaded are still counted.
    day = date(2026, 11, 7)
    three = ["09:00 Call · Ada", "10:00 Meeting · Bob", "11:00 Call · Cy"]
    assert plain(day_lines(day, three, 5, 20, 6)) == [" 7", *three, "+2 more"]
    assert plain(day_lines(day, [], 1, 20, 2)) == [" 7", "1 note"]
    assert plain(day_lines(day, three, 40, 6, 4))[1:] == ["09:00…", "10:00…", "+38"]  # "+38 m…" says less


def test_day_entries_give_way_to_the_name_as_cells_narrow() -> None:
    entry = DayEntry("09:00", "Grace Hopper", "◆", "$warning")
    assert entry.fit(40).plain == "09:00 ◆ Grace Hopper"
    assert entry.fit(18).plain == "09:00 ◆ Grace Hop…"
    assert entry.fit(12).plain == "◆ Grace Hop…"
    assert entry.fit(7).plain == "Grace …"
    assert entry.fit(3).plain == "Gr…"
    assert DayEntry("09:00", HOSTILE).fit(80).plain == "09:00 " + HOSTILE  # literal, never markup
    assert all(entry.fit(width).cell_length <= width for width in range(1, 30))


def test_the_day_number_reads_without_colour() -> None:
    assert number_style(today=False, outside=False, selected=False) == "bold"
    assert number_style(today=True, outside=False, selected=True) == "bold underline reverse"
    assert number_style(today=False, outside=True, selected=False) == "none"
