"""A yes/no question: `y` confirms, Esc or `n` cancels, Enter picks the focused button.

A question whose "yes" throws something away (discard, delete, quit without saving) is asked with
`default=False`: the safe answer has the focus, so a stray Enter keeps the user's work.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS = [
        Binding("enter", "enter", "Choose", priority=True, id="confirm.enter"),
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("escape,n", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(
        self, title: str, message: Content, *, yes: str = "Yes", no: str = "Cancel", default: bool = True
    ) -> None:
        super().__init__()
        self._title = title
        self._message = message
        self._labels = (yes, no)
        self._default = default

    def compose(self) -> ComposeResult:
        yes, no = self._labels
        with Vertical(classes="dialog confirm-dialog"):
            yield Static(Content.styled(self._title, "bold"), classes="dialog-title")
            yield Static(self._message)
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{yes}  y", variant="error", id="yes")
                yield Button(f"{no}  n", id="no")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#yes" if self._default else "#no"))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_enter(self) -> None:
        focused = self.focused
        self.dismiss(focused.id == "yes" if isinstance(focused, Button) else self._default)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
