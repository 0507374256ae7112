"""Where the terminal and Rich count a text's cells differently.

Rich gives a spacing combining mark (Unicode category Mc: the vowel signs of Devanagari, Bengali, Tamil and
other Indic scripts, as in "अनुष्का", "शर्मा") no cell, while the terminal moves its cursor one cell on: tmux,
xterm and VTE measure with the C library's wcwidth(), which gives an Mc mark one cell (a Mn mark, such as
the virama, gets none on both sides). Measured in tmux 3.3a: after "x" + U+093F the cursor is at column 2,
after "x" + U+094D at column 1; Rich counts both as 1. So a line holding such a name is drawn one cell
wider per mark than Textual laid it out, and everything after the name on that line is pushed right.
"""

from __future__ import annotations

import unicodedata
from functools import cache

# The Unicode blocks that hold every spacing combining mark (Indic and Southeast Asian scripts, Tibetan,
# Myanmar, the Hangul tone marks, Brahmi and its kin, Miao, musical symbols). Scanning all 1.1M code points
# took ~65 ms on the first painted line, before the app's first frame; these ~9,000 take under 1 ms.
# tests/test_plain.py checks that no mark lies outside them in this Python's Unicode database.
MARK_BLOCKS = (
    (0x0900, 0x0DFF),
    (0x0F00, 0x109F),
    (0x1700, 0x1CFF),
    (0x3000, 0x303F),
    (0xA800, 0xABFF),
    (0x11000, 0x11FFF),
    (0x16F00, 0x16FFF),
    (0x1D100, 0x1D1FF),
)


@cache
def _spacing_marks() -> frozenset[str]:
    """Every spacing combining mark (found once, when first needed)."""
    return frozenset(
        chr(code)
        for first, last in MARK_BLOCKS
        for code in range(first, last + 1)
        if unicodedata.category(chr(code)) == "Mc"
    )


def terminal_surplus(text: str) -> int:
    """How many cells more than Rich's `cell_len` the terminal gives `text` (0 for almost every text)."""
    if text.isascii():
        return 0
    marks = _spacing_marks()
    return 0 if marks.isdisjoint(text) else sum(char in marks for char in text)


def is_spacing_mark(char: str) -> bool:
    """True for a character Rich counts as no cell and the terminal as one."""
    return not char.isascii() and char in _spacing_marks()
