"""Tick boxes, radio buttons and selection lists whose state shows without colour.

Textual draws every toggle as `▐X▌` (`▐●▌` for a radio button) and tells on from off by colour alone, which
NO_COLOR, a monochrome terminal or a colour-blind reader loses. These draw the mark only when on: `▐X▌` on,
`▐ ▌` off, as the segment and campaign switches already read `● on` / `○ off`. Where the app draws in ASCII
(widgets/charset.py) they read `[X]` / `[ ]`, and a radio button `(*)` / `( )`.
"""

from __future__ import annotations

from typing import TypeVar

from textual.content import Content
from textual.strip import Strip
from textual.widgets import Checkbox, RadioButton, SelectionList
from textual.widgets._toggle_button import ToggleButton

from widgets.charset import draws_ascii

OFF = " "
ASCII_BOX = ("[", "X", "]")
ASCII_RADIO = ("(", "*", ")")
T = TypeVar("T")


def _mark(button: ToggleButton, ascii_forms: tuple[str, str, str]) -> None:
    """Set the button's three characters for its state before Textual draws them."""
    if draws_ascii(button):
        button.BUTTON_LEFT, inner, button.BUTTON_RIGHT = ascii_forms
    else:
        inner = type(button).BUTTON_INNER
    button.BUTTON_INNER = inner if button.value else OFF


class MarkedCheckbox(Checkbox):
    @property
    def _button(self) -> Content:
        _mark(self, ASCII_BOX)
        return super()._button


class MarkedRadioButton(RadioButton):
    @property
    def _button(self) -> Content:
        _mark(self, ASCII_RADIO)
        return super()._button


class MarkedSelectionList(SelectionList[T]):
    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        if len(segments) < 3 or segments[0].text != ToggleButton.BUTTON_LEFT:
            return strip
        button = segments[1]
        if button.text != ToggleButton.BUTTON_INNER or button.style is None:
            return strip
        index = button.style.meta.get("option")
        if index is None:
            return strip
        if self.get_option_at_index(index).value not in self._selected:
            segments[1] = button._replace(text=OFF)
        if draws_ascii(self):  # the same widths: a cell each
            segments[0] = segments[0]._replace(text=ASCII_BOX[0])
            segments[2] = segments[2]._replace(text=ASCII_BOX[2])
        return Strip(segments, strip.cell_length)
