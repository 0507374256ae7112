"""Where the terminal and Rich count a text's cells differently.

Rich gives a spacing combining mark (Unicode category Mc: the vowel signs of Devanagari, Bengali, Tamil and
other Indic scripts, as in "अनुष्का", "शर्मा") no cell, while the terminal moves its cursor one cell on: tmux,
xterm and VTE measure with the C library's wcwidth(), which gives an Mc mark one cell (a Mn mark, such as
the virama, gets none on both sides). Measured in tmux 3.3a: after "x" + U+093F the cursor is at column 2,
after "x" + U+094D at column 1; Rich counts both as 1. So a line holding such a name is drawn one cell
wider per mark than Textual laid it out, and everything after the name on that line is pushed right.
"""

from __future__ import annotations

import sys
import unicodedata
from functools import cache


@cache
def _spacing_marks() -> frozenset[str]:
    """Every spacing combining mark (found once, when first needed: ~30 ms)."""
    return frozenset(chr(code) for code in range(0x300, sys.maxunicode + 1) if unicodedata.category(chr(code)) == "Mc")


def terminal_surplus(text: str) -> int:
    """How many cells more than Rich's `cell_len` the terminal gives `text` (0 for almost every text)."""
    if text.isascii():
        return 0
    marks = _spacing_marks()
    return 0 if marks.isdisjoint(text) else sum(char in marks for char in text)


def is_spacing_mark(char: str) -> bool:
    """True for a character Rich counts as no cell and the terminal as one."""
    return not char.isascii() and char in _spacing_marks()
