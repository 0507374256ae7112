"""What waits to go to Mautic: pending changes, and the ones Mautic refused or that conflict with a change made
there. `m` keeps mine (sends it again, overwriting Mautic's version), `t` keeps theirs (drops mine)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from plain.literal import one_line
from store.sync.outbox import CONFLICT, PENDING, REFUSED, QueuedChange, changes, forget, release
from tui.background import in_thread
from tui.context import InApp

ACTIONS = {
    "note.add": "new note",
    "note.edit": "edited note",
    "note.delete": "deleted note",
    "segment.add": "added to a segment",
    "segment.remove": "removed from a segment",
    "campaign.add": "added to a campaign",
    "campaign.remove": "removed from a campaign",
    "dnc.add": "do not contact",
    "dnc.remove": "contactable again",
}
STATES = {
    PENDING: ("waiting", "$text-muted"),
    REFUSED: ("refused", "bold $error"),
    CONFLICT: ("conflict", "bold $warning"),
}


def change_line(change: QueuedChange) -> Content:
    state, style = STATES.get(change.state, (change.state, ""))
    parts: list[tuple[str, str] | str] = [(f"{state:<9}", style), one_line(change.contact_name), " · "]
    parts.append(ACTIONS.get(change.action, change.action))
    if change.what:
        parts.append(f" “{one_line(change.what)}”")
    if change.message:
        parts.append((f" — {one_line(change.message)}", "$text-muted"))
    return Content.assemble(*parts)


class OutboxDialog(InApp, ModalScreen[bool]):
    """Dismisses with True when the user settled something."""

    BINDINGS = [
        Binding("m", "keep('mine')", "Keep mine", id="outbox.mine"),
        Binding("t", "keep('theirs')", "Keep theirs", id="outbox.theirs"),
        Binding("escape", "close", "Close", id="outbox.close"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._changes: list[QueuedChange] = []
        self._settled = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="outbox-dialog"):
            yield Static(Content.styled("Changes waiting for Mautic", "bold"), classes="dialog-title")
            yield Static(id="outbox-state")
            yield OptionList(id="outbox-list", markup=False)
            yield Static(
                Content("m keeps mine (sent again, over Mautic's) · t keeps theirs (mine is dropped) · Esc closes"),
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self._load()

    def _load(self) -> None:
        engine = self.ctx.engine
        in_thread(self, lambda: changes(engine, states=(CONFLICT, REFUSED, PENDING)), self._show, group="outbox")

    def _show(self, found: list[QueuedChange]) -> None:
        self._changes = found
        options = self.query_one("#outbox-list", OptionList)
        options.clear_options()
        options.add_options(Option(change_line(change), id=str(change.id)) for change in found)
        state = "Nothing waits for Mautic." if not found else "ctrl+r syncs now; m and t settle the highlighted change."
        self.query_one("#outbox-state", Static).update(Content.styled(state, "$text-muted"))
        if found:
            options.highlighted = 0
            self.set_focus(options)

    def action_keep(self, side: str) -> None:
        index = self.query_one("#outbox-list", OptionList).highlighted
        if index is None or index >= len(self._changes):
            return
        change = self._changes[index]
        if change.state == PENDING:
            self.dossier.say("This change is simply waiting to be sent; ctrl+r sends it now.", title="Mautic")
            return
        engine = self.ctx.engine
        settle = (
            (lambda: release(engine, change.id, force=True)) if side == "mine" else (lambda: forget(engine, change.id))
        )
        self._settled = True
        in_thread(self, settle, lambda _done: self._load(), group="outbox-settle")

    def action_close(self) -> None:
        self.dismiss(self._settled)
