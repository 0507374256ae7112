"""The app's text inputs: Textual's Input and TextArea, with the cursor blink taken from the settings and
their values kept literal.

A value that comes from data (a note being edited, a template's subject and body, a kept draft, a pasted
text) is shown the way every other display path shows it: control characters as visible symbols (ESC as ␛,
`plain.literal`), never passed to the terminal. Line endings become newlines.
"""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import Input, TextArea
from textual.widgets.text_area import Edit, EditResult

from plain.literal import literal, one_line
from tui.context import InApp


def _lines(text: str) -> str:
    return literal(text.replace("\r\n", "\n").replace("\r", "\n"))


class TextInput(InApp, Input):
    """An Input whose cursor blinks only if `[ui] cursor_blink` says so (a steady cursor saves SSH traffic)."""

    def validate_value(self, value: str) -> str:
        return one_line(value)

    def on_mount(self) -> None:
        self.cursor_blink = self.ctx.settings.ui.cursor_blink


class TextEditor(InApp, TextArea):
    """A soft-wrapping TextArea whose text, however it arrives (loaded, typed, pasted), is literal."""

    def __init__(self, text: str = "", **kwargs) -> None:
        super().__init__(_lines(text), soft_wrap=True, **kwargs)

    def on_mount(self) -> None:
        self.cursor_blink = self.ctx.settings.ui.cursor_blink

    def load_text(self, text: str) -> None:
        super().load_text(_lines(text))

    def edit(self, edit: Edit) -> EditResult:
        text = _lines(edit.text)
        return super().edit(edit if text == edit.text else replace(edit, text=text))
