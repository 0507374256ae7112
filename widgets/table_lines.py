"""The lines of a `WindowedTable`: cells padded or cut to their column, each kind of line's styles worked out
once a repaint, so drawing a row is a few string operations and no style arithmetic."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

PADDING = 1  # cells of space on each side of every column, as DataTable draws them


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its title, width in cells (padding not included), alignment and the style of its cells."""

    title: str
    width: int
    justify: Literal["left", "right"] = "left"
    style: str = ""


@dataclass(frozen=True, slots=True)
class LineStyle:
    """The styles of one kind of line (header, even row, odd row, the cursor's, the hovered one)."""

    fill: Style  # the rest of the line, past the last column
    pads: tuple[Style, ...]  # each column's space
    texts: tuple[Style, ...]  # each column's text


def fit(text: str, width: int) -> tuple[str, int]:
    """`text` cut to `width` cells with an ellipsis if it is wider (wide characters count as two), and the
    cells of space left beside it."""
    length = cell_len(text)
    if length > width:
        return (set_cell_size(text, width - 1) + "…" if width > 0 else ""), 0
    return text, width - length


def apart(columns: Sequence[Column]) -> tuple[Style, ...]:
    """A style for each column that only carries its number, to keep its segments apart (see `line_style`)."""
    return tuple(Style.from_meta({"column": number}) for number in range(len(columns)))


def line_style(
    columns: Sequence[Column], aparts: Sequence[Style], line: Style, *, header: bool = False, over: bool = False
) -> LineStyle:
    """The styles of a line whose own style (the widget's, plus header, stripe, cursor or hover) is `line`.

    Only a cell's text takes its column's style: a bold name is not bold space. Over a row, the cursor's and
    the hover's colours win over a column's own (DataTable's "css" priority); their bold and dim stay. Each
    column's segments carry its number, so neighbouring cells of one style stay apart in a screenshot,
    where a run of text is placed as a whole.
    """
    after = Style.from_color(line.color, line.bgcolor) if over else Style()
    pads, texts = [], []
    for column, number in zip(columns, aparts, strict=True):
        pad = line + number
        pads.append(pad)
        texts.append(pad if header or not column.style else pad + Style.parse(column.style) + after)
    return LineStyle(line, tuple(pads), tuple(texts))


def draw(columns: Sequence[Column], values: Sequence[str], style: LineStyle, width: int, x: int = 0) -> Strip:
    """One line of `values` in their columns, filled out to `width` cells from column `x` on."""
    segments = []
    cells = 0
    for column, value, pad, text_style in zip(columns, values, style.pads, style.texts, strict=False):
        text, space = fit(value, column.width)
        left, right = (PADDING + space, PADDING) if column.justify == "right" else (PADDING, PADDING + space)
        segments.append(Segment(" " * left, pad))
        if text:
            segments.append(Segment(text, text_style))
        segments.append(Segment(" " * right, pad))
        cells += column.width + 2 * PADDING
    if x == 0 and cells <= width:
        if cells < width:
            segments.append(Segment(" " * (width - cells), style.fill))
        return Strip(segments, width)
    return Strip(segments, cells).extend_cell_length(x + width, style.fill).crop(x, x + width)
