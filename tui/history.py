"""The History tab: the timeline with its type filters and text search."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from plain.literal import one_line
from store.rows import EventRow, TypeCount, event_type_name
from store.timeline import TimelineFilter, event_type_counts, timeline_page
from tui.inputs import TextInput
from widgets.timeline import Timeline


def describe_filter(flt: TimelineFilter, shown: int, complete: bool) -> Content:
    """The filter state in words, with how many events are shown."""
    count = f"{shown:,}{'' if complete else '+'} events"
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


class HistoryPane(Vertical):
    """`/` is a priority binding and focus moves with `screen.set_focus`, at once, so keys typed right after
    it land in the search box."""

    BINDINGS = [
        Binding("slash", "focus_search", "Search", priority=True, tooltip="Search History text", id="history.search"),
        Binding("t", "filter_types", "Types", tooltip="Include or exclude event types", id="history.types"),
        Binding("x", "clear_filters", "Clear", tooltip="Clear History filters and search", id="history.clear"),
        Binding("escape", "leave_search", "Timeline", show=False, id="history.leave_search"),
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

    def __init__(self, contact_id: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.contact_id = contact_id
        self.filter = TimelineFilter()
        self._debounce: Timer | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="history-bar"):
            yield TextInput(placeholder="/ Search history…", id="history-search", compact=True)
            yield Static(id="filter-state")
        yield Timeline(id="timeline", now=self.app.context.clock)

    @property
    def timeline(self) -> Timeline:
        return self.query_one(Timeline)

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Fetch the first page again with the current filter."""
        self._load(self.filter, after=None)

    @work(thread=True, exclusive=True, group="history", exit_on_error=False)
    def _load(self, flt: TimelineFilter, *, after: tuple | None) -> None:
        size = self.app.context.settings.ui.page_size
        rows = timeline_page(self.app.context.engine, self.contact_id, flt=flt, after=after, limit=size)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, rows, flt, first=after is None, complete=len(rows) < size)

    def _show(self, rows: list[EventRow], flt: TimelineFilter, *, first: bool, complete: bool) -> None:
        if flt != self.filter:
            return
        if first:
            self.timeline.reset(rows, complete=complete)
        else:
            self.timeline.extend(rows, complete=complete)
        self._update_state()

    def _update_state(self) -> None:
        state = describe_filter(self.filter, self.timeline.event_count, self.timeline.complete)
        self.query_one("#filter-state", Static).update(state)

    @on(Timeline.NeedMore)
    def _more(self) -> None:
        last = self.timeline.last_entry
        if last is not None:
            self._load(self.filter, after=(last.occurred_at, last.id))

    def apply(self, flt: TimelineFilter) -> None:
        """Show the timeline through a new filter."""
        self.filter = flt
        search = self.query_one("#history-search", Input)
        if search.value != flt.text:
            with search.prevent(Input.Changed):
                search.value = flt.text
        self.reload()

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
        # Esc leaves the search box; elsewhere it falls through to the screen (back to the list).
        if action == "leave_search":
            return searching
        # While searching, letters are text.
        return not (searching and action in {"focus_search", "filter_types", "clear_filters"})

    def action_leave_search(self) -> None:
        self.screen.set_focus(self.timeline)

    def action_undo_merge(self) -> None:
        entry = self.timeline.highlighted_entry
        if entry is None or entry.type != "lead.merged" or "merge_id" not in entry.details:
            self.app.say("Highlight a “Contact merged” event to undo that merge.", severity="warning")
            return
        self._plan_undo(int(entry.details["merge_id"]))

    @work(thread=True, group="undo-merge", exit_on_error=False)
    def _plan_undo(self, merge_id: int) -> None:
        from store.merge.merging import MergeError
        from store.merge.undo import plan_unmerge

        try:
            plan = plan_unmerge(self.app.context.engine, merge_id)
        except MergeError as exc:
            self.app.say(str(exc), severity="error")
            return
        self.app.call_from_thread(self._confirm_undo, plan)

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

    @work(thread=True, group="undo-merge", exit_on_error=False)
    def _undo(self, merge_id: int) -> None:
        from store.merge.undo import unmerge

        context = self.app.context
        unmerge(context.engine, merge_id, actor=context.settings.user.name, now=context.clock())
        self.app.call_from_thread(self.post_message, self.Changed())

    class Changed(Message):
        """History's contact changed through an action here (an undone merge)."""

    def action_clear_filters(self) -> None:
        self.apply(TimelineFilter())
        self.screen.set_focus(self.timeline)

    def action_filter_types(self) -> None:
        self._open_type_filter()

    @work(thread=True, group="type-counts", exit_on_error=False)
    def _open_type_filter(self) -> None:
        counts = event_type_counts(self.app.context.engine, self.contact_id)
        self.app.call_from_thread(self._push_type_filter, counts)

    def _push_type_filter(self, counts: list[TypeCount]) -> None:
        from tui.dialogs.type_filter import TypeFilterDialog

        def chosen(result: tuple[frozenset[str], frozenset[str]] | None) -> None:
            if result is not None:
                self.apply(TimelineFilter(result[0], result[1], self.filter.text))

        self.app.push_screen(TypeFilterDialog(counts, self.filter.include, self.filter.exclude), chosen)
