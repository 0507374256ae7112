"""Screens that start with their breakpoint classes, so they are styled once rather than twice."""

from __future__ import annotations

from textual.screen import Screen


def take_breakpoints(screen: Screen) -> None:
    """Give `screen`, before it mounts, the breakpoint classes (`-narrow`/`-wide`) its first resize would give.

    Textual adds them on that resize, after every widget of the screen has mounted and been styled, and then
    styles every widget again: on the contact page that second pass was a tenth of the work before the first
    paint. With the classes already there, the resize changes nothing."""
    app = screen.app
    width, height = app.size
    horizontal = app.HORIZONTAL_BREAKPOINTS if screen.HORIZONTAL_BREAKPOINTS is None else screen.HORIZONTAL_BREAKPOINTS
    vertical = app.VERTICAL_BREAKPOINTS if screen.VERTICAL_BREAKPOINTS is None else screen.VERTICAL_BREAKPOINTS
    names = screen._get_breakpoint_classes(width, horizontal or [])
    names |= screen._get_breakpoint_classes(height, vertical or [])
    screen.set_class(True, *names, update=False)
