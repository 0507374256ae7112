"""A contact's history: events newest first under day headers; Enter expands one to all its details."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from plain.literal import literal, one_line


class TimelineEntry(Protocol):
    """What the timeline needs to know of an event."""

    id: int
    type: str
    occurred_at: datetime
    label: str
    details: Mapping[str, Any]
    points_delta: int | None
    actor: str | None

    @property
    def type_name(self) -> str: ...


def day_heading(day: date, today: date) -> str:
    """Today, Yesterday, a weekday within the week, else a full date."""
    if day == today:
        return "Today"
    if day == today - timedelta(days=1):
        return "Yesterday"
    if today - timedelta(days=7) < day < today:
        return day.strftime("%A")
    return day.strftime("%A %d %B %Y")


def _humanize(key: str) -> str:
    return one_line(key).replace("_", " ").strip().capitalize()


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "—"
    return literal(value)


def detail_lines(details: Mapping[str, Any], indent: int = 0) -> Iterable[tuple[int, str, str]]:
    """Flatten nested details into `(depth, key, value)` lines; containers get a line of their own."""
    for key, value in details.items():
        if isinstance(value, Mapping):
            yield indent, _humanize(str(key)), ""
            yield from detail_lines(value, indent + 1)
        elif isinstance(value, list) and any(isinstance(v, Mapping | list) for v in value):
            yield indent, _humanize(str(key)), ""
            for number, item in enumerate(value, 1):
                yield from detail_lines(item if isinstance(item, Mapping) else {"": item}, indent + 1)
                if number < len(value):
                    yield indent + 1, "", "·"
        elif isinstance(value, list):
            yield indent, _humanize(str(key)), ", ".join(_scalar(v) for v in value)
        else:
            yield indent, _humanize(str(key)), _scalar(value)


def render_entry(entry: TimelineEntry, *, expanded: bool, local: datetime) -> Content:
    """One event as a line, or with its details beneath when expanded."""
    marker = "▾" if expanded else "▸"
    parts: list[tuple[str, str] | str] = [
        (f"{marker} ", "$text-muted"),
        (local.strftime("%H:%M"), "$text-muted"),
        "  ",
        (f"{one_line(entry.type_name):<18.18}", "$accent"),
        " ",
        one_line(entry.label),
    ]
    if entry.points_delta:
        style = "$success" if entry.points_delta > 0 else "$error"
        parts += ["  ", (f"{entry.points_delta:+d} pts", style)]
    if not expanded:
        return Content.assemble(*parts)
    parts.append("\n")
    lines = [("When", local.strftime("%Y-%m-%d %H:%M:%S %Z").strip()), ("Type", entry.type)]
    if entry.actor:
        lines.append(("By", entry.actor))
    for key, value in lines:
        parts += ["    ", (f"{key}: ", "$text-muted"), one_line(value), "\n"]
    for depth, key, value in detail_lines(entry.details):
        pad = "    " + "  " * depth
        text = literal(value).replace("\n", "\n" + pad + "  ")
        parts += [pad, (f"{key}: " if key else "", "$text-muted"), text, "\n"]
    return Content.assemble(*parts).rstrip("\n")


@dataclass
class _Row:
    entry: TimelineEntry
    expanded: bool = False


class Timeline(OptionList):
    """Events grouped under day headers, loaded page by page as the user nears the end."""

    DEFAULT_CSS = """
    Timeline { height: 1fr; border: none; padding: 0 1; &:focus { border: none; } }
    Timeline > .option-list--option-disabled { color: $text-primary; text-style: bold; }
    """
    BINDINGS = [
        Binding("enter", "select", "Expand", id="timeline.expand"),
        Binding("j", "cursor_down", "Down", show=False, id="timeline.down"),
        Binding("k", "cursor_up", "Up", show=False, id="timeline.up"),
        Binding("g", "first", "Top", show=False, id="timeline.top"),
        Binding("G", "last", "Bottom", show=False, id="timeline.bottom"),
    ]
    LOOKAHEAD = 15

    @dataclass
    class NeedMore(Message):
        """The user is near the end of what is loaded and more events exist."""

        timeline: Timeline

        @property
        def control(self) -> Timeline:
            return self.timeline

    def __init__(self, *, now: Callable[[], datetime] | None = None, **kwargs: Any) -> None:
        super().__init__(markup=False, **kwargs)
        self._now = now or (lambda: datetime.now().astimezone())
        self._rows: dict[str, _Row] = {}
        self._last_day: date | None = None
        self.complete = True
        self._asked = False

    @property
    def event_count(self) -> int:
        return len(self._rows)

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

    def reset(self, entries: Iterable[TimelineEntry], *, complete: bool) -> None:
        """Show these entries from the top, forgetting what was shown."""
        self.clear_options()
        self._rows.clear()
        self._last_day = None
        self.extend(entries, complete=complete)
        if self.option_count:
            self.action_first()

    def extend(self, entries: Iterable[TimelineEntry], *, complete: bool) -> None:
        """Append the next page of (older) entries."""
        today = self._now().date()
        options: list[Option] = []
        for entry in entries:
            local = entry.occurred_at.astimezone()
            if local.date() != self._last_day:
                self._last_day = local.date()
                options.append(Option(Content.styled(day_heading(local.date(), today), "bold"), disabled=True))
            key = f"event-{entry.id}"
            self._rows[key] = _Row(entry)
            options.append(Option(render_entry(entry, expanded=False, local=local), id=key))
        self.add_options(options)
        self.complete = complete
        self._asked = False

    def toggle(self, index: int) -> None:
        """Expand or collapse the event at an option index."""
        option = self.get_option_at_index(index)
        row = self._rows.get(option.id or "")
        if row is None:
            return
        row.expanded = not row.expanded
        local = row.entry.occurred_at.astimezone()
        self.replace_option_prompt_at_index(index, render_entry(row.entry, expanded=row.expanded, local=local))

    def action_select(self) -> None:
        if self.highlighted is not None:
            self.toggle(self.highlighted)
        super().action_select()

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        if highlighted is not None and highlighted >= self.option_count - self.LOOKAHEAD:
            self._ask_for_more()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        if new >= self.max_scroll_y - self.size.height:
            self._ask_for_more()

    def _ask_for_more(self) -> None:
        if not self.complete and not self._asked:
            self._asked = True
            self.post_message(self.NeedMore(self))
