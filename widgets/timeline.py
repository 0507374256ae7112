"""A contact's history: events newest first under day headings; Enter expands one to all its details.

The list is a window of at most WINDOW events over a history of any length: pages come in at either end as
the cursor or the view nears it (`NeedMore` older, `NeedNewer` newer) and the far end is dropped, so a
100,000-event history costs no more than a short one. `g`/`G` ask for the newest or oldest page directly
(`NeedEnd`) when that end is not in the window. The day of the events at the top of the view always shows:
when the first line in view is an event, the heading of its day is drawn over it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from textual.binding import Binding
from textual.content import Content
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.visual import Padding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from widgets.timeline_entry import TimelineEntry, day_heading, render_entry


@dataclass
class _Row:
    entry: TimelineEntry
    expanded: bool = False
    prompt: Content | None = None  # rendered once, again only when expanded or collapsed

    def render(self) -> Content:
        if self.prompt is None:
            local = self.entry.occurred_at.astimezone()
            self.prompt = render_entry(self.entry, expanded=self.expanded, local=local)
        return self.prompt


def _key(entry: TimelineEntry) -> str:
    return f"event-{entry.id}"


class Timeline(OptionList):
    """Events grouped under day headings, a window of pages loaded as the user nears either end."""

    DEFAULT_CSS = """
    Timeline { height: 1fr; border: none; padding: 0 1; &:focus { border: none; } }
    Timeline > .option-list--option-disabled { color: $text-primary; text-style: bold; }
    """
    BINDINGS = [
        Binding("enter", "select", "Expand", id="timeline.expand"),
        Binding("j", "cursor_down", "Down", show=False, id="timeline.down"),
        Binding("k", "cursor_up", "Up", show=False, id="timeline.up"),
        Binding("g", "first", "Newest", show=False, tooltip="Go to the newest event", id="timeline.top"),
        Binding("G", "last", "Oldest", show=False, tooltip="Go to the oldest event", id="timeline.bottom"),
    ]
    LOOKAHEAD = 15
    WINDOW = 500  # events kept; a page or more beyond what any screen shows in either direction

    @dataclass
    class NeedMore(Message):
        """The user is near the older end of what is loaded and older events exist."""

        timeline: Timeline

        @property
        def control(self) -> Timeline:
            return self.timeline

    @dataclass
    class NeedNewer(Message):
        """The user is near the newer end of what is loaded and newer events exist."""

        timeline: Timeline

        @property
        def control(self) -> Timeline:
            return self.timeline

    @dataclass
    class NeedEnd(Message):
        """`g` or `G` asked for the newest or the oldest event, which is not loaded."""

        timeline: Timeline
        oldest: bool

        @property
        def control(self) -> Timeline:
            return self.timeline

    def __init__(self, *, now: Callable[[], datetime] | None = None, **kwargs: Any) -> None:
        super().__init__(markup=False, **kwargs)
        self._now = now or (lambda: datetime.now().astimezone())
        self._rows: dict[str, _Row] = {}
        self._last_day: date | None = None
        self._sticky: dict[tuple[date, date], Option] = {}
        self.complete = True  # the oldest event is in the window
        self.at_newest = True  # the newest event is in the window
        self._asked_older = self._asked_newer = False
        self._quiet = False  # while the list is rebuilt

    @property
    def event_count(self) -> int:
        return len(self._rows)

    @property
    def first_entry(self) -> TimelineEntry | None:
        return next(iter(self._rows.values())).entry if self._rows else None

    @property
    def last_entry(self) -> TimelineEntry | None:
        return next(reversed(self._rows.values())).entry if self._rows else None

    @property
    def highlighted_entry(self) -> TimelineEntry | None:
        """The event under the cursor (None on a day heading or an empty list)."""
        if self.highlighted is None:
            return None
        row = self._rows.get(self.get_option_at_index(self.highlighted).id or "")
        return row.entry if row else None

    def reset(self, entries: Iterable[TimelineEntry], *, complete: bool, at_newest: bool = True) -> None:
        """Show these entries from the top, forgetting what was shown."""
        self._rows = {_key(entry): _Row(entry) for entry in entries}
        self._set_ends(complete=complete, at_newest=at_newest)
        self._rebuild(keep=False)
        super().action_first()

    def extend(self, entries: Iterable[TimelineEntry], *, complete: bool) -> None:
        """Append the next page of (older) entries, dropping the newest beyond WINDOW."""
        new = [entry for entry in entries if _key(entry) not in self._rows]
        self._rows.update((_key(entry), _Row(entry)) for entry in new)
        over = len(self._rows) - self.WINDOW
        if over > 0:
            for key in list(self._rows)[:over]:
                del self._rows[key]
            self._set_ends(complete=complete, at_newest=False)
            self._rebuild()
        else:
            self._set_ends(complete=complete, at_newest=self.at_newest)
            self.add_options(self._options_for(self._rows[_key(entry)] for entry in new))

    def prepend(self, entries: Sequence[TimelineEntry], *, at_newest: bool) -> None:
        """Put the page of entries just newer than the first one before it, dropping the oldest beyond WINDOW."""
        rows = {_key(entry): _Row(entry) for entry in entries if _key(entry) not in self._rows}
        self._rows = rows | self._rows
        complete = self.complete
        while len(self._rows) > self.WINDOW:
            self._rows.popitem()
            complete = False
        self._set_ends(complete=complete, at_newest=at_newest)
        self._rebuild()

    def show_oldest(self, entries: Sequence[TimelineEntry], *, at_newest: bool) -> None:
        """The oldest page, after `G`: joined to the window when they overlap, else instead of it."""
        keys = [_key(entry) for entry in entries]
        last = self.last_entry
        if last is not None and _key(last) in keys:
            self.extend(entries[keys.index(_key(last)) + 1 :], complete=True)
        else:
            self.reset(entries, complete=True, at_newest=at_newest)
        super().action_last()

    def show_newest(self, entries: Sequence[TimelineEntry], *, complete: bool) -> None:
        """The newest page, after `g`: joined to the window when they overlap, else instead of it."""
        keys = [_key(entry) for entry in entries]
        first = self.first_entry
        if first is not None and _key(first) in keys:
            self.prepend(entries[: keys.index(_key(first))], at_newest=True)
        else:
            self.reset(entries, complete=complete)
        super().action_first()

    def _set_ends(self, *, complete: bool, at_newest: bool) -> None:
        self.complete, self.at_newest = complete, at_newest
        self._asked_older = self._asked_newer = False

    def _options_for(self, rows: Iterable[_Row]) -> list[Option]:
        options: list[Option] = []
        for row in rows:
            day = row.entry.occurred_at.astimezone().date()
            if day != self._last_day:
                self._last_day = day
                options.append(self._heading(day))
            options.append(Option(row.render(), id=_key(row.entry)))
        return options

    def _heading(self, day: date) -> Option:
        return Option(Content.styled(day_heading(day, self._now().date()), "bold"), disabled=True)

    def _rebuild(self, *, keep: bool = True) -> None:
        """Show the window's rows again; with `keep`, the highlighted event stays where it was on screen (or,
        dropped from the window, the cursor goes to the nearest event left)."""
        anchor = self.highlighted_entry if keep else None
        offset = 0
        if anchor is not None and self.highlighted is not None:
            offset = self._index_to_line[self.highlighted] - round(self.scroll_y)
            lower = self.highlighted > self.option_count // 2
        self._last_day = None
        # Emptying the list scrolls it to the top, which is no reason to ask for newer events.
        self._quiet = True
        try:
            self.set_options(self._options_for(self._rows.values()))
            if anchor is not None and _key(anchor) in self._rows:
                index = self.get_option_index(_key(anchor))
                self.scroll_to(y=self._index_to_line[index] - offset, animate=False, immediate=True)
                self.highlighted = index
            elif anchor is not None:
                super().action_last() if lower else super().action_first()
        finally:
            self._quiet = False
        if self.highlighted is not None:
            self._near_ends(self.highlighted, self.scroll_y)

    def toggle(self, index: int) -> None:
        """Expand or collapse the event at an option index."""
        row = self._rows.get(self.get_option_at_index(index).id or "")
        if row is None:
            return
        row.expanded, row.prompt = not row.expanded, None
        self.replace_option_prompt_at_index(index, row.render())

    def action_select(self) -> None:
        if self.highlighted is not None:
            self.toggle(self.highlighted)
        super().action_select()

    def action_first(self) -> None:
        if self.at_newest:
            super().action_first()
        else:
            self.post_message(self.NeedEnd(self, oldest=False))

    def action_last(self) -> None:
        if self.complete:
            super().action_last()
        else:
            self.post_message(self.NeedEnd(self, oldest=True))

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        if highlighted is not None:
            self._near_ends(highlighted, self.scroll_y)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._near_ends(self.highlighted, new)

    def _near_ends(self, highlighted: int | None, scroll_y: float) -> None:
        """Ask for the page beyond an end of the window when the cursor or the view is near it."""
        if self._quiet:
            return
        cursor = -1 if highlighted is None else highlighted
        older = cursor >= self.option_count - self.LOOKAHEAD or scroll_y >= self.max_scroll_y - self.size.height
        newer = 0 <= cursor < self.LOOKAHEAD or scroll_y <= self.size.height
        if older and not self.complete and not self._asked_older:
            self._asked_older = True
            self.post_message(self.NeedMore(self))
        if newer and not self.at_newest and not self._asked_newer:
            self._asked_newer = True
            self.post_message(self.NeedNewer(self))

    def render_line(self, y: int) -> Strip:
        heading = self._sticky_heading() if y == 0 else None
        return heading if heading is not None else super().render_line(y)

    def _sticky_heading(self) -> Strip | None:
        """The heading of the day of the event on the first line in view (None when a heading is there)."""
        lines = self._lines
        top = self.scroll_offset.y
        if top >= len(lines):
            return None
        row = self._rows.get(self.options[lines[top][0]].id or "")
        if row is None:
            return None
        # Its own Option, outside the list (OptionList's render cache is for options in it), kept per day.
        key = (row.entry.occurred_at.astimezone().date(), self._now().date())
        if key not in self._sticky:
            self._sticky = {key: self._heading(key[0])}
        style = self.get_visual_style("option-list--option", "option-list--option-disabled")
        visual = self._get_visual(self._sticky[key])
        padding = self.get_component_styles("option-list--option").padding
        if padding:
            visual = Padding(visual, padding)
        width = self.scrollable_content_region.width - self._get_left_gutter_width()
        return visual.to_strips(self, visual, width, None, style)[0].extend_cell_length(width, style.rich_style)

    def scroll_to_highlight(self, top: bool = False) -> None:
        """As OptionList's, with the line above the highlighted event in view too: the first line in view
        may be under the day heading."""
        if self.highlighted is None or not self.is_mounted:
            return
        self._update_lines()
        y = self._index_to_line.get(self.highlighted)
        if y is None:
            return
        above = 1 if y > 0 else 0
        height = self._heights[self.highlighted] + above
        region = Region(0, y - above, self.scrollable_content_region.width, height)
        self.scroll_to_region(region, force=True, animate=False, top=top, immediate=True)
