"""Table cells of one line. A `DataTable` wraps a plain string or `Text` that is too wide for its column and
shows only the first line, so the cut falls at a word with no mark; these cells end in "…" instead."""

from __future__ import annotations

from rich.text import Text

from plain.literal import one_line


def cell(value: str, *, style: str = "", right: bool = False) -> Text:
    """`value` shown literally on one line, ending in "…" when its column is too narrow."""
    return Text(one_line(value), style=style, justify="right" if right else "left", overflow="ellipsis", no_wrap=True)
