"""Merge another record into this contact: find it (likely duplicates first), preview, flip fields, merge."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import ContentSwitcher, DataTable, OptionList, Static
from textual.widgets.option_list import Option

from plain.literal import one_line
from store.contacts import search_contacts
from store.db import describe_error
from store.merge.duplicates import find_duplicates_for
from store.merge.merging import MergeError, MergePreview, merge_contacts, preview_merge
from store.rows import ContactDetail, ContactSummary
from tui.background import in_thread
from tui.context import InApp
from tui.dialogs.confirm import ConfirmDialog
from tui.inputs import TextInput


def shown(value: Any) -> str:
    """A field value as one literal line."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M")
    if isinstance(value, list | tuple):
        return one_line(", ".join(str(v) for v in value))
    return one_line(value)


def candidate_line(contact: ContactSummary, reasons: tuple[str, ...] = ()) -> Content:
    parts: list[tuple[str, str] | str] = [(one_line(contact.name), "bold"), "  ", one_line(contact.email or "")]
    if contact.company:
        parts += [("  · ", "$text-muted"), one_line(contact.company)]
    if reasons:
        parts += ["\n    ", (one_line("; ".join(reasons)), "$success")]
    return Content.assemble(*parts)


class MergeDialog(InApp, ModalScreen[int | None]):
    """Dismisses with the merge id once merged."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="merge.back"),
        Binding("space", "flip", "Flip field", id="merge.flip"),
        Binding("ctrl+s", "merge", "Merge…", priority=True, id="merge.merge"),
    ]

    def __init__(self, survivor: ContactDetail) -> None:
        super().__init__()
        self._survivor = survivor
        self._candidates: list[ContactSummary] = []
        self._preview: MergePreview | None = None
        self._overrides: dict[str, str] = {}
        self._debounce: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="merge-dialog"):
            yield Static(
                Content.assemble(("Merge into ", "bold"), (one_line(self._survivor.name), "bold $accent")),
                classes="dialog-title",
            )
            with ContentSwitcher(initial="merge-pick", id="merge-steps"):
                with Vertical(id="merge-pick"):
                    yield TextInput(placeholder="Find the other record: name, email, company…", id="merge-search")
                    yield Static(id="merge-pick-title")
                    yield OptionList(id="merge-candidates", markup=False)
                with Vertical(id="merge-preview"):
                    yield DataTable(id="merge-fields", cursor_type="row", zebra_stripes=True)
                    yield Static(id="merge-moves")
            yield Static(id="merge-status")
            yield Static(id="merge-hint", classes="dialog-hint")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#merge-search"))
        self._hint("Type to search · ↓ to the list · Enter chooses · Esc closes")
        self._suggest()

    def _hint(self, text: str) -> None:
        self.query_one("#merge-hint", Static).update(Content(text))

    def _status(self, content: Content | str) -> None:
        self.query_one("#merge-status", Static).update(content if isinstance(content, Content) else Content(content))

    # Step 1: choose the other contact.

    def _suggest(self) -> None:
        engine = self.ctx.engine
        in_thread(
            self,
            lambda: [(c.contact, c.reasons) for c in find_duplicates_for(engine, self._survivor.id)],
            lambda pairs: self._show_candidates(pairs, "Likely duplicates" if pairs else ""),
            group="merge-find",
        )

    @on(TextInput.Changed, "#merge-search")
    def _typed(self, event: TextInput.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(0.08, lambda: self._search(event.value))

    def _search(self, query: str) -> None:
        if query.strip():
            self._find(query)
        else:
            self._suggest()

    def _find(self, query: str) -> None:
        engine = self.ctx.engine
        # Never offer the contact itself.
        in_thread(
            self,
            lambda: [(row, ()) for row in search_contacts(engine, query, limit=50) if row.id != self._survivor.id],
            lambda pairs: self._show_candidates(pairs, "Matches"),
            group="merge-find",
        )

    def _show_candidates(self, pairs: list[tuple[ContactSummary, tuple[str, ...]]], title: str) -> None:
        self._candidates = [contact for contact, _ in pairs]
        heading = title if pairs else "No likely duplicates; search for the other record above."
        self.query_one("#merge-pick-title", Static).update(Content.styled(heading, "bold"))
        options = self.query_one("#merge-candidates", OptionList)
        options.clear_options()
        options.add_options(Option(candidate_line(c, r), id=str(c.id)) for c, r in pairs)
        if pairs:
            options.highlighted = 0

    @on(TextInput.Submitted, "#merge-search")
    def _to_list(self) -> None:
        if self._candidates:
            self.set_focus(self.query_one("#merge-candidates"))

    def on_key(self, event) -> None:
        if event.key == "down" and self.focused is self.query_one("#merge-search") and self._candidates:
            self.set_focus(self.query_one("#merge-candidates"))
            event.stop()

    @on(OptionList.OptionSelected, "#merge-candidates")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self._load_preview(self._candidates[event.option_index].id)

    # Step 2: preview, flip fields, merge.

    def _load_preview(self, other_id: int) -> None:
        engine, now = self.ctx.engine, self.ctx.clock()
        in_thread(
            self,
            lambda: preview_merge(engine, self._survivor.id, other_id, now=now),
            self._show_preview,
            group="merge-preview",
            failed=lambda exc: self._status(Content.styled(describe_error(exc), "bold $error")),
        )

    def _show_preview(self, preview: MergePreview) -> None:
        self._preview = preview
        self._overrides = {}
        self.query_one(ContentSwitcher).current = "merge-preview"
        table = self.query_one("#merge-fields", DataTable)
        table.clear(columns=True)
        table.add_column("Field", key="field", width=16)
        table.add_column(Text("This contact (stays)"), key="survivor")
        table.add_column(Text(f"#{preview.other.id} (merged in)"), key="other")
        table.add_column("Result", key="result")
        self._fill_rows()
        moves = [f"{c.moving:,} {c.label}" for c in preview.children if c.moving]
        lines = [Content.assemble(("Moves to this contact: ", "bold"), ", ".join(moves) or "nothing")]
        lines += [Content.styled(one_line(fold), "$text-muted") for fold in preview.folds]
        self.query_one("#merge-moves", Static).update(Content("\n").join(lines))
        self.set_focus(table)
        self._status("")
        self._hint("Space flips a field to the other value (⇄) · ctrl+s merges · Esc back to the search")

    def _fill_rows(self) -> None:
        assert self._preview is not None
        table = self.query_one("#merge-fields", DataTable)
        cursor = table.cursor_row
        table.clear()
        for field in self._preview.fields:
            if not field.differs and field.merged in (None, "", [], {}):
                continue
            pick = self._overrides.get(field.name)
            side = field.side(pick)
            # Rich styles in DataTable cells: the kept value bold and underlined, the dropped one dim.
            survivor_style = "bold underline" if side in ("survivor", "both") else "dim"
            other_style = "bold underline" if side in ("other", "both") else "dim"
            flipped = "⇄ " if pick else ""
            table.add_row(
                Text(one_line(field.label)),
                Text(shown(field.survivor), style=survivor_style, no_wrap=True, overflow="ellipsis"),
                Text(shown(field.other), style=other_style, no_wrap=True, overflow="ellipsis"),
                Text(flipped + shown(field.value(pick)), no_wrap=True, overflow="ellipsis"),
                key=field.name,
            )
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))

    def action_flip(self) -> None:
        if self._preview is None or self.query_one(ContentSwitcher).current != "merge-preview":
            return
        table = self.query_one("#merge-fields", DataTable)
        if not table.row_count:
            return
        name = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        field = next(f for f in self._preview.fields if f.name == name)
        if field.rule == "sum" or not field.differs:
            self._status(Content.styled(f"{field.label} is {field.rule}; there is nothing to flip.", "$warning"))
            return
        current = field.side(self._overrides.get(name))
        self._overrides[name] = "other" if current != "other" else "survivor"
        self._fill_rows()

    def action_merge(self) -> None:
        preview = self._preview
        if preview is None or self.query_one(ContentSwitcher).current != "merge-preview":
            return
        message = Content.assemble(
            "Merge ",
            (one_line(preview.other.name), "bold"),
            f" (#{preview.other.id}) into ",
            (one_line(preview.survivor.name), "bold"),
            f" (#{preview.survivor.id})?\n\n",
            'Everything of the other record moves here and it is retired. `u` on the "Contact merged" event '
            "in History undoes it.",
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._merge(preview, dict(self._overrides))

        self.app.push_screen(ConfirmDialog("Merge contacts", message, yes="Merge"), answered)

    def _merge(self, preview: MergePreview, overrides: dict[str, str]) -> None:
        context = self.ctx

        def failed(exc: Exception) -> None:
            if isinstance(exc, MergeError):  # refused, or the records changed since the preview
                self._status(Content.styled(f"{exc} The preview was reloaded.", "bold $error"))
                self._load_preview(preview.other.id)
            else:
                self._status(Content.styled(describe_error(exc), "bold $error"))

        in_thread(
            self,
            lambda: merge_contacts(
                context.engine, preview, overrides=overrides, actor=context.settings.user.name, now=context.clock()
            ),
            lambda result: self.dismiss(result.merge_id),
            group="merge-run",
            failed=failed,
        )

    def action_back(self) -> None:
        if self.query_one(ContentSwitcher).current == "merge-preview":
            self._preview = None
            self.query_one(ContentSwitcher).current = "merge-pick"
            self.set_focus(self.query_one("#merge-candidates"))
            self._hint("Type to search · ↓ to the list · Enter chooses · Esc closes")
        else:
            self.dismiss(None)
