"""F1 / ?: the keys of the screen the user was on."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, title: str, bindings: list[tuple[str, str]]) -> None:
        super().__init__()
        self._title = title
        self._keys = bindings

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static(Text(f"Keys — {self._title}", style="bold"), classes="dialog-title")
            table: DataTable[Text] = DataTable(id="help-keys", cursor_type="row", show_header=False)
            table.add_columns("Key", "Action")
            for key, description in self._keys:
                table.add_row(Text(key, style="bold"), Text(description))
            yield table
            yield Static(Text("↑↓ PgUp PgDn scroll · ctrl+p command palette · Esc closes"), classes="dialog-hint")
