"""How the History timeline shows one event: its line, its details when expanded, and the day headings."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from textual.content import Content

from plain.literal import literal, one_line
from plain.words import label_of


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
    return label_of(one_line(key))


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


TYPE_WIDTH = 18  # the type column; a longer name ("Campaign membership") ends in "…" rather than being cut


def render_entry(entry: TimelineEntry, *, expanded: bool, local: datetime) -> Content:
    """One event as a line, or with its details beneath when expanded."""
    marker = "▾" if expanded else "▸"
    parts: list[tuple[str, str] | str | Content] = [
        (f"{marker} ", "$text-muted"),
        (local.strftime("%H:%M"), "$text-muted"),
        "  ",
        Content(one_line(entry.type_name)).truncate(TYPE_WIDTH, ellipsis=True, pad=True).stylize("$accent"),
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
