"""A month as a grid of days, weeks starting on Monday, each day with its short entries.

The grid takes plain data (entries and counts by date) and posts messages when the selected day or the
month changes; what an entry means is up to the screen that fills it.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from widgets.day_cell import LAST_DAY, DayCell, Entry, add_months, month_weeks

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MAX_WEEKS = 6
# One footer entry, "[ ] Month", for both: the footer must keep Esc and Help at 80 columns.
MONTHS = Binding.Group("Month")


class MonthGrid(Widget, can_focus=True):
    """A month of days; arrows move the selected day, `[` `]` change month, `t` today, Enter opens a day.

    It says how many entries a day's cell has room for (`RoomChanged`), so its owner loads no fewer."""

    DEFAULT_CSS = """
    MonthGrid { height: 1fr; layout: vertical; }
    MonthGrid > #month-title {
        width: 1fr; height: 1; text-align: center; text-style: bold; text-wrap: nowrap; text-overflow: ellipsis;
    }
    MonthGrid > Grid {
        grid-size: 7; grid-columns: 1fr; grid-rows: 1 1fr 1fr 1fr 1fr 1fr 1fr; grid-gutter: 0 1; height: 1fr;
    }
    MonthGrid .weekday { color: $text-muted; text-style: bold; height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    """
    BINDINGS = [
        Binding("left", "move(-1)", "Previous day", show=False, id="month_grid.left"),
        Binding("right", "move(1)", "Next day", show=False, id="month_grid.right"),
        Binding("up", "move(-7)", "Week before", show=False, id="month_grid.up"),
        Binding("down", "move(7)", "Week after", show=False, id="month_grid.down"),
        Binding("h", "move(-1)", "Previous day", show=False, id="month_grid.h"),
        Binding("l", "move(1)", "Next day", show=False, id="month_grid.l"),
        Binding("k", "move(-7)", "Week before", show=False, id="month_grid.k"),
        Binding("j", "move(7)", "Week after", show=False, id="month_grid.j"),
        Binding(
            "left_square_bracket,pageup",
            "month(-1)",
            "Prev month",
            key_display="[",
            id="month_grid.previous",
            group=MONTHS,
        ),
        Binding(
            "right_square_bracket,pagedown",
            "month(1)",
            "Next month",
            key_display="]",
            id="month_grid.next",
            group=MONTHS,
        ),
        Binding("home,g", "edge(False)", "First day", show=False, id="month_grid.first"),
        Binding("end,G", "edge(True)", "Last day", show=False, id="month_grid.last"),
        Binding("t", "today", "Today", tooltip="Jump to today", id="month_grid.today"),
        Binding("enter", "select", "Open day", tooltip="Open the selected day", id="month_grid.select"),
    ]

    selected: reactive[date] = reactive(date.min, init=False)
    today: reactive[date] = reactive(date.min, init=False)
    entries: reactive[Mapping[date, Sequence[Entry]]] = reactive(dict, always_update=True, init=False)
    counts: reactive[Mapping[date, int]] = reactive(dict, always_update=True, init=False)

    @dataclass
    class MonthChanged(Message):
        """Another month is shown: load its entries."""

        month_grid: MonthGrid
        year: int
        month: int

        @property
        def control(self) -> MonthGrid:
            return self.month_grid

    @dataclass
    class RoomChanged(Message):
        """A day's cell now has room for `entries` lines of entries (the tallest cell, below its number)."""

        month_grid: MonthGrid
        entries: int

        @property
        def control(self) -> MonthGrid:
            return self.month_grid

    @dataclass
    class DayHighlighted(Message):
        """The selected day moved."""

        month_grid: MonthGrid
        date: date

        @property
        def control(self) -> MonthGrid:
            return self.month_grid

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, MonthGrid.DayHighlighted) and message.month_grid is self.month_grid

    @dataclass
    class DaySelected(Message):
        """Enter was pressed on a day."""

        month_grid: MonthGrid
        date: date

        @property
        def control(self) -> MonthGrid:
            return self.month_grid

    def __init__(
        self,
        selected: date,
        *,
        today: date | None = None,
        entries: Mapping[date, Sequence[Entry]] | None = None,
        counts: Mapping[date, int] | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._mounted = False
        self._room = 0
        self.set_reactive(MonthGrid.selected, self.validate_selected(selected))
        self.set_reactive(MonthGrid.today, today or selected)
        self.set_reactive(MonthGrid.entries, entries or {})
        self.set_reactive(MonthGrid.counts, counts or {})

    @property
    def year(self) -> int:
        return self.selected.year

    @property
    def month(self) -> int:
        return self.selected.month

    @property
    def shown_days(self) -> tuple[date, date]:
        """The first day on the grid and the day after the last (neighbouring months' days included)."""
        weeks = month_weeks(self.year, self.month)
        return weeks[0][0], weeks[-1][-1] + timedelta(days=1)

    def set_data(self, entries: Mapping[date, Sequence[Entry]], counts: Mapping[date, int] | None = None) -> None:
        """Show these entries (and total counts, when there are more than the entries) by date."""
        self.set_reactive(MonthGrid.counts, counts or {})
        self.entries = entries

    def compose(self) -> ComposeResult:
        yield Static(id="month-title")
        with Grid():
            for name in WEEKDAY_NAMES:
                yield Static(name, classes="weekday")
            for _ in range(7 * MAX_WEEKS):
                yield DayCell()

    def on_mount(self) -> None:
        self._mounted = True
        self._sync()

    def on_resize(self) -> None:
        self.call_after_refresh(self._measure_room)

    def _measure_room(self) -> None:
        # Cells are laid out after the grid: measure them once they have their size.
        heights = [cell.content_size.height for cell in self.query(DayCell) if cell.display]
        room = max(max(heights, default=0) - 1, 0)
        if room != self._room:
            self._room = room
            self.post_message(self.RoomChanged(self, room))

    @property
    def room(self) -> int:
        """How many entries the tallest day's cell shows below its number (0 before the first layout)."""
        return self._room

    def validate_selected(self, day: date) -> date:
        return min(day, LAST_DAY)

    def watch_selected(self, old: date, new: date) -> None:
        if (old.year, old.month) != (new.year, new.month):
            self.post_message(self.MonthChanged(self, new.year, new.month))
            self.call_after_refresh(self._measure_room)  # a month of four weeks has taller cells
        self.post_message(self.DayHighlighted(self, new))
        self._sync()

    def watch_today(self) -> None:
        self._sync()

    def watch_entries(self) -> None:
        self._sync()

    def watch_counts(self) -> None:
        self._sync()

    def _sync(self) -> None:
        if not self._mounted:
            return
        name = calendar.month_name[self.month]
        self.query_one("#month-title", Static).update(Content(f"{name} {self.year}"))
        days = [day for week in month_weeks(self.year, self.month) for day in week]
        for index, cell in enumerate(self.query(DayCell)):
            cell.display = index < len(days)
            if index < len(days):
                day = days[index]
                cell.show(
                    day,
                    self.entries.get(day, ()),
                    self.counts.get(day, 0),
                    outside=day.month != self.month,
                    today=day == self.today,
                    selected=day == self.selected,
                )

    def action_move(self, days: int) -> None:
        try:
            self.selected = self.selected + timedelta(days=days)
        except OverflowError:
            self.selected = date.min

    def action_month(self, months: int) -> None:
        self.selected = add_months(self.selected, months)

    def action_edge(self, last: bool) -> None:
        length = calendar.monthrange(self.year, self.month)[1]
        self.selected = self.selected.replace(day=length if last else 1)

    def action_today(self) -> None:
        self.selected = self.today

    def action_select(self) -> None:
        self.post_message(self.DaySelected(self, self.selected))

    def on_day_cell_clicked(self, event: DayCell.Clicked) -> None:
        event.stop()
        self.focus()
        self.selected = event.day
