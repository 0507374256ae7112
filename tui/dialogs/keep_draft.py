"""Asked when the compose dialog closes with unsent text: keep the draft for later, discard it, or go back."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static


class KeepDraftDialog(ModalScreen[bool | None]):
    """Keep (True), discard (False) or go back to editing (None)."""

    BINDINGS = [
        Binding("k,enter", "answer(True)", "Keep draft", priority=True, id="draft.keep"),
        Binding("d", "answer(False)", "Discard", id="draft.discard"),
        Binding("escape", "answer(None)", "Back", id="draft.back"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm-dialog"):
            yield Static(Content.styled("Close without sending?", "bold"), classes="dialog-title")
            yield Static(
                Content(
                    "k / Enter keeps the draft for later (until Dossier closes) · d discards it · "
                    "Esc goes back to the email"
                )
            )

    def action_answer(self, answer: bool | None) -> None:
        self.dismiss(answer)
