"""A table that draws only the rows in view: fixed-width columns of plain text, a row cursor, a header.

Textual's DataTable renders, measures and caches every row it is given, through Rich's console for each
cell: replacing 100 search results cost 40-60 ms, most of the list's time from a key to new results. Here a
row is turned into text only when it is drawn, one segment a cell, so a new page of results costs the
30-odd lines on screen and nothing per row held. Cell text is never parsed as markup (`[b]` shows as typed);
text wider than its column ends in an ellipsis.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from widgets.table_lines import PADDING, Column, LineStyle, apart, draw, line_style

Row = TypeVar("Row")


class WindowedTable(ScrollView, Generic[Row], can_focus=True):
    """Rows of any type, shown through `cells(row)` (one plain string a column) only while in view."""

    COMPONENT_CLASSES = {
        "windowed-table--header",
        "windowed-table--cursor",
        "windowed-table--even-row",
        "windowed-table--odd-row",
        "windowed-table--hover",
    }
    # DataTable's look, so the list looks as it did before it stopped using one.
    DEFAULT_CSS = """
    WindowedTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .windowed-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .windowed-table--header { background-tint: $foreground 5%; }
        }
        &:dark > .windowed-table--even-row { background: $surface-darken-1 40%; }
        & > .windowed-table--header { text-style: bold; background: $panel; color: $foreground; }
        &:ansi > .windowed-table--header { background: ansi_bright_blue; color: ansi_default; }
        & > .windowed-table--even-row { background: $surface-lighten-1 50%; }
        & > .windowed-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .windowed-table--hover { background: $block-hover-background; }
    }
    """
    BINDINGS = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("ctrl+home", "first", "Top", show=False),
        Binding("ctrl+end", "last", "Bottom", show=False),
        Binding("home", "scroll_home", "Home", show=False),
        Binding("end", "scroll_end", "End", show=False),
    ]

    cursor_row: reactive[int] = reactive(0, always_update=True)

    @dataclass
    class Highlighted(Message):
        """The cursor moved to `row` (an index into `rows`)."""

        table: WindowedTable
        row: int

        @property
        def control(self) -> WindowedTable:
            return self.table

    @dataclass
    class Selected(Message):
        """Enter, or a click on the highlighted row, chose `row`."""

        table: WindowedTable
        row: int

        @property
        def control(self) -> WindowedTable:
            return self.table

    def __init__(
        self, cells: Callable[[Row], Sequence[str]], *, zebra_stripes: bool = False, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self._cells = cells
        self._columns: tuple[Column, ...] = ()
        self._aparts = apart(self._columns)
        self._styles: dict[tuple[str, bool, bool], LineStyle] = {}  # this repaint's, by kind of line
        self._rows: list[Row] = []
        self.zebra_stripes = zebra_stripes
        self._hover: int | None = None

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    @property
    def rows(self) -> Sequence[Row]:
        return self._rows

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def page_rows(self) -> int:
        """Rows in view at once (the header takes a line)."""
        return max(1, self.scrollable_content_region.height - 1)

    def set_columns(self, columns: Sequence[Column]) -> None:
        self._columns = tuple(columns)
        self._aparts = apart(self._columns)
        self._resize()

    def replace(self, rows: Sequence[Row]) -> None:
        """Show these rows instead, from the top."""
        self._rows = list(rows)
        self._resize()
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.cursor_row = 0

    def extend(self, rows: Sequence[Row]) -> None:
        """Add rows at the end; the cursor and the view stay where they are."""
        was_empty = not self._rows
        self._rows += rows
        self._resize()
        if was_empty and self._rows:
            self.cursor_row = 0

    def _resize(self) -> None:
        width = sum(column.width + 2 * PADDING for column in self._columns)
        self.virtual_size = Size(width, len(self._rows) + 1)
        self.refresh()

    def validate_cursor_row(self, row: int) -> int:
        return max(0, min(row, len(self._rows) - 1))

    def watch_cursor_row(self, old: int, new: int) -> None:
        self.refresh_line(old + 1)
        self.refresh_line(new + 1)
        self._show_cursor()
        if self._rows:
            self.post_message(self.Highlighted(self, new))

    def _show_cursor(self) -> None:
        top = round(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + self.page_rows:
            self.scroll_to(y=self.cursor_row - self.page_rows + 1, animate=False, immediate=True)

    def render_lines(self, crop: Region) -> list[Strip]:
        self._styles = {}  # the theme, focus or hover may have changed since the last repaint
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        x, width = round(self.scroll_x), self.size.width
        if y == 0:
            titles = [column.title for column in self._columns]
            return draw(self._columns, titles, self._style("header", False, False), width, x)
        index = round(self.scroll_y) + y - 1
        if index >= len(self._rows):
            return Strip.blank(width, self.rich_style)
        style = self._style("odd" if index % 2 else "even", index == self._hover, index == self.cursor_row)
        return draw(self._columns, self._cells(self._rows[index]), style, width, x)

    def _style(self, kind: str, hover: bool, cursor: bool) -> LineStyle:
        key = (kind, hover, cursor)
        if key not in self._styles:
            component = self.get_component_rich_style
            line = self.rich_style
            if kind == "header":
                line += component("windowed-table--header")
            elif self.zebra_stripes:
                line += component(f"windowed-table--{kind}-row")
            if hover:
                line += component("windowed-table--hover")
            if cursor:
                line += component("windowed-table--cursor")
            header, over = kind == "header", hover or cursor
            self._styles[key] = line_style(self._columns, self._aparts, line, header=header, over=over)
        return self._styles[key]

    def _row_at(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return None
        index = round(self.scroll_y) + offset.y - 1
        return index if index < len(self._rows) else None

    def _set_hover(self, index: int | None) -> None:
        if index != self._hover:
            for old in (self._hover, index):
                if old is not None:
                    self.refresh_line(old + 1)
            self._hover = index

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._set_hover(self._row_at(event))

    def on_leave(self, _: events.Leave) -> None:
        self._set_hover(None)

    def on_click(self, event: events.Click) -> None:
        index = self._row_at(event)
        if index is None:
            return
        event.stop()
        if index == self.cursor_row:
            self.post_message(self.Selected(self, index))
        self.cursor_row = index

    def _keyed(self, row: int) -> None:
        self._set_hover(None)  # the keyboard took over from the mouse
        self.cursor_row = row

    def action_select_cursor(self) -> None:
        self._set_hover(None)
        if self._rows:
            self.post_message(self.Selected(self, self.cursor_row))

    def action_cursor_up(self) -> None:
        self._keyed(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self._keyed(self.cursor_row + 1)

    def action_first(self) -> None:
        self._keyed(0)

    def action_last(self) -> None:
        self._keyed(len(self._rows) - 1)

    def action_page_down(self) -> None:
        # The view moves a page and the cursor with it, keeping its place on screen, as in DataTable.
        self.scroll_to(y=round(self.scroll_y) + self.page_rows, animate=False, immediate=True)
        self._keyed(self.cursor_row + self.page_rows)

    def action_page_up(self) -> None:
        self.scroll_to(y=round(self.scroll_y) - self.page_rows, animate=False, immediate=True)
        self._keyed(self.cursor_row - self.page_rows)
