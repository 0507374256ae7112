"""The fields of a merge preview as a list that fits any width: per field, both records' values and which is kept.

Each field is one entry, never wider than the list. Where two values of 30 cells fit side by side (120
columns), the entry is a line: the label, then "this" record's value (it stays) and the "other" one's (it
is merged in). Narrower (80 columns), the records are stacked, a line each. ✓ marks the value kept, + the
values added together with = their result below, ⇄ a field the user flipped and ▸ the current field: marks,
not colours, so they read the same with NO_COLOR. Long values wrap inside their column, so an address is
always shown whole (never cut, never scrolled sideways). Flipping a field redraws its entry in place, at
the same height: the list keeps its scroll position and its highlight.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from plain.literal import one_line
from store.merge.rules import FieldPreview, Side, is_empty

LABEL_WIDTH = 14  # "Address line 2"; a longer custom field's name wraps inside its column
KEPT, ADDED, SAME, CURRENT = "✓", "+", "=", "▸"
FLIP = "⇄"
FLIPPED = f"{FLIP} your choice"


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


Cell = tuple[str, str, Text]  # a mark, whose value ("this", "other", "both", "kept"), the value


def _value(value: Any, kept: bool) -> Text:
    return Text(shown(value), style="bold" if kept else "dim")


def _cells(field: FieldPreview, pick: Side | None) -> tuple[list[Cell], Cell | None]:
    """Each record's value with its mark, and the result when both values are combined."""
    if not field.differs:
        return [(SAME, "both", _value(field.survivor, True))], None
    side = field.side(pick)
    if side == "both":
        combined = [(ADDED, "this", _value(field.survivor, False)), (ADDED, "other", _value(field.other, False))]
        return combined, (SAME, "kept", _value(field.merged, True))
    return [
        (KEPT if side == "survivor" else "", "this", _value(field.survivor, side == "survivor")),
        (KEPT if side == "other" else "", "other", _value(field.other, side == "other")),
    ], None


def _grid(*columns: int) -> Table:
    """Fixed columns of the widths given (0: a share of what is left, where values wrap)."""
    grid = Table.grid(padding=(0, 1), expand=True)  # else a long value wraps short of the list's edge
    for width in columns:
        if width:
            grid.add_column(width=width, no_wrap=width == 1, overflow="fold")
        else:
            grid.add_column(ratio=1, overflow="fold")
    return grid


class FieldEntry:
    """One field, laid out for the width it is drawn at: both records side by side when there is room for
    two values of 30 cells, else stacked, a line per record."""

    WIDE = 1 + LABEL_WIDTH + 1 + 2 * (1 + 5) + 2 * 30 + 8  # the columns and the spaces between them

    def __init__(self, field: FieldPreview, pick: Side | None, current: bool) -> None:
        self.field, self.pick, self.current = field, pick, current

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.wide() if options.max_width >= self.WIDE else self.stacked()

    def _heading(self) -> tuple[str, Text]:
        return CURRENT if self.current else "", Text(one_line(self.field.label), style="bold")

    def stacked(self) -> Table:
        grid = _grid(1, LABEL_WIDTH, 1, 5, 0)
        records, result = _cells(self.field, self.pick)
        below = Text(FLIPPED if self.pick is not None else "")
        for line, cell in enumerate([*records, *([result] if result else [])]):
            grid.add_row(*(self._heading() if line == 0 else ("", below if line == 1 else "")), *cell)
        return grid

    def wide(self) -> Table:
        grid = _grid(1, LABEL_WIDTH, 1, 1, 5, 0, 1, 5, 0)
        records, result = _cells(self.field, self.pick)
        blank: Cell = ("", "", Text(""))
        this, other = records if len(records) == 2 else (records[0], blank)
        grid.add_row(*self._heading(), FLIP if self.pick is not None else "", *this, *other)
        if result:
            grid.add_row("", "", "", *result, *blank)
        return grid


def field_entry(field: FieldPreview, pick: Side | None, *, current: bool = False) -> FieldEntry:
    """One field's lines: both values, the kept one marked (and the result when both are combined)."""
    return FieldEntry(field, pick, current)


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
