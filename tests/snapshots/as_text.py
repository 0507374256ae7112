"""Print SVG snapshots as the text a terminal shows, to read them before accepting them.

    python -m tests.snapshots.as_text [--styles] [--backgrounds] tests/snapshots/__snapshots__/*/*.svg

Each piece of text goes on its line (the clip path) as many cells after the piece before it as the SVG
leaves between them (x / cell width), and each character takes the cells a terminal gives it
(`plain.cells`: a spacing vowel sign of Devanagari takes one, a virama none), so a line reads as tmux or
xterm draws it, not as Rich measured it. `--styles` adds,
under each line, a mark per cell: `b` bold, `i` italic, `u` underline. `--backgrounds` adds, under each
line, a letter per cell for its background when it is not the screen's most common one (`a` the next most
common, then `b`...), with the colours listed at the end: a state shown only by a shade of grey, as under
NO_COLOR, is a line whose only difference is such a letter.
"""

from __future__ import annotations

import html
import re
import string
import sys
from collections import Counter
from pathlib import Path

from rich.cells import cell_len

from plain.cells import terminal_surplus

CELL = 12.2
LINE = 24.4
TOP = 1.5
_TEXT = re.compile(
    r'<text class="([^"]+)" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" clip-path="url\(#[\w-]+-line-(\d+)\)">'
    r"([^<]*)</text>"
)
_STYLE = re.compile(r"\.([\w-]+) \{([^}]*)\}")
_RECT = re.compile(r'<rect fill="(#[0-9a-f]{6})" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="[\d.]+"')


def _backgrounds(svg: str) -> tuple[dict[tuple[int, int], str], list[str]]:
    """Each cell's background letter (blank for the most common background), and the legend."""
    cells: dict[tuple[int, int], str] = {}
    for fill, x, y, width in _RECT.findall(svg):
        line, column = round((float(y) - TOP) / LINE), round(float(x) / CELL)
        for offset in range(round(float(width) / CELL)):
            cells[(line, column + offset)] = fill
    ranked = [fill for fill, _ in Counter(cells.values()).most_common()]
    letters = dict(zip(ranked, " " + string.ascii_lowercase + string.ascii_uppercase, strict=False))
    legend = [f"{letters[fill].strip() or 'blank'} {fill}" for fill in ranked[: len(letters)]]
    return {cell: letters.get(fill, "?") for cell, fill in cells.items()}, legend


def lines_of(svg: str, *, styles: bool = False, backgrounds: bool = False) -> list[str]:
    """The screen's lines (with, under each, a line of style marks and/or of background letters)."""
    classes = {name: body for name, body in _STYLE.findall(svg)}
    rows: dict[int, dict[int, tuple[str, str]]] = {}
    ends: dict[int, tuple[int, int]] = {}  # per line: where the text so far ends, as Rich and as the terminal count
    for cls, x, line, text in sorted(_TEXT.findall(svg), key=lambda found: (int(found[2]), float(found[1]))):
        start = round(float(x) / CELL)
        rich_end, column = ends.get(int(line), (0, 0))
        column += start - rich_end  # the blank cells between two pieces (plain spaces are not in the SVG)
        body = classes.get(cls, "")
        mark = "b" if "bold" in body else "i" if "italic" in body else "u" if "underline" in body else " "
        cells = rows.setdefault(int(line), {})
        text = html.unescape(text).replace("\xa0", " ")
        for char in text:
            width = cell_len(char) + terminal_surplus(char)
            if width == 0 and column - 1 in cells:  # a combining mark joins the character before it
                cells[column - 1] = (cells[column - 1][0] + char, cells[column - 1][1])
                continue
            cells[column] = (char, mark)
            for extra in range(1, width):  # the second cell of a wide character holds nothing
                cells[column + extra] = ("", mark)
            column += max(width, 1)
        ends[int(line)] = (start + cell_len(text), column)
    shades, legend = _backgrounds(svg) if backgrounds else ({}, [])
    out: list[str] = []
    for line in range(max(rows, default=-1) + 1):
        cells = rows.get(line, {})
        width = max([*cells, *(column for row, column in shades if row == line)], default=-1) + 1
        out.append("".join(cells.get(c, (" ", " "))[0] for c in range(width)).rstrip())
        if styles:
            out.append("".join(cells.get(c, (" ", " "))[1] for c in range(width)).rstrip())
        if backgrounds:
            out.append("".join(shades.get((line, c), " ") for c in range(width)).rstrip())
    return out + (["backgrounds: " + " · ".join(legend)] if legend else [])


def main(argv: list[str]) -> int:
    flags = {"--styles", "--backgrounds"}
    for name in (arg for arg in argv if arg not in flags):
        print(f"=== {Path(name).name}")
        svg = Path(name).read_text(encoding="utf-8")
        print("\n".join(lines_of(svg, styles="--styles" in argv, backgrounds="--backgrounds" in argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
