"""Text for a terminal that shows ASCII only: every other character becomes ASCII that reads the same.

Two forms, for two kinds of output:
- `ascii_text` (command-line output): free width. Letters lose their accents (Zürich -> Zurich, by Unicode's
  own decomposition), other scripts are romanised (王伟 -> WangWei) and symbols spelled (… -> ..., © -> (C))
  by anyascii.
- `ascii_cells` (the app's screen): each character becomes exactly as many ASCII characters as the cells it
  takes, because Textual laid the screen out for the original text and a wider replacement would push the
  rest of the line out of place. Box drawing -> + - |, blocks and braille -> shades, … -> ... where blank
  cells follow it ("Loading…") else ~ (a cut "adalberto_catalan~"), accented letters -> their base letter,
  a wide (CJK) character -> ??, anything else -> ?.

ASCII characters, hence every escape sequence, are never changed. Both are also registered as codec error
handlers (`ascii_stream`), so a stream encoded as ASCII transliterates whatever is written to it: the last line
of defence sees every byte.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from functools import lru_cache
from typing import TextIO

TEXT_HANDLER, CELLS_HANDLER = "dossier-ascii", "dossier-ascii-cells"

# The glyphs Dossier and Textual draw, in one cell each; chosen to read right, where anyascii's would not.
_GLYPHS = {
    "…": "~",  # "..." needs three cells (see _ROOMY_ELLIPSIS); a cut word ending in "." would read as whole
    "·": "-",
    "•": "*",
    "●": "*",
    "○": "o",
    "◆": "*",
    "▸": ">",
    "▾": "v",
    "✓": "v",
    "✔": "v",
    "⇄": "x",
    "✉": "@",
    "☎": "T",
    "♥": "+",
    "⟳": "R",
    "↩": "<",
    "⏎": "<",
    "°": "o",
    "█": "#",
    "▓": "#",
    "▒": ":",
    "░": ".",
}
_BRAILLE = range(0x2800, 0x2900)
_BLOCKS = range(0x2580, 0x25A0)
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# An ellipsis with blank cells after it ("Loading…" in a wider label) has room for its three dots.
_ROOMY_ELLIPSIS = "…   "
_ROOM_AFTER = re.compile(r"((?:\x1b\[[0-9;:]*m)*)   ")  # on a stream: three blanks, after colour changes


def ascii_text(text: str) -> str:
    """The text with every non-ASCII character transliterated (free width; for command-line output)."""
    if text.isascii():
        return text
    return "".join(_free(char) for char in text)


def ascii_cells(text: str) -> str:
    """The text with every non-ASCII character replaced by ASCII of the same width in terminal cells."""
    if text.isascii():
        return text
    return _NON_ASCII.sub(_fitted_run, text.replace(_ROOMY_ELLIPSIS, "... "))


def _fitted_run(match: re.Match[str]) -> str:
    from rich.cells import cell_len

    run = match.group()
    replaced = "".join(_fitted(char) for char in run)
    # Rich measures some sequences as a whole (an emoji and its modifiers): the run keeps Rich's total width.
    width = cell_len(run)
    return replaced[:width].ljust(width)


@lru_cache(maxsize=4096)
def _free(char: str) -> str:
    if char.isascii():
        return char
    if unicodedata.category(char) in ("Mn", "Me", "Cf", "Cc"):
        return ""  # accents already split off, joiners, controls: nothing to show
    if ord(char) in _BRAILLE:
        return _fitted(char)
    base = "".join(part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part))
    if base.isascii() and base:
        return base  # a letter with accents: its base letter (é -> e), as Unicode itself decomposes it
    from anyascii import anyascii

    spelled = anyascii(char)
    if not spelled and unicodedata.category(char)[0] in "LN":
        return "?"  # a letter or digit with no known spelling; marks, modifiers and the like show as nothing
    return spelled


@lru_cache(maxsize=4096)
def _fitted(char: str) -> str:
    from rich.cells import get_character_cell_size

    if char.isascii():
        return char
    width = get_character_cell_size(char)
    if width == 0:
        return ""
    if char in _GLYPHS:
        return _GLYPHS[char].ljust(width)
    if ord(char) in _BRAILLE:
        dots = bin(ord(char) - 0x2800).count("1")
        return " .:+#"[(dots + 1) // 2].ljust(width)  # none, 1-2, 3-4, 5-6, 7-8 dots
    if ord(char) in _BLOCKS:
        return " " * width  # a partial block draws with colour; a space keeps its background half
    folded = unicodedata.normalize("NFKC", char)  # a full-width letter (U+FF21) -> A
    if folded.isascii() and 0 < len(folded) <= width:
        return folded.ljust(width)
    if width > 1:
        return "?" * width  # a CJK syllable's romanisation does not fit in two cells without misleading
    spelled = _free(char)
    if len(spelled) == 1 or spelled.isalpha():
        return spelled[0]  # one character, or a base letter (ß -> s, æ -> a)
    return "?"


def _handler(transliterate, *, cells: bool):
    def handle(error: UnicodeError) -> tuple[str, int]:
        if not isinstance(error, UnicodeEncodeError):
            raise error
        text, start, end = error.object, error.start, error.end
        try:
            roomy = _ROOM_AFTER.match(text, end) if cells and text[end - 1] == "…" else None
            if roomy:  # blanks follow the ellipsis, maybe in another colour: they take two of its dots
                return transliterate(text[start : end - 1]) + "." + roomy.group(1) + ".. ", roomy.end()
            return transliterate(text[start:end]), end
        except Exception:  # a writer thread that raises stops the screen: "?" is better than nothing
            return "?" * (end - start), end

    return handle


def ascii_stream(stream: TextIO, *, cells: bool) -> None:
    """Encode what is written to `stream` (a terminal) as ASCII, transliterating the rest (see module)."""
    codecs.register_error(TEXT_HANDLER, _handler(ascii_text, cells=False))
    codecs.register_error(CELLS_HANDLER, _handler(ascii_cells, cells=True))
    stream.flush()
    stream.reconfigure(encoding="ascii", errors=CELLS_HANDLER if cells else TEXT_HANDLER)  # type: ignore[attr-defined]
