"""The Dossier App: screens, help, the command palette and error reporting. Nothing else lives here."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.content import Content
from textual.filter import LineFilter
from textual.notifications import SeverityLevel
from textual.worker import Worker, WorkerState

from plain.literal import literal, one_line
from plain.words import plural
from store.db import describe_error
from tui.ascii_keys import ascii_key
from tui.commands import ScreenCommands
from tui.context import AppContext
from tui.sync import MauticSync
from tui.terminal_guard import NoControlCharacters
from tui.terminal_widths import TerminalWidths
from widgets.charset import ASCII_CLASS

if TYPE_CHECKING:
    import httpx
    from textual.screen import Screen

    from services.outbox import Draft
    from store.changes import FileWatch, ServerWatch


@runtime_checkable
class HoldsUnsavedWork(Protocol):
    """A screen with text the user typed and has not saved (the note editor, the compose dialog)."""

    def unsaved_work(self) -> str | None:
        """What would be lost ("the note you are writing"), or None when nothing would."""


FREEZE_CHECK = 0.5  # seconds between looks for the start's background work being done
FREEZE_CHECKS = 20  # then freeze anyway (a slow network may keep the avatar's worker for long)
FULL_COLLECTION_AFTER = 100  # collections of the middle generation before a full one


class DossierApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "Dossier"
    COMMANDS = App.COMMANDS | {ScreenCommands}
    # Screens get -narrow below 100 columns, so app.tcss can fold the layout for 80x24.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help"),
        Binding("question_mark", "help", "Help", show=False, id="app.help_alias"),
        Binding(
            "ctrl+r",
            "mautic_sync",
            "Sync with Mautic",
            show=False,
            tooltip="Send the changes made here to Mautic and bring in Mautic's; again to stop",
            id="app.mautic_sync",
        ),
        Binding(
            "ctrl+o",
            "mautic_waiting",
            "Changes waiting for Mautic",
            show=False,
            tooltip="What waits to go to Mautic, and the changes it refused or that conflict",
            id="app.mautic_waiting",
        ),
    ]

    def __init__(self, context: AppContext, *, contact_id: int | None = None, merged_from: int | None = None) -> None:
        super().__init__()
        self.context = context
        self._start = (contact_id, merged_from)
        self.sub_title = context.database_name
        self._http: httpx.AsyncClient | None = None
        self.drafts: dict[int, Draft] = {}  # unsent emails kept for later, by contact id
        self._watch: FileWatch | ServerWatch | None = None
        self._guard = NoControlCharacters()
        self._widths = TerminalWidths()
        self.sync = MauticSync(self)
        # The terminal shows ASCII only: widgets draw their ASCII forms, app.tcss ASCII borders.
        self.set_class(context.ascii, ASCII_CLASS)

    def get_key_display(self, binding: Binding) -> str:
        display = super().get_key_display(binding)
        return ascii_key(display) if self.context.ascii else display

    def get_line_filters(self) -> Sequence[LineFilter]:
        # Every line every widget paints passes the guard last: nothing that drives a terminal gets through.
        # In ASCII the stream writes each character in the cells Rich gave it, so there is no width to mend.
        widths = [] if self.context.ascii else [self._widths]
        return [*super().get_line_filters(), *widths, self._guard]

    def say(self, message: str, *, title: str = "", severity: SeverityLevel = "information", timeout=None) -> None:
        """Tell the user something in a toast. Data in it (names, subjects, paths, errors) is shown literally:
        never parsed as markup, controls made visible. Safe from any thread, as `notify` is."""
        self.notify(literal(message), title=one_line(title), severity=severity, timeout=timeout, markup=False)

    def action_quit(self) -> None:
        """Quit (ctrl+q, q): at once, unless typed text would be lost; then the safe answer is the default."""
        # Keys typed just before ctrl+q may still be on their way to the focused editor: look after them.
        if self.focused is not None:
            self.focused.call_later(self._quit_unless_work_is_lost)
        else:
            self._quit_unless_work_is_lost()

    def _quit_unless_work_is_lost(self) -> None:
        from tui.dialogs.confirm import ConfirmDialog

        lost = [
            work
            for screen in self.screen_stack
            if isinstance(screen, HoldsUnsavedWork)
            if (work := screen.unsaved_work())
        ]
        if self.drafts:
            lost.append(plural(len(self.drafts), "kept email draft"))
        if not lost:
            self.exit()
            return

        def answered(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.exit()

        message = Content(f"Quitting now throws away {' and '.join(lost)}.")
        self.push_screen(
            ConfirmDialog("Quit Dossier?", message, yes="Quit", no="Keep editing", default=False), answered
        )

    def on_mount(self) -> None:
        from tui.screens.contact_list import ContactListScreen

        if self.context.settings.ui.theme in self.available_themes:
            self.theme = self.context.settings.ui.theme
        contact_id, merged_from = self._start
        self.push_screen(ContactListScreen(deferred=contact_id is not None))
        self._start_watching()
        self.sync.start_timer()
        if contact_id is not None:
            self.open_contact(contact_id, merged_from=merged_from)
        # Everything alive once the first screen is up (modules, widgets) is long-lived: moving it out of the
        # collector's reach keeps full collections short, so they do not stall a keystroke (~50 ms before).
        self.call_after_refresh(gc.freeze)
        self.set_timer(FREEZE_CHECK, self._freeze_after_start)

    def _freeze_after_start(self, checks: int = 1) -> None:
        """Freeze again once the work that follows the first paint is done: the chart, the avatar and the
        model classes import ~300 modules after it (plotext, Pillow, SQLModel), and left in the collector's
        reach they made each full collection 70-110 ms, a stall under some keystroke every few seconds."""
        if len(self.workers) and checks < FREEZE_CHECKS:
            self.set_timer(FREEZE_CHECK, lambda: self._freeze_after_start(checks + 1))
            return
        gc.freeze()
        # What the page creates as it is used still made a full collection (15-70 ms) every few dozen keys,
        # one under some keystroke: ten times fewer of them (Python's default: after 10 of the middle ones).
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, FULL_COLLECTION_AFTER)

    def _start_watching(self) -> None:
        """Poll for commits by other programs (a teammate, another dossier on this file, a script) every moment."""
        from store.changes import watch

        interval = self.context.settings.ui.live_interval
        if interval <= 0:
            return
        try:
            self._watch = watch(self.context.engine, self.context.db_path)
        except Exception:  # live updates are a comfort: without them the app still works (r reloads)
            return
        self.set_interval(interval, self._look_for_changes)

    @property
    def live_updates(self) -> bool:
        """Whether changes made by other programs are being looked for (screens keep a baseline only then)."""
        return self._watch is not None

    @work(thread=True, exclusive=True, group="live", exit_on_error=False)
    def _look_for_changes(self) -> None:
        from store.changes import contact_fingerprint
        from tui.contact.screen import ContactScreen

        if self._watch is None:
            return
        # Commits made here since the last look: the screens that made them have reloaded already.
        changed, ours = self._watch.poll()
        if not changed:
            return
        pages = [screen for screen in self.screen_stack if isinstance(screen, ContactScreen)]
        if not pages:
            return
        page = pages[-1]
        fingerprint = contact_fingerprint(self.context.engine, page.contact_id)
        self.call_from_thread(page.changed_elsewhere, fingerprint, ours)

    def open_contact(
        self, contact_id: int, *, merged_from: int | None = None, tab: str = "history", note_id: int | None = None
    ) -> None:
        """Show one contact's page on top of the current screen (on `tab`, with `note_id` highlighted)."""
        from tui.contact.screen import ContactScreen

        self.push_screen(ContactScreen(contact_id, merged_from=merged_from, tab=tab, note_id=note_id))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        from tui.settings_reload import reload_settings

        yield from super().get_system_commands(screen)
        help_text = "Read the config file and the DOSSIER_* variables again, without a restart"
        yield SystemCommand("Reload settings", help_text, lambda: reload_settings(self))

    def action_mautic_sync(self) -> None:
        self.sync.toggle()

    def action_mautic_waiting(self) -> None:
        from tui.dialogs.outbox import OutboxDialog

        self.push_screen(OutboxDialog(), lambda _changed: self.sync.count_waiting())

    def refresh_contact_pages(self) -> None:
        """Every open contact page reads its contact again (after a sync brought changes)."""
        from tui.contact.screen import ContactScreen

        for screen in self.screen_stack:
            if isinstance(screen, ContactScreen):
                screen.contact_changed()

    def action_calendar(self) -> None:
        from tui.screens.calendar import CalendarScreen

        if not isinstance(self.screen, CalendarScreen):
            self.push_screen(CalendarScreen())

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        # Our own bindings all carry an id; built-in widget bindings (arrow keys, tab) go without saying.
        bindings = [("ctrl+p", "Command palette")]
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if binding.id and binding.description and binding.description not in seen:
                seen.add(binding.description)
                bindings.append((self.get_key_display(binding), binding.description))
        self.push_screen(HelpScreen(type(self.screen).TITLE or "Dossier", bindings))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Workers run with exit_on_error=False, so every failure a user can cause lands here as a notice.
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.say(describe_error(event.worker.error), title="Something went wrong", severity="error", timeout=8)

    @property
    def http(self) -> httpx.AsyncClient | None:
        """The app's one HTTP client (None in offline mode), made on first use on the app's event loop."""
        if self.context.settings.network.offline:
            return None
        if self._http is None:
            import httpx

            from services.http_body import user_agent

            self._http = httpx.AsyncClient(headers={"User-Agent": user_agent()}, follow_redirects=True)
        return self._http

    async def on_unmount(self) -> None:
        if self._watch is not None:
            self._watch.close()
        if self._http is not None:
            await self._http.aclose()
        self.context.engine.dispose()
