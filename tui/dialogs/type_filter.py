"""Pick the event types to include or exclude in History; the contact's own types, with counts."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from plain.literal import one_line
from store.rows import TypeCount
from widgets.toggles import MarkedSelectionList

Choice = tuple[frozenset[str], frozenset[str]]


class TypeFilterDialog(ModalScreen[Choice | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="types.cancel"),
        Binding("enter", "apply", "Apply", priority=True, id="types.apply"),
        Binding("c", "clear", "Clear both", id="types.clear"),
    ]

    def __init__(self, counts: list[TypeCount], include: frozenset[str], exclude: frozenset[str]) -> None:
        super().__init__()
        self._counts = counts
        self._include = include
        self._exclude = exclude

    def _selections(self, chosen: frozenset[str]) -> list[Selection[str]]:
        return [
            Selection(Content.assemble(one_line(c.name), (f"  {c.count:,}", "$text-muted")), c.type, c.type in chosen)
            for c in self._counts
        ]

    def compose(self) -> ComposeResult:
        with Vertical(id="types-dialog", classes="dialog"):
            yield Static(Content.styled("Filter History by type", "bold"), classes="dialog-title")
            with Horizontal(id="types-columns"):
                with Vertical():
                    yield Label("Only these (none: all)")
                    yield MarkedSelectionList[str](*self._selections(self._include), id="include")
                with Vertical():
                    yield Label("Never these")
                    yield MarkedSelectionList[str](*self._selections(self._exclude), id="exclude")
            yield Static(
                Content("Space toggles · Tab switches list · Enter applies · c clears · Esc cancels"),
                classes="dialog-hint",
            )

    def action_apply(self) -> None:
        include = frozenset(self.query_one("#include", SelectionList).selected)
        exclude = frozenset(self.query_one("#exclude", SelectionList).selected)
        self.dismiss((include - exclude, exclude))

    def action_clear(self) -> None:
        for selection_list in self.query(SelectionList):
            selection_list.deselect_all()

    def action_cancel(self) -> None:
        self.dismiss(None)
