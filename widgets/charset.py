"""Whether a widget draws in ASCII: the app says so with the `-ascii` class on itself when the terminal shows
ASCII only (the tui decides it from the locale, plain/terminal.py), as Textual says NO_COLOR with
`app.no_color`. Widgets read it here and never decide it themselves; app.tcss styles borders under `App.-ascii`.
"""

from __future__ import annotations

from textual.dom import DOMNode

ASCII_CLASS = "-ascii"


def draws_ascii(node: DOMNode) -> bool:
    """Whether `node`'s app asked for ASCII drawing (asked while drawing, so there is an app)."""
    return node.app.has_class(ASCII_CLASS)
