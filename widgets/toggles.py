"""Tick boxes, radio buttons and selection lists whose state shows without colour.

Textual draws every toggle as `▐X▌` (`▐●▌` for a radio button) and tells on from off by colour alone, which
NO_COLOR, a monochrome terminal or a colour-blind reader loses. These draw the mark only when on: `▐X▌` on,
`▐ ▌` off, as the segment and campaign switches already read `● on` / `○ off`.
"""

from __future__ import annotations

from typing import TypeVar

from textual.content import Content
from textual.strip import Strip
from textual.widgets import Checkbox, RadioButton, SelectionList
from textual.widgets._toggle_button import ToggleButton

OFF = " "
T = TypeVar("T")


class MarkedCheckbox(Checkbox):
    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = type(self).BUTTON_INNER if self.value else OFF
        return super()._button


class MarkedRadioButton(RadioButton):
    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = type(self).BUTTON_INNER if self.value else OFF
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
        if index is None or self.get_option_at_index(index).value in self._selected:
            return strip
        segments[1] = button._replace(text=OFF)
        return Strip(segments, strip.cell_length)
