"""What every tab of the contact page is: a `TabPane` that declares its key, title, focus target, its widgets
and how it loads, and is built and loaded only when first shown."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.compose import compose
from textual.message import Message
from textual.widget import AwaitMount
from textual.widgets import TabPane

from store.rows import ContactDetail
from tui.context import InApp


class ContactChanged(Message):
    """Sent by the page to every tab: the contact changed (a note, a merge, a switch, an edit elsewhere)."""


class ContactTab(InApp, TabPane):
    """One tab. A subclass sets the class attributes and writes `content` (its widgets) and `load` (first
    showing, and every change after that); the page does the rest: the key, the tab strip, focus, and when to
    build and load."""

    TAB_ID: ClassVar[str]  # the pane's id, also the name `action_tab` takes
    TITLE: ClassVar[str]
    KEY: ClassVar[str]  # a digit; the page binds it to show the tab
    ALIASES: ClassVar[str] = ""  # more keys for the same, comma-separated ("h" for History)
    FOCUS: ClassVar[str]  # the selector of the widget that gets the focus when the tab is shown
    ORDER: ClassVar[int]

    def __init__(self, contact_id: int) -> None:
        super().__init__(self.TITLE, id=self.TAB_ID)
        self.contact_id = contact_id
        # Whether its widgets are there. The page builds the tab it opens on with itself and the others when
        # first shown, so it opens with one tab's widgets (and their styles) to build rather than all of them.
        self.built = False
        self._building: AwaitMount | None = None
        self.loaded = False

    def compose(self) -> ComposeResult:
        if self.built:
            yield from self.content()

    def content(self) -> ComposeResult:
        """The tab's widgets."""
        raise NotImplementedError

    @classmethod
    def binding(cls) -> Binding:
        """The page's key for this tab."""
        keys = ",".join(key for key in (cls.KEY, cls.ALIASES) if key)
        return Binding(
            keys,
            f"tab('{cls.TAB_ID}')",
            cls.TITLE,
            show=False,
            tooltip=f"Show the {cls.TITLE} tab",
            id=f"contact.tab_{cls.TAB_ID}",
        )

    def available(self, detail: ContactDetail, located: bool) -> bool:
        """Whether the tab is shown for this contact (the Map only when a place is known)."""
        return True

    def unavailable_reason(self) -> str:
        return ""

    def show_detail(self, detail: ContactDetail) -> None:
        """The page read the contact (again); a tab may take what it needs from it."""

    async def show_first_time(self) -> None:
        """Build and load, once: the page awaits it when the tab is shown (after the first time, at once)."""
        if not self.built:
            self.built = True
            self._building = self.mount_all(compose(self))
        if self._building is not None:
            await self._building  # a second showing while it builds waits for the same widgets
        if not self.loaded:
            self.loaded = True
            self.load()

    def load(self) -> None:
        """Read what the tab shows (in a worker) and show it."""
        raise NotImplementedError

    @on(ContactChanged)
    def _contact_changed(self, event: ContactChanged) -> None:
        # A tab not shown yet reads everything when it is; one already shown reads it again now.
        if self.loaded:
            self.load()
