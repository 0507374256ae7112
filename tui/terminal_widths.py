"""Every painted line is as wide on the terminal as Textual laid it out, even with Indic names in it.

Rich counts a spacing combining mark as no cell and the terminal as one (`plain.cells` has the evidence),
so a line with "अनुष्का शर्मा" in it reached the terminal a few cells too wide: the columns after the name
(the contact list's email and company, the chart's totals beside the contact card) were pushed right, and
the end of the line ran into the next widget or off the screen. Rich's table is not ours to change, so this
filter gives the surplus back where a line has room to spare: from the padding after the text, a space at
a time (never the one space between two words), else from the line's last cells.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter

from plain.cells import is_spacing_mark, terminal_surplus


class TerminalWidths(LineFilter):
    """Removes one cell of padding for each spacing combining mark in a line."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if not terminal_surplus("".join(segment.text for segment in segments if not segment.control)):
            return segments  # almost every line: one pass over its text
        return _repaid(segments)


def _repaid(segments: list[Segment]) -> list[Segment]:
    """The line with a blank cell fewer per spacing mark, one character at a time (only such lines come here)."""
    cells: list[Segment] = [
        part for segment in segments for part in ([segment] if segment.control else _characters(segment))
    ]
    kept: list[Segment] = []
    owed = 0
    for index, cell in enumerate(cells):
        text = cell.text
        if owed and text == " " and not cell.control:
            following = next((later.text for later in cells[index + 1 :] if not later.control), "")
            if following in ("", " ") or (kept and kept[-1].text == " "):
                owed -= 1
                continue
        owed += is_spacing_mark(text)
        kept.append(cell)
    while owed > 0 and kept:  # no padding to spare: the line's last cells make room
        last = kept.pop()
        owed -= last.cell_length + is_spacing_mark(last.text)
    if owed < 0:  # a wide character went, one cell more than was owed
        kept.append(Segment(" " * -owed, kept[-1].style if kept else None))
    return list(Segment.simplify(kept))


def _characters(segment: Segment) -> list[Segment]:
    style: Style | None = segment.style
    return [Segment(char, style) for char in segment.text]
