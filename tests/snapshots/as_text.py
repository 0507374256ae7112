"""Print SVG snapshots as the text a terminal shows, to read them before accepting them.

    python -m tests.snapshots.as_text [--styles] tests/snapshots/__snapshots__/test_snapshots/*.svg

Each piece of text goes on its line (the clip path) as many cells after the piece before it as the SVG
leaves between them (x / cell width), and each character takes the cells a terminal gives it
(`plain.cells`: a spacing vowel sign of Devanagari takes one, a virama none), so a line reads as tmux or
xterm draws it, not as Rich measured it. `--styles` adds,
under each line, a mark per cell: `b` bold, `i` italic, `u` underline, `r` reverse video (background
rectangles are not decoded), so a state shown only by colour is easy to spot as a line with no mark.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

from rich.cells import cell_len

from plain.cells import terminal_surplus

CELL = 12.2
_TEXT = re.compile(
    r'<text class="([^"]+)" x="([\d.]+)" y="[\d.]+" textLength="[\d.]+" clip-path="url\(#[\w-]+-line-(\d+)\)">'
    r"([^<]*)</text>"
)
_STYLE = re.compile(r"\.([\w-]+) \{([^}]*)\}")


def lines_of(svg: str, *, styles: bool = False) -> list[str]:
    """The screen's lines (and, with `styles`, a line of style marks under each)."""
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
    out: list[str] = []
    for line in range(max(rows, default=-1) + 1):
        cells = rows.get(line, {})
        width = max(cells, default=-1) + 1
        out.append("".join(cells.get(c, (" ", " "))[0] for c in range(width)).rstrip())
        if styles:
            out.append("".join(cells.get(c, (" ", " "))[1] for c in range(width)).rstrip())
    return out


def main(argv: list[str]) -> int:
    styles = "--styles" in argv
    for name in (arg for arg in argv if arg != "--styles"):
        print(f"=== {Path(name).name}")
        print("\n".join(lines_of(Path(name).read_text(encoding="utf-8"), styles=styles)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
