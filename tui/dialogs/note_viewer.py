"""Read a whole note, its Markdown rendered."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

from plain.literal import literal, one_line
from store.notes import NoteRow


class NoteViewer(ModalScreen[str | None]):
    """Esc closes; `e` and `d` close and ask the Notes tab to edit or delete the note."""

    BINDINGS = [
        Binding("escape,q", "dismiss", "Close", id="viewer.close"),
        Binding("e", "dismiss('edit')", "Edit", id="viewer.edit"),
        Binding("d", "dismiss('delete')", "Delete", id="viewer.delete"),
    ]

    def __init__(self, note: NoteRow, heading: str) -> None:
        super().__init__()
        self._note = note
        self._heading = heading

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="note-viewer"):
            yield Static(Content.styled(one_line(self._heading), "bold"), classes="dialog-title")
            # Control characters are made visible first; Markdown itself never runs Textual markup.
            yield Markdown(literal(self._note.text), id="note-markdown")
            yield Static(Content("e edit · d delete · Esc close"), classes="dialog-hint")
