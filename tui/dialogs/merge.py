"""Merge another record into this contact: find it (likely duplicates first), preview, flip fields, merge.

Every step fits 80x24 without horizontal scrolling: candidates and field values wrap rather than being cut,
and the preview lists each field with both records' values and a mark on the one kept (merge_fields.py).
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import ContentSwitcher, OptionList, Static

from plain.literal import one_line
from store.db import describe_error
from store.merge.merging import MergeError, MergePreview, merge_contacts, preview_merge
from store.merge.rules import RULE_TEXT, FieldPreview, Side
from store.rows import ContactDetail
from tui.background import in_thread
from tui.context import InApp
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.merge_fields import ADDED, FLIP, KEPT, SAME, MergeFields
from tui.dialogs.merge_pick import MergePick

PICK_HINT = "Type to search · ↓ to the list · Enter chooses · Esc closes"
PREVIEW_HINT = "↑↓ fields · Space keeps the other value · ctrl+s merges… · Esc back"


def next_pick(field: FieldPreview, pick: Side | None) -> Side | None:
    """The next choice Space gives a field: the rule's (None), then each value the rule did not keep."""
    if field.choice == "both":
        order: list[Side | None] = [None, "survivor", "other"]
    else:
        order = [None, "other" if field.choice == "survivor" else "survivor"]
    return order[(order.index(pick) + 1) % len(order)]


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
        self._preview: MergePreview | None = None
        self._overrides: dict[str, Side] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="merge-dialog"):
            yield Static(
                Content.assemble(("Merge into ", "bold"), (one_line(self._survivor.name), "bold $accent")),
                classes="dialog-title",
            )
            with ContentSwitcher(initial="merge-pick", id="merge-steps"):
                yield MergePick(self._survivor.id, self._survivor.name, id="merge-pick")
                with Vertical(id="merge-preview"):
                    yield Static(id="merge-legend")
                    yield MergeFields(id="merge-fields")
                    yield Static(id="merge-moves")
            yield Static(id="merge-status")
            yield Static(id="merge-hint", classes="dialog-hint")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#merge-search"))
        self._hint(PICK_HINT)

    def _hint(self, text: str) -> None:
        self.query_one("#merge-hint", Static).update(Content(text))

    def _status(self, content: Content | str) -> None:
        self.query_one("#merge-status", Static).update(content if isinstance(content, Content) else Content(content))

    @on(MergePick.Chosen)
    def _chosen(self, event: MergePick.Chosen) -> None:
        self._load_preview(event.contact_id)

    # Step 2: preview, flip fields, merge.

    def _load_preview(self, other_id: int) -> None:
        engine, now = self.ctx.engine, self.ctx.clock()
        self._status(f"Reading both records (#{self._survivor.id} and #{other_id})…")
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
        mine, theirs = preview.survivor, preview.other
        self.query_one("#merge-legend", Static).update(
            Content.assemble(
                ("this", "bold"),
                f" = #{mine.id} {one_line(mine.name)} (stays) · ",
                ("other", "bold"),
                f" = #{theirs.id} {one_line(theirs.name)} (merged in)\n",
                f"{KEPT} kept · {ADDED} added together · {SAME} same, or the result · {FLIP} your choice",
            )
        )
        fields = self.query_one(MergeFields)
        fields.show(preview.fields, self._overrides)
        moves = [c.words(c.moving) for c in preview.children if c.moving]
        lines = [Content.assemble(("Moves to this contact: ", "bold"), ", ".join(moves) or "nothing")]
        lines += [Content.styled(one_line(fold), "$text-muted") for fold in preview.folds]
        self.query_one("#merge-moves", Static).update(Content("\n").join(lines))
        self.set_focus(fields)
        self._describe(fields.current)
        self._hint(PREVIEW_HINT)

    @on(OptionList.OptionHighlighted, "#merge-fields")
    def _field_highlighted(self) -> None:
        self._describe(self.query_one(MergeFields).current)

    def _describe(self, field: FieldPreview | None) -> None:
        """The highlighted field's rule, so the user knows why a value is kept before flipping it."""
        if field is None or self._preview is None:
            self._status("")
            return
        why = field.rule
        if why == RULE_TEXT["newer"]:
            why += f" ({'this' if self._preview.newer == 'survivor' else 'other'} was changed last)"
        if field.name in self._overrides:
            why = f"your choice; Space again for {why}"
        self._status(Content.assemble((one_line(field.label), "bold"), f": {why}."))

    def action_flip(self) -> None:
        if self._preview is None or self.query_one(ContentSwitcher).current != "merge-preview":
            return
        fields = self.query_one(MergeFields)
        field = fields.current
        if field is None:
            return
        if field.rule == RULE_TEXT["sum"] or not field.differs:
            reason = "both values are added together" if field.differs else "both records have the same value"
            self._status(Content.styled(f"{one_line(field.label)}: {reason}; there is nothing to choose.", "$warning"))
            return
        pick = next_pick(field, self._overrides.get(field.name))
        if pick is None:
            self._overrides.pop(field.name, None)
        else:
            self._overrides[field.name] = pick
        fields.redraw(field.name)
        self._describe(field)

    def action_merge(self) -> None:
        preview = self._preview
        if preview is None or self.query_one(ContentSwitcher).current != "merge-preview":
            return
        overrides = dict(self._overrides)

        def answered(yes: bool | None) -> None:
            if yes:
                self._merge(preview, overrides)

        self.app.push_screen(ConfirmDialog("Merge contacts", confirmation(preview, overrides), yes="Merge"), answered)

    def _merge(self, preview: MergePreview, overrides: dict[str, Side]) -> None:
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
            self._status("")
            self._hint(PICK_HINT)
        else:
            self.dismiss(None)


def confirmation(preview: MergePreview, overrides: dict[str, Side]) -> Content:
    """The question before merging: both contacts named, the fields that change, and how to undo."""
    other, survivor = preview.other, preview.survivor
    changed = [one_line(change.label) for change in preview.changes(overrides)]
    moves = [c.words(c.moving) for c in preview.children if c.moving]
    return Content.assemble(
        "Merge ",
        (one_line(other.name), "bold"),
        f" (#{other.id}) into ",
        (one_line(survivor.name), "bold"),
        f" (#{survivor.id})?\n\n",
        f"Changes here: {', '.join(changed) or 'no field'}.\n",
        f"Moves here: {', '.join(moves) or 'nothing'}. #{other.id} is then retired.\n\n",
        "To undo: u on the “Contact merged” event in History.",
    )
