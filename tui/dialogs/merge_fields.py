"""The fields of a merge preview as a list that fits any width: per field, both records' values and which is kept.

Each field is one entry of one to three lines, never wider than the list: a line per record ("this" stays,
"other" is merged in) with ✓ on the value kept, + on values added together, and the result below them.
Long values wrap inside their column, so an address is always shown whole (never cut, never scrolled
sideways). Which value is kept, and which field is current (▸), are marks rather than colours, so they read
the same with NO_COLOR. Flipping a field redraws its entry in place: the list keeps its scroll position and
its highlight.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from rich.table import Table
from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from plain.literal import one_line
from store.merge.rules import FieldPreview, Side, is_empty

LABEL_WIDTH = 14  # "Address line 2"; a longer custom field's name wraps inside its column
KEPT, ADDED, SAME, CURRENT = "✓", "+", "=", "▸"
FLIPPED = "⇄ your choice"


def shown(value: Any) -> str:
    """A field value as one literal line; an empty one as a dash."""
    if is_empty(value):
        return "—"
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    if isinstance(value, list | tuple):
        return one_line(", ".join(str(v) for v in value))
    return one_line(value)


def listed(field: FieldPreview) -> bool:
    """Fields both records leave empty are left out: there is nothing to read or choose."""
    return field.differs or not is_empty(field.merged)


def _grid() -> Table:
    grid = Table.grid(padding=(0, 1), expand=True)  # else a long value wraps short of the list's edge
    grid.add_column(width=1, no_wrap=True)
    grid.add_column(width=LABEL_WIDTH, overflow="fold")
    grid.add_column(width=1, no_wrap=True)
    grid.add_column(width=5, no_wrap=True)
    grid.add_column(ratio=1, overflow="fold")
    return grid


def _value(value: Any, kept: bool) -> Text:
    return Text(shown(value), style="bold" if kept else "dim")


def field_entry(field: FieldPreview, pick: Side | None, *, current: bool = False) -> Table:
    """One field's lines: both values, the kept one marked (and the result when both are combined)."""
    grid = _grid()
    cursor = CURRENT if current else ""
    label = Text(one_line(field.label), style="bold")
    if not field.differs:
        grid.add_row(cursor, label, SAME, "both", _value(field.survivor, True))
        return grid
    side = field.side(pick)
    below = Text(FLIPPED) if pick is not None else Text("")
    if side == "both":
        grid.add_row(cursor, label, ADDED, "this", _value(field.survivor, False))
        grid.add_row("", below, ADDED, "other", _value(field.other, False))
        grid.add_row("", "", SAME, "kept", _value(field.merged, True))
        return grid
    this, other = (KEPT, "") if side == "survivor" else ("", KEPT)
    grid.add_row(cursor, label, this, "this", _value(field.survivor, side == "survivor"))
    grid.add_row("", below, other, "other", _value(field.other, side == "other"))
    return grid


class MergeFields(OptionList):
    """A merge preview's fields, one entry each: `show` fills it with the user's picks (field name -> side),
    `redraw` updates one field after its pick changed."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, **kwargs)
        self._fields: dict[str, FieldPreview] = {}
        self._picks: Mapping[str, Side] = {}
        self._marked: int | None = None  # the entry drawn with the ▸ of the current field

    def show(self, fields: Sequence[FieldPreview], picks: Mapping[str, Side]) -> None:
        self._fields = {field.name: field for field in fields if listed(field)}
        self._picks, self._marked = picks, None
        self.clear_options()
        self.add_options(Option(field_entry(field, picks.get(name)), id=name) for name, field in self._fields.items())
        if self.option_count:
            self.highlighted = 0

    def redraw(self, name: str) -> None:
        # Same values, same number of lines: replacing the prompt leaves the scroll offset where it was.
        option = self.highlighted_option
        current = option is not None and option.id == name
        self.replace_option_prompt(name, field_entry(self._fields[name], self._picks.get(name), current=current))

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        marked, self._marked = self._marked, highlighted
        for index in {marked, highlighted}:
            if index is not None and index < self.option_count:
                self.redraw(str(self.get_option_at_index(index).id))

    @property
    def current(self) -> FieldPreview | None:
        """The highlighted field."""
        option = self.highlighted_option
        return None if option is None or option.id is None else self._fields[option.id]
