"""What each snapshot shows: the screen on top, the contact tab, and whether colour is off.

A snapshot test says it with `@shows(ContactScreen, NotesTab)` or `@shows(MergeDialog, no_color=True)`. The
`snap_compare` fixture (conftest.py) then sets NO_COLOR when asked, and checks on the very screen the picture
is taken of that the test shows what it says, so a declaration cannot drift from the picture.
`test_coverage.py` reads the declarations and the accepted SVG files to find screens that have no snapshot.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from textual.app import App
from textual.screen import Screen
from textual.widgets import TabbedContent

from tui.contact.tabs.base import ContactTab

Test = TypeVar("Test", bound=Callable[..., Any])


@dataclass(frozen=True)
class Shown:
    screen: type[Screen[Any]]
    tab: type[ContactTab] | None = None
    no_color: bool = False

    @property
    def classes(self) -> tuple[type, ...]:
        return (self.screen,) if self.tab is None else (self.screen, self.tab)


def shows(screen: type[Screen[Any]], tab: type[ContactTab] | None = None, *, no_color: bool = False):
    """Declare what the decorated snapshot test shows (one screen, and the tab when it is the contact page)."""

    def declare(test: Test) -> Test:
        test.shown = Shown(screen, tab, no_color)  # type: ignore[attr-defined]
        return test

    return declare


def shown_by(test: Callable[..., Any]) -> Shown | None:
    return getattr(test, "shown", None)


def check(app: App[Any], shown: Shown) -> None:
    """Fail unless the app on screen is what the test declared (called just before the picture is taken)."""
    top = type(app.screen)
    assert top is shown.screen, f"the snapshot shows {top.__name__}, declared {shown.screen.__name__}"
    if shown.tab is not None:
        pane = app.screen.query_one(f"#{app.screen.query_one(TabbedContent).active}")
        assert type(pane) is shown.tab, f"the active tab is {type(pane).__name__}, declared {shown.tab.__name__}"
    assert app.no_color is shown.no_color, f"NO_COLOR is {'on' if app.no_color else 'off'}, declared otherwise"
