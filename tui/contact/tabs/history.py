"""The History tab: the timeline with its type filters and text search; `u` undoes a merge."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static

from plain.literal import one_line
from plain.words import plural
from store.rows import ContactDetail, EventRow, TypeCount, event_type_name
from store.timeline import Cursor, TimelineFilter, event_type_counts, timeline_page
from tui.background import in_thread
from tui.contact.tabs.base import ContactTab
from tui.inputs import TextInput
from widgets.timeline import Timeline
from widgets.timeline_entry import TimelineEntry


def describe_filter(flt: TimelineFilter, shown: int, complete: bool, total: int | None = None) -> Content:
    """The filter state in words, with how many events are shown (all of them, `total`, when unfiltered)."""
    count = plural(shown, "event") if complete else f"{shown:,}+ events"
    if not flt.active and total is not None and total >= shown:
        count = plural(total, "event")
    if not flt.active:
        return Content.assemble(("All events", "bold"), f" · {count}")
    parts: list[str] = []
    if flt.include:
        parts.append("only " + ", ".join(sorted(event_type_name(t) for t in flt.include)))
    if flt.exclude:
        parts.append("not " + ", ".join(sorted(event_type_name(t) for t in flt.exclude)))
    if flt.text.strip():
        parts.append(f"matching “{one_line(flt.text.strip())}”")
    return Content.assemble(
        ("Filtered: ", "bold $warning"), one_line("; ".join(parts)), f" · {count} · ", ("x clears", "$text-muted")
    )


def _cursor(entry: TimelineEntry | None) -> Cursor | None:
    return None if entry is None else (entry.occurred_at, entry.id)


class HistoryTab(ContactTab):
    """Every action of the contact, newest first. `/` is a priority binding and focus moves with
    `screen.set_focus`, at once, so keys typed right after it land in the search box."""

    TAB_ID, TITLE, KEY, ALIASES, FOCUS, ORDER = "history", "History", "1", "h", "#timeline", 10

    BINDINGS = [
        Binding("slash", "focus_search", "Search", priority=True, tooltip="Search History text", id="history.search"),
        Binding("t", "filter_types", "Types", tooltip="Include or exclude event types", id="history.types"),
        Binding("x", "clear_filters", "Clear", tooltip="Clear History filters and search", id="history.clear"),
        Binding("escape", "leave_search", "Clear search", show=False, id="history.leave_search"),
        Binding(
            "u",
            "undo_merge",
            "Undo merge",
            show=False,
            tooltip="Undo the merge of the highlighted event",
            id="history.undo_merge",
        ),
    ]
    SEARCH_DELAY = 0.25

    def __init__(self, contact_id: int) -> None:
        super().__init__(contact_id)
        self.filter = TimelineFilter()
        self._debounce: Timer | None = None
        self._total: int | None = None  # the contact's events, as the page counted them

    def content(self) -> ComposeResult:
        with Vertical(id="history-pane"):
            with Horizontal(id="history-bar"):
                yield TextInput(placeholder="/ Search history…", id="history-search", compact=True)
                yield Static(id="filter-state")
            yield Timeline(id="timeline", now=self.ctx.clock)

    @property
    def timeline(self) -> Timeline:
        return self.query_one(Timeline)

    def load(self) -> None:
        """Fetch the first page again with the current filter."""
        self._load(self.filter, "first")

    def _load(self, flt: TimelineFilter, kind: str, cursor: Cursor | None = None) -> None:
        """Fetch a page: the `first` (instead of what is shown), the `newest` or `oldest` (`g`, `G`), or the
        one `older` or `newer` than `cursor` (the window's end it joins)."""
        engine, size, contact_id = self.ctx.engine, self.ctx.settings.ui.page_size, self.contact_id
        after = cursor if kind == "older" else None
        before = cursor if kind == "newer" else None
        in_thread(
            self,
            lambda: timeline_page(
                engine, contact_id, flt=flt, after=after, before=before, oldest=kind == "oldest", limit=size
            ),
            lambda rows: self._show(rows, flt, kind, cursor, full=len(rows) == size),
            # A new first, newest or oldest page replaces any still coming; a page for either end, only its like.
            group="history" if cursor is None else f"history-{kind}",
        )

    def _show(self, rows: list[EventRow], flt: TimelineFilter, kind: str, cursor: Cursor | None, *, full: bool) -> None:
        timeline = self.timeline
        if flt != self.filter:
            return
        if kind == "first":
            timeline.reset(rows, complete=not full)
        elif kind == "newest":
            timeline.show_newest(rows, complete=not full)
        elif kind == "oldest":
            timeline.show_oldest(rows, at_newest=not full)
        elif kind == "older" and _cursor(timeline.last_entry) == cursor:
            timeline.extend(rows, complete=not full)
        elif kind == "newer" and _cursor(timeline.first_entry) == cursor:
            timeline.prepend(rows, at_newest=not full)
        self._update_state()

    def show_detail(self, detail: ContactDetail) -> None:
        self._total = detail.event_count
        if self.built and self.is_mounted:
            self._update_state()

    def _update_state(self) -> None:
        timeline = self.timeline
        everything = timeline.complete and timeline.at_newest
        state = describe_filter(self.filter, timeline.event_count, everything, self._total)
        self.query_one("#filter-state", Static).update(state)

    @on(Timeline.NeedMore)
    def _older(self) -> None:
        if (cursor := _cursor(self.timeline.last_entry)) is not None:
            self._load(self.filter, "older", cursor)

    @on(Timeline.NeedNewer)
    def _newer(self) -> None:
        if (cursor := _cursor(self.timeline.first_entry)) is not None:
            self._load(self.filter, "newer", cursor)

    @on(Timeline.NeedEnd)
    def _end(self, message: Timeline.NeedEnd) -> None:
        self._load(self.filter, "oldest" if message.oldest else "newest")

    def apply(self, flt: TimelineFilter) -> None:
        """Show the timeline through a new filter. It supersedes a search still waiting out its debounce
        (Enter, x, Esc): that timer firing later would bring back the text just cleared."""
        if self._debounce is not None:
            self._debounce.stop()
        self.filter = flt
        search = self.query_one("#history-search", Input)
        if search.value != flt.text:
            with search.prevent(Input.Changed):
                search.value = flt.text
        self.load()

    @on(Input.Changed, "#history-search")
    def _typed(self, event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        text = event.value
        self._debounce = self.set_timer(self.SEARCH_DELAY, lambda: self._search(text))

    def _search(self, text: str) -> None:
        if text != self.filter.text:
            self.apply(TimelineFilter(self.filter.include, self.filter.exclude, text))

    @on(Input.Submitted, "#history-search")
    def _submitted(self, event: Input.Submitted) -> None:
        self._search(event.value)
        self.screen.set_focus(self.timeline)

    def action_focus_search(self) -> None:
        self.screen.set_focus(self.query_one("#history-search", Input))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        searching = self.screen.focused is self.query_one("#history-search", Input)
        # Esc clears the search and leaves its box; elsewhere it falls through to the screen (back to the list).
        if action == "leave_search":
            return searching
        # While searching, letters are text.
        return not (searching and action in {"focus_search", "filter_types", "clear_filters"})

    def action_leave_search(self) -> None:
        """Esc in the search box clears the search and returns to the timeline, as in the contact list."""
        if self._debounce is not None:
            self._debounce.stop()
        search = self.query_one("#history-search", Input)
        if self.filter.text:
            self.apply(TimelineFilter(self.filter.include, self.filter.exclude, ""))
        elif search.value:  # typed, not searched for yet
            with search.prevent(Input.Changed):
                search.value = ""
        self.screen.set_focus(self.timeline)

    def action_undo_merge(self) -> None:
        entry = self.timeline.highlighted_entry
        if entry is None or entry.type != "lead.merged" or "merge_id" not in entry.details:
            self.dossier.say("Highlight a “Contact merged” event to undo that merge.", severity="warning")
            return
        from store.merge.undo import plan_unmerge

        engine, merge_id = self.ctx.engine, int(entry.details["merge_id"])
        in_thread(self, lambda: plan_unmerge(engine, merge_id), self._confirm_undo, group="undo-merge")

    def _confirm_undo(self, plan) -> None:
        from tui.dialogs.confirm import ConfirmDialog

        lines = [Content.styled(one_line(action), "") for action in plan.actions]
        if plan.conflicts:
            lines.append(Content.styled("Changed since the merge:", "bold $warning"))
            lines += [Content.styled(one_line(conflict), "$warning") for conflict in plan.conflicts]
        message = Content("\n").join(lines)

        def answered(yes: bool | None) -> None:
            if yes:
                self._undo(plan.merge_id)

        self.app.push_screen(ConfirmDialog("Undo this merge?", message, yes="Undo merge"), answered)

    def _undo(self, merge_id: int) -> None:
        from store.merge.undo import unmerge

        context = self.ctx
        in_thread(
            self,
            lambda: unmerge(context.engine, merge_id, actor=context.settings.user.name, now=context.clock()),
            lambda _result: self.post_message(self.Unmerged()),
            group="undo-merge",
        )

    class Unmerged(Message):
        """A merge was undone here: the other record is back, and this contact changed."""

    def action_clear_filters(self) -> None:
        self.apply(TimelineFilter())
        self.screen.set_focus(self.timeline)

    def action_filter_types(self) -> None:
        engine = self.ctx.engine
        in_thread(self, lambda: event_type_counts(engine, self.contact_id), self._push_type_filter, group="type-counts")

    def _push_type_filter(self, counts: list[TypeCount]) -> None:
        from tui.dialogs.type_filter import TypeFilterDialog

        def chosen(result: tuple[frozenset[str], frozenset[str]] | None) -> None:
            if result is not None:
                self.apply(TimelineFilter(result[0], result[1], self.filter.text))

        self.app.push_screen(TypeFilterDialog(counts, self.filter.include, self.filter.exclude), chosen)
