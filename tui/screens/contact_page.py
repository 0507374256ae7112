"""One contact on one screen: the header and the tabs (History, Notes; Social and Map to come)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, TabbedContent, TabPane

from plain.literal import one_line
from store.changes import Fingerprint, contact_fingerprint
from store.contacts import get_contact
from store.geo import has_locations
from store.rows import ContactDetail
from tui.contact_header import ContactHeader
from tui.history import HistoryPane
from tui.map_pane import MapPane
from tui.notes import NotesPane
from tui.social_pane import SocialPane


class ContactScreen(Screen[None]):
    TITLE = "Contact"
    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="Back to the contact list", id="contact.back"),
        Binding(
            "r", "refresh", "Refresh", show=False, tooltip="Reload the contact from the database", id="contact.refresh"
        ),
        Binding(
            "1,h", "tab('history')", "History", show=False, tooltip="Show the History tab", id="contact.tab_history"
        ),
        Binding("2", "tab('notes')", "Notes", show=False, tooltip="Show the Notes tab", id="contact.tab_notes"),
        Binding("3", "tab('map')", "Map", show=False, tooltip="Show the Map tab", id="contact.tab_map"),
        Binding("4", "tab('social')", "Social", show=False, tooltip="Show the Social tab", id="contact.tab_social"),
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
        Binding("c", "app.calendar", "Calendar", show=False, tooltip="Open the calendar", id="contact.calendar"),
    ]

    def __init__(self, contact_id: int, *, merged_from: int | None = None, tab: str = "history") -> None:
        super().__init__()
        self.contact_id = contact_id
        self.merged_from = merged_from
        self.initial_tab = tab
        self.chart_period = "week"
        self.located = False
        self.detail: ContactDetail | None = None
        self.fingerprint: Fingerprint | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="◆")
        yield ContactHeader(id="contact-header")
        with TabbedContent(initial=self.initial_tab, id="tabs"):
            with TabPane("History", id="history"):
                yield HistoryPane(self.contact_id, id="history-pane")
            with TabPane("Notes", id="notes"):
                yield NotesPane(self.contact_id, id="notes-pane")
            with TabPane("Map", id="map"):
                yield MapPane(self.contact_id, id="map-pane")
            with TabPane("Social", id="social"):
                yield SocialPane(self.contact_id, id="social-pane")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TabbedContent).hide_tab("map")
        self._focus_tab(self.initial_tab)
        self._load()
        if self.merged_from is not None:
            self.app.say(f"Contact #{self.merged_from} was merged into this one.", title="Merged contact")

    def _load(self) -> None:
        self._load_detail()
        self.query_one(ContactHeader).load_activity(self.contact_id, self.chart_period)

    def action_chart(self, period: str) -> None:
        self.chart_period = period
        self.query_one(ContactHeader).load_activity(self.contact_id, period)

    @work(thread=True, exclusive=True, group="contact", exit_on_error=False)
    def _load_detail(self) -> None:
        detail = get_contact(self.app.context.engine, self.contact_id)
        located = has_locations(self.app.context.engine, self.contact_id)
        if self.app.live_updates:  # the baseline a change made elsewhere is compared with
            self.fingerprint = contact_fingerprint(self.app.context.engine, self.contact_id)
        self.app.call_from_thread(self._show, detail, located)

    def _show(self, detail: ContactDetail, located: bool = False) -> None:
        self.detail = detail
        self.located = located
        # The Map tab exists only while a location is known (it appears after a merge brings one in).
        tabs = self.query_one(TabbedContent)
        if located:
            tabs.show_tab("map")
            self.query_one(MapPane).reload()
        else:
            if tabs.active == "map":
                tabs.active = "history"
            tabs.hide_tab("map")
        self.title = one_line(detail.name)
        self.query_one(ContactHeader).show(detail, self.app.context.clock())

    def action_back(self) -> None:
        self.dismiss()

    def action_refresh(self) -> None:
        self._load()
        self.query_one(HistoryPane).reload()

    def action_tab(self, tab: str) -> None:
        if tab == "map" and not self.located:
            self.app.say("No location is known for this contact.", severity="warning")
            return
        self.query_one(TabbedContent).active = tab
        self._focus_tab(tab)

    def _focus_tab(self, tab: str) -> None:
        target = {"history": "#timeline", "notes": "#notes-list", "map": "#locations", "social": "#social-feed"}.get(
            tab
        )
        if target:
            self.set_focus(self.query_one(target))

    @on(TabbedContent.TabActivated, "#tabs")
    def _tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id:
            self._focus_tab(event.pane.id)

    def action_avatar_source(self) -> None:
        from tui.dialogs.avatar_source import AvatarSourceDialog

        if self.detail is None:
            return

        def chosen(source: str | None) -> None:
            if source is not None:
                self.query_one(ContactHeader).forget_avatar()
                self._load_detail()

        self.app.push_screen(AvatarSourceDialog(self.detail), chosen)

    def action_memberships(self, kind: str) -> None:
        from tui.dialogs.memberships import MembershipsDialog

        if self.detail is None:
            return

        def closed(changed: bool | None) -> None:
            if changed:
                self._load()
                self.query_one(HistoryPane).reload()

        self.app.push_screen(MembershipsDialog(kind, self.detail), closed)

    def action_merge(self) -> None:
        from tui.dialogs.merge import MergeDialog

        if self.detail is None:
            return

        def merged(merge_id: int | None) -> None:
            if merge_id is not None:
                self.app.say("Merged. Press u on the “Contact merged” event to undo.", title="Merge")
                self._refresh_all()

        self.app.push_screen(MergeDialog(self.detail), merged)

    def changed_elsewhere(self, fingerprint: Fingerprint | None, ours: bool) -> None:
        """The database changed; reload when this contact did (and say so when someone else changed it)."""
        if fingerprint is None or fingerprint == self.fingerprint:
            return
        merged_away = fingerprint.merged_into_id is not None and (
            self.fingerprint is None or self.fingerprint.merged_into_id != fingerprint.merged_into_id
        )
        self.fingerprint = fingerprint
        if merged_away:
            self._merged_away(fingerprint.merged_into_id)
        elif not ours:
            self._refresh_all()
            self.app.say("Updated with changes made elsewhere.", title="Live update", timeout=3)

    def _merged_away(self, survivor: int) -> None:
        from textual.content import Content

        from tui.dialogs.confirm import ConfirmDialog

        def answer(jump: bool | None) -> None:
            if jump and self.app.screen is self:
                self.dismiss()
                self.app.open_contact(survivor, merged_from=self.contact_id)

        message = Content(f"Someone merged this contact into contact #{survivor}. Open that contact?")
        self.app.push_screen(ConfirmDialog("Merged away", message, yes="Open it", no="Stay here"), answer)

    def _refresh_all(self) -> None:
        self._load()
        self.query_one(HistoryPane).reload()
        self.query_one(NotesPane).reload()

    @on(HistoryPane.Changed)
    def _history_changed(self) -> None:
        self.app.say("The merge was undone; the other record is back.", title="Merge")
        self._refresh_all()

    def action_add_social(self) -> None:
        from tui.dialogs.social_profile import SocialProfileDialog

        def added(ok: bool | None) -> None:
            if ok:
                self.action_tab("social")
                self.query_one(SocialPane).reload(force=True)
                self._load_detail()

        self.app.push_screen(SocialProfileDialog(self.contact_id), added)

    def action_email(self) -> None:
        from tui.dialogs.compose_email import ComposeEmail

        if self.detail is None:
            return

        def done(sent: bool | None) -> None:
            if sent:
                self._load()
                self.query_one(HistoryPane).reload()

        draft = self.app.drafts.get(self.contact_id)
        self.app.push_screen(ComposeEmail(self.detail, draft), done)

    def action_new_note(self) -> None:
        self.action_tab("notes")
        self.query_one(NotesPane).action_new_note()

    @on(NotesPane.Changed)
    def _notes_changed(self) -> None:
        # A note is activity: it shows in History and in the header's counts.
        self._load()
        self.query_one(HistoryPane).reload()
