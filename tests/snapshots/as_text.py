"""Print SVG snapshots as the text a terminal shows, to read them before accepting them.

    python -m tests.snapshots.as_text [--styles] tests/snapshots/__snapshots__/test_snapshots/*.svg

Each cell's character is put at its column (x / cell width) on its line (the clip path). `--styles` adds,
under each line, a mark per cell: `b` bold, `i` italic, `u` underline, `r` reverse video (background
rectangles are not decoded), so a state shown only by colour is easy to spot as a line with no mark.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

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
    for cls, x, line, text in _TEXT.findall(svg):
        column = round(float(x) / CELL)
        body = classes.get(cls, "")
        mark = "b" if "bold" in body else "i" if "italic" in body else "u" if "underline" in body else " "
        for offset, char in enumerate(html.unescape(text).replace("\xa0", " ")):
            rows.setdefault(int(line), {})[column + offset] = (char, mark)
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
