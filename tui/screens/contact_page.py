"""One contact on one screen: the header and the tabs (History now; Notes, Social, Map to come)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, TabbedContent, TabPane

from store.contacts import get_contact
from store.rows import ContactDetail
from tui.contact_header import ContactHeader
from tui.history import HistoryPane
from widgets.literal import one_line


class ContactScreen(Screen[None]):
    TITLE = "Contact"
    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="Back to the contact list", id="contact.back"),
        Binding(
            "r", "refresh", "Refresh", show=False, tooltip="Reload the contact from the database", id="contact.refresh"
        ),
        Binding("h", "tab('history')", "History", show=False, id="contact.tab_history"),
    ]

    def __init__(self, contact_id: int, *, merged_from: int | None = None) -> None:
        super().__init__()
        self.contact_id = contact_id
        self.merged_from = merged_from
        self.detail: ContactDetail | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        yield ContactHeader(id="contact-header")
        with TabbedContent(initial="history", id="tabs"), TabPane("History", id="history"):
            yield HistoryPane(self.contact_id, id="history-pane")
        yield Footer()

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#timeline"))
        self._load()
        if self.merged_from is not None:
            self.notify(f"Contact #{self.merged_from} was merged into this one.", title="Merged contact")

    @work(thread=True, exclusive=True, group="contact", exit_on_error=False)
    def _load(self) -> None:
        detail = get_contact(self.app.context.engine, self.contact_id)
        self.app.call_from_thread(self._show, detail)

    def _show(self, detail: ContactDetail) -> None:
        self.detail = detail
        self.title = one_line(detail.name)
        self.query_one(ContactHeader).show(detail, self.app.context.clock())

    def action_back(self) -> None:
        self.dismiss()

    def action_refresh(self) -> None:
        self._load()
        self.query_one(HistoryPane).reload()

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
