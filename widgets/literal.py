"""Showing data literally: control characters become visible symbols, never terminal escapes."""

from __future__ import annotations

# C0 controls map to the Unicode "control pictures" block (ESC shows as ␛); DEL and C1 to a replacement.
_TABLE = {code: 0x2400 + code for code in range(0x20) if code not in (0x09, 0x0A)}
_TABLE[0x7F] = 0x2421
_TABLE.update({code: 0xFFFD for code in range(0x80, 0xA0)})
_ONE_LINE = {**_TABLE, 0x09: " ", 0x0A: " ", 0x0D: " "}


def literal(value: object) -> str:
    """The text of a value with every control character made visible; newlines and tabs kept."""
    return str(value).translate(_TABLE)


def one_line(value: object) -> str:
    """Like `literal`, with newlines and tabs folded to spaces, for single-line cells."""
    return str(value).translate(_ONE_LINE)
