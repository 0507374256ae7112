"""One contact on one screen: the header, and the tabs found in `tui/contact/tabs/`.

The page knows no tab by name: each tab declares its key, title and focus target, loads itself when first
shown, and reloads when the page tells every tab that the contact changed (`ContactChanged`).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, TabbedContent

from plain.literal import one_line
from store.changes import Fingerprint, contact_fingerprint
from store.contacts import get_contact
from store.geo import has_locations
from store.rows import ContactDetail
from tui.background import in_thread
from tui.breakpoints import take_breakpoints
from tui.contact.dialogs import ContactDialogs
from tui.contact.header import ContactHeader
from tui.contact.tabs import tab_classes
from tui.contact.tabs.base import ContactChanged, ContactTab
from tui.contact.tabs.history import HistoryTab
from tui.contact.tabs.notes import NotesTab
from tui.context import InApp
from widgets.footer import FittingFooter

TABS = tab_classes()


class ContactScreen(ContactDialogs, InApp, Screen[None]):
    TITLE = "Contact"
    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="Back to the contact list", id="contact.back"),
        Binding(
            "r", "refresh", "Refresh", show=False, tooltip="Reload the contact from the database", id="contact.refresh"
        ),
        *(tab.binding() for tab in TABS),
        Binding(
            "S",
            "add_social",
            "Social profile",
            show=False,
            tooltip="Add a Mastodon, Bluesky or GitHub profile",
            id="contact.social",
        ),
        Binding("w", "chart('week')", "Weekly", show=False, tooltip="Chart activity by week", id="contact.weekly"),
        Binding("m", "chart('month')", "Monthly", show=False, tooltip="Chart activity by month", id="contact.monthly"),
        Binding("A", "avatar_source", "Avatar", show=False, tooltip="Choose the avatar source", id="contact.avatar"),
        Binding(
            "s", "memberships('segment')", "Segments", tooltip="Switch this contact's segments", id="contact.segments"
        ),
        Binding(
            "a",
            "memberships('campaign')",
            "Campaigns",
            tooltip="Switch this contact's campaigns",
            id="contact.campaigns",
        ),
        Binding("M", "merge", "Merge", tooltip="Merge another record of this person into this one", id="contact.merge"),
        Binding("E", "email", "Email", tooltip="Write and send an email to this contact", id="contact.email"),
        Binding("n", "new_note", "Note", tooltip="Write a note on this contact", id="contact.new_note"),
        Binding(
            "U",
            "do_not_contact",
            "Do not contact",
            show=False,
            tooltip="Mark the contact as not to be emailed, or contactable again",
            id="contact.do_not_contact",
        ),
        Binding("c", "app.calendar", "Calendar", show=False, tooltip="Open the calendar", id="contact.calendar"),
        Binding(
            "i", "details", "Details", show=False, tooltip="The whole contact card, every line", id="contact.details"
        ),
    ]

    def __init__(
        self, contact_id: int, *, merged_from: int | None = None, tab: str = "history", note_id: int | None = None
    ) -> None:
        super().__init__()
        take_breakpoints(self)
        self.contact_id = contact_id
        self.merged_from = merged_from
        self.initial_tab = tab
        self.note_id = note_id  # the note to highlight on the Notes tab (opened from the calendar)
        self.chart_period = "week"
        self.located = False
        self.detail: ContactDetail | None = None
        self.fingerprint: Fingerprint | None = None
        self._chart_requested = False

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        yield ContactHeader(id="contact-header")
        with TabbedContent(initial=self.initial_tab, id="tabs"):
            for tab in TABS:
                pane = tab(self.contact_id)
                pane.built = self.initial_tab == tab.TAB_ID
                yield pane
        yield FittingFooter()

    @property
    def tabs(self) -> list[ContactTab]:
        return list(self.query(ContactTab))

    def tab(self, tab_id: str) -> ContactTab:
        return self.query_one(f"#{tab_id}", ContactTab)

    async def on_mount(self) -> None:
        # A tab that depends on the contact (Map) stays hidden until the contact is known to have it.
        contents = self.query_one(TabbedContent)
        for tab in self.tabs:
            if self.initial_tab != tab.TAB_ID and type(tab).available is not ContactTab.available:
                contents.hide_tab(tab.TAB_ID)
        if self.note_id is not None:
            self.query_one(NotesTab).highlight_note(self.note_id)
        await self._activated(self.initial_tab)  # built with the page: nothing to wait for
        self._load_detail()  # the chart follows once the contact is on screen (`_show`)
        if self.merged_from is not None:
            self.dossier.say(f"Contact #{self.merged_from} was merged into this one.", title="Merged contact")

    def contact_changed(self) -> None:
        """The contact changed here or elsewhere: the header, its chart and every tab shown so far read again."""
        self._load_detail()
        self.query_one(ContactHeader).load_activity(self.contact_id, self.chart_period)
        for tab in self.tabs:
            tab.post_message(ContactChanged())
        self.dossier.sync.count_waiting()  # a change to a Mautic contact may wait for Mautic now

    def action_chart(self, period: str) -> None:
        self.chart_period = period
        self.query_one(ContactHeader).load_activity(self.contact_id, period)

    def _load_detail(self) -> None:
        engine, live = self.ctx.engine, self.dossier.live_updates

        def read() -> tuple[ContactDetail, bool, Fingerprint | None]:
            # The fingerprint is the baseline a change made elsewhere is compared with (live updates only).
            fingerprint = contact_fingerprint(engine, self.contact_id) if live else None
            return get_contact(engine, self.contact_id), has_locations(engine, self.contact_id), fingerprint

        in_thread(self, read, lambda found: self._show(*found), group="contact")

    def _show(self, detail: ContactDetail, located: bool, fingerprint: Fingerprint | None) -> None:
        self.detail, self.located = detail, located
        if fingerprint is not None:
            self.fingerprint = fingerprint
        contents = self.query_one(TabbedContent)
        for tab in self.tabs:
            tab.show_detail(detail)
            if tab.available(detail, located):
                contents.show_tab(tab.TAB_ID)
            else:
                if contents.active == tab.TAB_ID:
                    contents.active = "history"
                contents.hide_tab(tab.TAB_ID)
        self.title = one_line(detail.name)
        header = self.query_one(ContactHeader)
        header.show(detail, self.ctx.clock())
        if not self._chart_requested:
            # The first chart waits for the contact and its first tab to be painted: its thread (the query and
            # importing plotext) shared the interpreter with the UI and held that first page back.
            self._chart_requested = True
            self.call_after_refresh(lambda: header.load_activity(self.contact_id, self.chart_period))

    def action_back(self) -> None:
        self.dismiss()

    def action_refresh(self) -> None:
        self.contact_changed()

    async def action_tab(self, tab_id: str) -> None:
        tab = self.tab(tab_id)
        if self.detail is not None and not tab.available(self.detail, self.located):
            self.dossier.say(tab.unavailable_reason(), severity="warning")
            return
        self.query_one(TabbedContent).active = tab_id
        await self._activated(tab_id)

    async def _activated(self, tab_id: str) -> None:
        tab = self.tab(tab_id)
        await tab.show_first_time()
        self.set_focus(tab.query_one(tab.FOCUS))

    @on(TabbedContent.TabActivated, "#tabs")
    async def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id:
            await self._activated(event.pane.id)

    def changed_elsewhere(self, fingerprint: Fingerprint | None, ours: bool) -> None:
        """The database changed; reload when this contact did (and say so when someone else changed it)."""
        if fingerprint is None or fingerprint == self.fingerprint:
            return
        merged_away = fingerprint.merged_into_id is not None and (
            self.fingerprint is None or self.fingerprint.merged_into_id != fingerprint.merged_into_id
        )
        self.fingerprint = fingerprint
        if merged_away and fingerprint.merged_into_id is not None:
            self._merged_away(fingerprint.merged_into_id)
        elif not ours:
            self.contact_changed()
            self.dossier.say("Updated with changes made elsewhere.", title="Live update", timeout=3)

    @on(HistoryTab.Unmerged)
    def _unmerged(self) -> None:
        self.dossier.say("The merge was undone; the other record is back.", title="Merge")
        self.contact_changed()

    @on(NotesTab.Changed)
    def _notes_changed(self) -> None:
        # A note is activity: it shows in History and in the header's counts.
        self.contact_changed()

    async def action_new_note(self) -> None:
        await self.action_tab("notes")
        self.query_one(NotesTab).action_new_note()
