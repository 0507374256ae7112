"""The whole contact card (`i` on the contact page): every line, where the header at 80x24 keeps only the most
important ones (tags, segments, campaigns and the added date go first)."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from store.rows import ContactDetail
from tui.contact.card import WholeCard


class ContactCardDialog(ModalScreen[None]):
    """Esc (or i again) closes."""

    BINDINGS = [Binding("escape,q,i", "dismiss", "Close", id="card.close")]

    def __init__(self, detail: ContactDetail, now: datetime) -> None:
        super().__init__()
        self._detail, self._now = detail, now

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="contact-card-dialog"):
            yield Static(Content.styled("Contact details", "bold"), classes="dialog-title")
            yield WholeCard(id="whole-card")
            yield Static(Content("Esc close"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(WholeCard).show(self._detail, self._now)
