"""The contact list: search as you type, move with j/k, Enter opens a contact."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Header, Input, Static

from plain.literal import one_line
from plain.times import relative
from plain.words import plural
from store.contacts import count_contacts, list_contacts, search_contacts
from store.rows import ContactSummary
from tui.background import in_thread
from tui.breakpoints import take_breakpoints
from tui.context import InApp
from tui.inputs import TextInput
from widgets.footer import FittingFooter
from widgets.table_lines import Column
from widgets.windowed_table import WindowedTable

# (title, key, share of the free width); narrow terminals drop City, then Company.
FLEX_COLUMNS = [("Name", "name", 30), ("Email", "email", 30), ("Company", "company", 24), ("City", "city", 16)]
FIXED_COLUMNS = [("Points", "points", 6), ("Last active", "last_active", 11)]
STYLES = {"name": "bold", "last_active": "dim"}


def column_layout(width: int) -> list[tuple[str, str, int]]:
    """Column titles, keys and widths that fill `width` cells (each column also takes 2 cells of padding)."""
    flex = FLEX_COLUMNS if width >= 110 else FLEX_COLUMNS[:3] if width >= 70 else FLEX_COLUMNS[:2]
    columns = [*flex, *FIXED_COLUMNS]
    free = max(width - 2 - 2 * len(columns) - sum(w for _, _, w in FIXED_COLUMNS), 10 * len(flex))
    total = sum(share for _, _, share in flex)
    sized = [(title, key, max(8, free * share // total)) for title, key, share in flex]
    return [*sized, *FIXED_COLUMNS]


class ContactListScreen(InApp, Screen[None]):
    TITLE = "Contacts"
    BINDINGS = [
        # A priority binding acts as the key arrives, so the rest of a fast "/jane" lands in the search box.
        Binding("slash", "focus_search", "Search", priority=True, id="list.search"),
        Binding("enter", "open", "Open", tooltip="Open the highlighted contact", id="list.open"),
        Binding("escape", "leave_search", "Leave search", show=False, id="list.leave_search"),
        Binding("j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("g", "top", "Top", show=False, id="list.top"),
        Binding("G", "bottom", "Bottom", show=False, id="list.bottom"),
        Binding(
            "c", "app.calendar", "Calendar", tooltip="Dated notes of all contacts on a calendar", id="list.calendar"
        ),
        Binding("i", "import_file", "Import", tooltip="Import contacts from a CSV or vCard file", id="list.import"),
        Binding("q", "quit", "Quit", id="list.quit"),
    ]

    SEARCH_DELAY = 0.08

    def __init__(self, *, deferred: bool = False) -> None:
        super().__init__()
        take_breakpoints(self)
        # Opened under a contact's page (`dossier CONTACT`): the list is built and loads when it is first
        # shown, so the page the user asked for does not share the start-up with a list not looked at yet.
        self._deferred = deferred
        self._debounce: Timer | None = None
        self._keys: list[str] = []  # the columns shown, which the width decides
        self._complete = True
        self._loading = False
        self._total: int | None = None

    def compose(self) -> ComposeResult:
        if self._deferred:
            return
        yield Header(icon="◆")
        yield TextInput(placeholder="Search name, email, company, city…", id="search")
        yield WindowedTable(self._cells, id="contacts", zebra_stripes=True)
        yield Static(id="list-status")
        yield FittingFooter()

    @property
    def table(self) -> WindowedTable[ContactSummary]:
        return self.query_one("#contacts", WindowedTable)

    @property
    def _rows(self) -> Sequence[ContactSummary]:
        return self.table.rows

    def on_mount(self) -> None:
        if not self._deferred:
            self._start()

    async def on_screen_resume(self) -> None:
        if self._deferred and self.app.screen is self:
            self._deferred = False
            await self.recompose()
            self._start()

    def _start(self) -> None:
        self._build_columns()
        self.set_focus(self.table)
        self._count()
        self._load("", reset=True)

    def on_resize(self) -> None:
        if not self._deferred:
            self._build_columns()
            self.call_after_refresh(self._build_columns)  # again at the table's own new width

    def _build_columns(self) -> None:
        # The table's own width, not the screen's: it is two cells narrower (80 columns gave it 77 cells of
        # columns in 76, and a horizontal scroll bar).
        layout = column_layout(self.table.size.width or max(self.size.width - 2, 0) or 118)
        self._keys = [key for _, key, _ in layout]
        columns = [
            Column(title, width, "right" if key == "points" else "left", STYLES.get(key, ""))
            for title, key, width in layout
        ]
        if columns != list(self.table.columns):
            self.table.set_columns(columns)

    def _cells(self, row: ContactSummary) -> list[str]:
        """The text of one row's cells, called only for the rows being drawn."""
        values = {
            "name": row.name,
            "email": row.email or "",
            "company": row.company,
            "city": row.city,
            "points": str(row.points),
            "last_active": relative(row.last_active, self.ctx.clock()),
        }
        return [one_line(values[key]) for key in self._keys]

    @property
    def search_text(self) -> str:
        return self.query_one("#search", Input).value

    def _load(self, query: str, *, reset: bool) -> None:
        engine, size = self.ctx.engine, self.ctx.settings.ui.page_size
        last = None if reset or not self._rows else self._rows[-1]

        def read() -> list[ContactSummary]:
            if query.strip():
                return search_contacts(engine, query, before_id=last.id if last else None, limit=size)
            return list_contacts(engine, after=(last.last_active, last.id) if last else None, limit=size)

        in_thread(self, read, lambda rows: self._show(rows, reset=reset, complete=len(rows) < size), group="contacts")

    def _count(self) -> None:
        engine = self.ctx.engine
        in_thread(self, lambda: count_contacts(engine), self._set_total, group="count", exclusive=False)

    def _set_total(self, total: int) -> None:
        self._total = total
        self._update_status()

    def _show(self, rows: list[ContactSummary], *, reset: bool, complete: bool) -> None:
        if reset:
            self.table.replace(rows)
        else:
            self.table.extend(rows)
        self._complete = complete
        self._loading = False
        self._update_status()

    def _update_status(self) -> None:
        shown = len(self._rows)
        more = "" if self._complete else "+"
        if self.search_text.strip():
            query = one_line(self.search_text.strip())
            if not shown:
                text = f"No contact matches {query!r}."
            elif shown == 1:
                text = f"1 contact matches {query!r}"
            else:
                text = f"{shown:,}{more} contacts match {query!r}"
        elif self._total == 0:
            text = "No contacts yet. Build a demo database with `dossier demo`."
        else:
            count = plural(self._total if self._total is not None else shown, "contact")
            if self._total is None and more:
                count = f"{shown:,}+ contacts"
            text = f"{count} · most recently active first · / searches"
        # One line as wide as the screen whatever it says: no layout pass (a whole-screen repaint) for it.
        self.query_one("#list-status", Static).update(Text(text), layout=False)

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        # Keys typed in a burst collapse into one query and one repaint.
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(self.SEARCH_DELAY, lambda: self._search_now(event.value))

    def _search_now(self, query: str) -> None:
        self._debounce = None  # done: Enter then only moves to the table, which no second search resets
        self._load(query, reset=True)

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        if self._debounce is not None:
            self._debounce.stop()
            self._debounce = None
            self._load(event.value, reset=True)
        self.set_focus(self.table)

    @on(WindowedTable.Highlighted, "#contacts")
    def _near_end(self, event: WindowedTable.Highlighted) -> None:
        if not self._complete and not self._loading and event.row >= len(self._rows) - 20:
            self._loading = True
            self._load(self.search_text, reset=False)

    @on(WindowedTable.Selected, "#contacts")
    def _open(self, event: WindowedTable.Selected) -> None:
        self.dossier.open_contact(self._rows[event.row].id)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self._deferred:
            return True
        # While searching, letters are text: the list's letter keys stand down.
        if action in {"focus_search", "cursor_down", "cursor_up", "top", "bottom", "quit", "calendar", "import_file"}:
            return self.focused is not self.query_one("#search", Input)
        return True

    def action_open(self) -> None:
        if self._rows and 0 <= self.table.cursor_row < len(self._rows):
            self.dossier.open_contact(self._rows[self.table.cursor_row].id)

    def action_quit(self) -> None:
        self.dossier.action_quit()

    def action_import_file(self) -> None:
        from tui.dialogs.import_file import ImportDialog

        def reload(wrote: bool | None) -> None:
            if wrote:
                self._count()
                self._load(self.search_text, reset=True)

        self.app.push_screen(ImportDialog(), reload)

    def action_focus_search(self) -> None:
        self.set_focus(self.query_one("#search", Input))

    def action_leave_search(self) -> None:
        search = self.query_one("#search", Input)
        if self.focused is search and search.value:
            search.value = ""
        self.set_focus(self.table)

    def action_cursor_down(self) -> None:
        self.table.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.table.action_cursor_up()

    def action_top(self) -> None:
        self.table.action_first()

    def action_bottom(self) -> None:
        self.table.action_last()
