"""One day of the month grid, and the pure pieces behind it: a month's weeks, moving by months, and
what a day's cell shows in the room it has."""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from textual.content import Content
from textual.events import Click
from textual.message import Message
from textual.widget import Widget

from plain.literal import one_line
from plain.words import plural

# An entry needs this many cells of its label beside the time, else the time gives way to the label:
# who a note is about says more in a narrow cell than when it is.
MIN_LABEL = 8
MIN_NAME = 6  # and the marker gives way when the label would keep fewer cells than this

# December 9999's last week runs into the year 10000, which Python's dates cannot hold.
LAST_DAY = date(9999, 11, 30)


def month_weeks(year: int, month: int) -> list[list[date]]:
    """The weeks (Monday to Sunday) that show a month, with the neighbouring months' days around it."""
    return calendar.Calendar(calendar.MONDAY).monthdatescalendar(year, month)


def add_months(day: date, months: int) -> date:
    """The same day of another month, or that month's last day when it is shorter (within the grid's range)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    if year < date.min.year:
        return date.min
    moved = date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1])) if year <= 9999 else LAST_DAY
    return min(moved, LAST_DAY)


@dataclass(frozen=True, slots=True)
class DayEntry:
    """One entry of a day: its time ("09:00"), a label (a name, shown literally) and an optional one-cell
    marker with its style; the cell decides which of them fit."""

    time: str
    label: str
    marker: str = ""
    marker_style: str = ""

    def fit(self, width: int) -> Content:
        """The entry in `width` cells: time, marker and label while the label keeps MIN_LABEL cells (or
        fits whole); else marker and label while it keeps MIN_NAME; else the label alone. Cut labels end
        with an ellipsis."""
        label = Content(one_line(self.label))
        marker = Content.styled(self.marker + " ", self.marker_style) if self.marker else Content("")
        full = Content.assemble((self.time + " ", "$text-muted"), marker, label)
        if full.cell_length <= width or width - (full.cell_length - label.cell_length) >= MIN_LABEL:
            chosen = full
        elif width - marker.cell_length >= MIN_NAME:
            chosen = Content.assemble(marker, label)
        else:
            chosen = label
        return chosen.truncate(width, ellipsis=True)


Entry = str | Content | DayEntry


def _entry(entry: Entry, width: int) -> Content:
    if isinstance(entry, DayEntry):
        return entry.fit(width)
    return entry if isinstance(entry, Content) else Content(one_line(entry))


def day_lines(
    day: date,
    entries: Sequence[Entry],
    count: int,
    width: int,
    height: int,
    *,
    today: bool = False,
    outside: bool = False,
    selected: bool = False,
) -> list[Content]:
    """What one day's cell shows in `width` x `height` cells: its number, then as many entries as fit,
    the last line saying "+N more" when some are not shown. `count` is the day's total: `entries` may be
    fewer (the first of the day), and what is not shown is counted either way.

    The number carries the day's state in its style, so it reads without colour: bold in the month shown
    (plain outside it), underlined today, reversed when selected."""
    if width <= 0 or height <= 0:
        return []
    total = max(count, len(entries))
    number = Content.styled(f"{day.day:>2}", number_style(today=today, outside=outside, selected=selected))
    if height == 1:
        if total == 1 and entries:
            line = Content.assemble(number, " ", _entry(entries[0], width - 3))
        elif total:
            counted = f" ({plural(total, 'note')})"
            tally = counted if width >= 2 + len(counted) else f" ({total})"
            line = Content.assemble(number, (tally, "$text-muted"))
        else:
            line = number
        return [line.truncate(width, ellipsis=True)]
    slots = height - 1
    shown = list(entries[: slots if total <= slots else slots - 1])
    more = total - len(shown)
    lines = [number] + [_entry(entry, width) for entry in shown]
    if more:
        tally = f"+{more} more" if shown else plural(more, "note")
        if len(tally) > width:  # "+12" says it better than "+12 m…"
            tally = f"+{more}"
        lines.append(Content.styled(tally, "$text-muted"))
    return [line.truncate(width, ellipsis=True) for line in lines]


def number_style(*, today: bool, outside: bool, selected: bool) -> str:
    """The day number's style: the state in attributes a terminal without colour still shows."""
    return (
        " ".join(style for style, on in (("bold", not outside), ("underline", today), ("reverse", selected)) if on)
        or "none"
    )


class DayCell(Widget):
    """One day of the grid; the grid tells it what to show."""

    DEFAULT_CSS = """
    DayCell { height: 1fr; width: 1fr; }
    DayCell.-outside { color: $text-disabled; }
    DayCell.-today { background: $accent 25%; }
    DayCell.-selected { background: $primary 40%; }
    MonthGrid:focus DayCell.-selected { background: $primary; color: $text; }
    """

    @dataclass
    class Clicked(Message):
        day: date

    def __init__(self) -> None:
        super().__init__()
        self.day = date.min
        self._entries: Sequence[Entry] = ()
        self._count = 0

    def show(
        self, day: date, entries: Sequence[Entry], count: int, *, outside: bool, today: bool, selected: bool
    ) -> None:
        """Show a day; the flags set the classes the grid's CSS styles."""
        self.day, self._entries, self._count = day, entries, count
        self.set_class(outside, "-outside")
        self.set_class(today, "-today")
        self.set_class(selected, "-selected")
        self.refresh()

    def render(self) -> Content:
        width, height = self.content_size
        lines = day_lines(
            self.day,
            self._entries,
            self._count,
            width,
            height,
            today=self.has_class("-today"),
            outside=self.has_class("-outside"),
            selected=self.has_class("-selected"),
        )
        return Content("\n").join(lines)

    def on_click(self, event: Click) -> None:
        event.stop()
        self.post_message(self.Clicked(self.day))
