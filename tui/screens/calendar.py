"""The calendar: every contact's dated notes on a month grid, and the selected day's agenda."""

from __future__ import annotations

from datetime import date, timedelta

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from plain.literal import one_line
from plain.words import plural
from store.calendar import CalendarEntry, calendar_entries, day_counts, local_days
from tui.background import in_thread
from tui.contact.tabs.notes import MARKERS
from tui.context import InApp
from widgets.choice_list import ChoiceList
from widgets.day_cell import DayEntry
from widgets.footer import FittingFooter
from widgets.month_grid import MonthGrid

EXCERPT = 120  # of a note's text under its agenda entry; the agenda's width cuts it further, with "…"


def day_entry(entry: CalendarEntry) -> DayEntry:
    """An entry for the grid: its local time, the note type's marker and the contact's name."""
    marker, style = MARKERS.get(entry.type, ("●", "$text-muted"))
    return DayEntry(f"{entry.date_time.astimezone():%H:%M}", entry.contact_name, marker, style)


def agenda_line(entry: CalendarEntry) -> Content:
    """ "09:00 ☎ Ada Lovelace" and the start of the note under it, the name and text literal."""
    marker, style = MARKERS.get(entry.type, ("●", "$text-muted"))
    excerpt = Content(one_line(entry.text.strip())).truncate(EXCERPT, ellipsis=True)
    return Content.assemble(
        (f"{entry.date_time.astimezone():%H:%M} ", "$text-muted"),
        (marker + " ", style),
        one_line(entry.contact_name),
        "\n      ",
        excerpt.stylize("$text-muted"),
    )


class CalendarScreen(InApp, Screen[None]):
    TITLE = "Calendar"
    BINDINGS = [
        Binding("escape", "back", "Back", id="calendar.back"),
        Binding("tab", "switch", "Grid/agenda", show=False, id="calendar.switch"),
        Binding("x", "export", "Export .ics", tooltip="Write the calendar as an iCalendar file", id="calendar.export"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._agenda: list[CalendarEntry] = []
        self._day: date | None = None  # the day the agenda shows
        self._per_day = 0  # how many entries a day the grid was last given (at most)

    def compose(self) -> ComposeResult:
        today = self.ctx.clock().date()
        yield Header(icon="◆")
        with Horizontal(id="calendar-body"):
            yield MonthGrid(today, today=today, id="month")
            with Vertical(id="agenda-column"):
                yield Static(id="agenda-title")
                yield ChoiceList(id="agenda", markup=False)
        yield FittingFooter()

    @property
    def grid(self) -> MonthGrid:
        return self.query_one(MonthGrid)

    def on_mount(self) -> None:
        self.set_focus(self.grid)
        self._load_month(self.grid.year, self.grid.month)
        self._load_day(self.grid.selected)

    @on(MonthGrid.MonthChanged)
    def _month_changed(self, event: MonthGrid.MonthChanged) -> None:
        self._load_month(event.year, event.month)

    @on(MonthGrid.RoomChanged)
    def _room_changed(self, event: MonthGrid.RoomChanged) -> None:
        # Taller cells need more of each day's entries; shorter ones do with what they have.
        if event.entries > self._per_day:
            self._load_month(self.grid.year, self.grid.month)

    @on(MonthGrid.DayHighlighted)
    def _day_highlighted(self, event: MonthGrid.DayHighlighted) -> None:
        self._load_day(event.date)

    @on(MonthGrid.DaySelected)
    def _day_selected(self) -> None:
        agenda = self.query_one("#agenda", OptionList)
        if agenda.option_count:
            self.set_focus(agenda)

    def _load_month(self, year: int, month: int) -> None:
        first, after = self.grid.shown_days
        engine = self.ctx.engine
        # As many of each day's entries as the tallest cell shows; the counts say how many more there are.
        per_day = self._per_day = max(self.grid.room, 1)

        def read() -> tuple[dict[date, list[DayEntry]], dict[date, int]]:
            start, end = local_days(first, after)
            by_day: dict[date, list[DayEntry]] = {}
            for entry in calendar_entries(engine, start, end, limit_per_day=per_day):
                by_day.setdefault(entry.date_time.astimezone().date(), []).append(day_entry(entry))
            return by_day, day_counts(engine, first, after)

        in_thread(self, read, lambda found: self.grid.set_data(*found), group="calendar-month")

    def _load_day(self, day: date) -> None:
        engine = self.ctx.engine
        start, end = local_days(day, day + timedelta(days=1))
        in_thread(
            self,
            lambda: calendar_entries(engine, start, end),
            lambda entries: self._show_day(day, entries),
            group="calendar-day",
        )

    def _show_day(self, day: date, entries: list[CalendarEntry]) -> None:
        self._day, self._agenda = day, entries
        self._show_heading()
        agenda = self.query_one("#agenda", OptionList)
        agenda.clear_options()
        agenda.add_options(Option(agenda_line(e), id=str(e.note_id)) for e in entries)
        if entries:
            agenda.highlighted = 0

    def on_resize(self) -> None:
        self.call_after_refresh(self._show_heading)

    def _show_heading(self) -> None:
        day, entries = self._day, self._agenda
        if day is None:
            return
        count = plural(len(entries), "entry", "entries") if entries else "nothing planned"
        heading = self.query_one("#agenda-title", Static)
        # The agenda is narrow at 80 columns: a shorter weekday, and the count under the date, rather than
        # a date wrapped in two.
        width = heading.content_size.width
        when = f"{day:%A %d %B %Y}"
        when = when if len(when) <= width else f"{day:%a %d %B %Y}"
        gap = "  " if len(when) + 2 + len(count) <= width else "\n"
        heading.update(Content.assemble((when, "bold"), (gap + count, "$text-muted")))

    @on(OptionList.OptionSelected, "#agenda")
    def _open_contact(self, event: OptionList.OptionSelected) -> None:
        entry = self._agenda[event.option_index]
        self.dossier.open_contact(entry.contact_id, tab="notes", note_id=entry.note_id)

    def action_switch(self) -> None:
        agenda = self.query_one("#agenda", OptionList)
        self.set_focus(self.grid if self.focused is agenda or not agenda.option_count else agenda)

    def action_back(self) -> None:
        if self.focused is self.query_one("#agenda", OptionList):
            self.set_focus(self.grid)
        else:
            self.dismiss()

    def action_export(self) -> None:
        from tui.dialogs.export_ics import ExportIcsDialog

        self.app.push_screen(ExportIcsDialog())
