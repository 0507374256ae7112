"""The merge dialog's first step: find the other record. Likely duplicates first, then search as you type.

The duplicate search can take a moment on a big database, so the list says it is searching until it
answers, and keeps its answer for when the search box is emptied again. What the list heading says is
always true of what is shown: likely duplicates, none found, or the contacts matching what was typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from plain.literal import one_line
from store.contacts import search_contacts
from store.merge.duplicates import find_duplicates_for
from store.rows import ContactSummary
from tui.background import in_thread, sentence
from tui.context import InApp
from tui.inputs import TextInput

Candidates = Sequence[tuple[ContactSummary, tuple[str, ...]]]
SEARCHING = "Searching for likely duplicates…"


def candidate_line(contact: ContactSummary, reasons: tuple[str, ...] = ()) -> Content:
    parts: list[tuple[str, str] | str] = [(one_line(contact.name), "bold"), "  ", one_line(contact.email or "")]
    if contact.company:
        parts += [("  · ", "$text-muted"), one_line(contact.company)]
    if reasons:
        parts += ["\n    ", (one_line("; ".join(reasons)), "$success")]
    return Content.assemble(*parts)


class MergePick(InApp, Vertical):
    """A search box over a list of candidates for merging into contact `survivor_id`."""

    @dataclass
    class Chosen(Message):
        contact_id: int

    def __init__(self, survivor_id: int, survivor_name: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self._survivor_id = survivor_id
        self._survivor_name = survivor_name
        self._candidates: list[ContactSummary] = []
        self._duplicates: Candidates | None = None  # None until the duplicate search answers
        self._query = ""
        self._debounce: Timer | None = None

    def compose(self) -> ComposeResult:
        # Not selected on focus: a key typed in the list is added to the search, not typed over it.
        yield TextInput(
            placeholder="Find the other record: name, email, company…", select_on_focus=False, id="merge-search"
        )
        yield Static(id="merge-pick-title")
        yield OptionList(id="merge-candidates", markup=False)

    def on_mount(self) -> None:
        self._show_duplicates()
        engine, survivor_id = self.ctx.engine, self._survivor_id
        in_thread(
            self,
            lambda: [(c.contact, c.reasons) for c in find_duplicates_for(engine, survivor_id)],
            self._duplicates_found,
            group="merge-duplicates",
            failed=self._duplicates_failed,
        )

    def _duplicates_found(self, pairs: Candidates) -> None:
        self._duplicates = pairs
        if not self._query:
            self._show_duplicates()

    def _duplicates_failed(self, exc: Exception) -> None:
        self._duplicates = []
        if not self._query:
            self._list(f"Likely duplicates could not be looked for: {sentence(exc)} Type to search instead.", [])

    def _show_duplicates(self) -> None:
        if self._duplicates is None:
            self._list(SEARCHING, [])
        elif self._duplicates:
            self._list("Likely duplicates", self._duplicates)
        else:
            name = one_line(self._survivor_name)
            self._list(f"No likely duplicates of {name}. Type to search every contact.", [])

    @on(TextInput.Changed, "#merge-search")
    def _typed(self, event: TextInput.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(0.08, lambda: self._search(event.value.strip()))

    def _search(self, query: str) -> None:
        self._query = query
        if not query:
            self._show_duplicates()
            return
        engine, survivor_id = self.ctx.engine, self._survivor_id
        in_thread(
            self,
            # Never offer the contact itself.
            lambda: [(row, ()) for row in search_contacts(engine, query, limit=50) if row.id != survivor_id],
            lambda pairs: self._matches(query, pairs),
            group="merge-find",
        )

    def _matches(self, query: str, pairs: Candidates) -> None:
        if query != self._query:  # the answer to an earlier text, arrived after the box changed
            return
        typed = one_line(query)
        self._list(f"Contacts matching “{typed}”" if pairs else f"No other contact matches “{typed}”.", pairs)

    def _list(self, heading: str, pairs: Candidates) -> None:
        self._candidates = [contact for contact, _ in pairs]
        self.query_one("#merge-pick-title", Static).update(Content.styled(heading, "bold"))
        options = self.query_one("#merge-candidates", OptionList)
        options.clear_options()
        options.add_options(Option(candidate_line(c, r), id=str(c.id)) for c, r in pairs)
        if pairs:
            options.highlighted = 0

    @on(TextInput.Submitted, "#merge-search")
    def _to_list(self) -> None:
        if self._candidates:
            self.screen.set_focus(self.query_one("#merge-candidates"))

    def on_key(self, event: events.Key) -> None:
        """↓ goes from the box to the list; ↑ at the top of the list, or typing (or Backspace) in it, goes back
        to the box, so searching as you type works wherever the focus is."""
        search, options = self.query_one("#merge-search", TextInput), self.query_one("#merge-candidates", OptionList)
        focused = self.screen.focused
        if focused is search and event.key == "down" and self._candidates:
            self.screen.set_focus(options)
        elif focused is options and event.key == "up" and not options.highlighted:
            self.screen.set_focus(search)
        elif focused is options and event.is_printable and event.character:
            self.screen.set_focus(search)
            search.insert_text_at_cursor(event.character)
        elif focused is options and event.key == "backspace":
            self.screen.set_focus(search)
            search.action_delete_left()
        else:
            return
        event.stop()
        event.prevent_default()

    @on(OptionList.OptionSelected, "#merge-candidates")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Chosen(self._candidates[event.option_index].id))
