"""Key names for a terminal that shows ASCII only: Textual shows keys as arrows and symbols (↑ ⏎ ⌫), which
the ASCII output stream could only draw as ^ < <. Words are wider, and the footer and help are laid out for
what they get, so the app asks for these instead (DossierApp.get_key_display)."""

from __future__ import annotations

from plain.ascii import ascii_text

WORDS = {"↑": "up", "↓": "down", "←": "left", "→": "right", "⏎": "enter", "⌫": "backspace", "⇥": "tab"}


def ascii_key(display: str) -> str:
    """A key as Textual displays it (`^⏎`, `↑`, `ä`), in ASCII (`^enter`, `up`, `a`)."""
    for symbol, word in WORDS.items():
        display = display.replace(symbol, word)
    return ascii_text(display)
