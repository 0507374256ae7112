"""Showing data literally: characters that would drive a terminal or hide text become visible symbols.

Three kinds of character are never passed on as they are:
- C0 controls (ESC, BEL, CR, …), DEL and C1 controls: a terminal acts on them (escape sequences, the bell,
  overwriting a line). C0 become their Unicode "control pictures" (ESC shows as ␛), DEL ␡, C1 �.
- Unicode's direction controls (U+202A to U+202E, U+2066 to U+2069): they reorder the text after them, so an
  address can be shown as another one. Each becomes ⟪U+202E⟫-style visible text, never applied.
- Lone surrogates (invalid Unicode, as a JSON `\\ud800` can carry): they cannot be encoded for the terminal
  or a file. Each becomes �.
Newlines and tabs are kept by `literal` and folded to spaces by `one_line`.
"""

from __future__ import annotations

import re

_TABLE: dict[int, int | str] = {code: 0x2400 + code for code in range(0x20) if code not in (0x09, 0x0A)}
_TABLE[0x7F] = 0x2421
_TABLE.update({code: 0xFFFD for code in range(0x80, 0xA0)})
DIRECTION_CONTROLS = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
_TABLE.update({code: f"⟪U+{code:04X}⟫" for code in DIRECTION_CONTROLS})
_TABLE.update({code: 0xFFFD for code in range(0xD800, 0xE000)})
# Most text has none of those characters: finding that out is far cheaper than translating it (4-16 µs a note).
_ANY_TRANSLATED = re.compile("[" + "".join(re.escape(chr(code)) for code in _TABLE) + "]")
_ONE_LINE = {**_TABLE, 0x09: " ", 0x0A: " ", 0x0D: " "}
# What never reaches a terminal, for a last-resort filter that must not change widths: removed outright.
_INVISIBLE: dict[int, int | None] = {
    code: None for code in (*range(0x20), 0x7F, *range(0x80, 0xA0), *DIRECTION_CONTROLS)
}
_INVISIBLE.update({code: 0xFFFD for code in range(0xD800, 0xE000)})


def literal(value: object) -> str:
    """The text of a value with every control character made visible; newlines and tabs kept."""
    text = str(value)
    return text if _ANY_TRANSLATED.search(text) is None else text.translate(_TABLE)


def one_line(value: object) -> str:
    """Like `literal`, with newlines and tabs folded to spaces, for single-line cells."""
    return str(value).translate(_ONE_LINE)


def without_controls(text: str) -> str:
    """The text with every control and direction character removed (and lone surrogates replaced).

    For a last line of defence where widths must not change: a terminal gives those characters no cell.
    """
    return text.translate(_INVISIBLE)
