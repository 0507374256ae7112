"""The app's text input: Textual's Input, with the cursor blink taken from the settings."""

from __future__ import annotations

from textual.widgets import Input


class TextInput(Input):
    """An Input whose cursor blinks only if `[ui] cursor_blink` says so (a steady cursor saves SSH traffic)."""

    def on_mount(self) -> None:
        self.cursor_blink = self.app.context.settings.ui.cursor_blink
