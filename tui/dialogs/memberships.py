"""Segments or campaigns of a contact: every one with a switch; each toggle is saved at once."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from plain.literal import one_line
from store.db import describe_error
from store.memberships import GroupKind, GroupState, list_groups, set_membership
from store.rows import ContactDetail
from tui.background import in_thread
from tui.context import InApp
from widgets.switch_list import MembershipSwitches, SwitchItem

TITLES = {"segment": "Segments", "campaign": "Campaigns"}


def switch_item(group: GroupState) -> SwitchItem:
    hint = "removed by hand" if group.manually_removed else "added by hand" if group.manually_added else ""
    return SwitchItem(
        key=group.id, label=group.name, on=group.member, enabled_style_dim=not group.is_published, hint=hint
    )


class MembershipsDialog(InApp, ModalScreen[bool]):
    """Dismisses with whether anything changed, so the contact page can refresh."""

    BINDINGS = [Binding("escape", "close", "Close", id="memberships.close")]

    def __init__(self, kind: GroupKind, detail: ContactDetail) -> None:
        super().__init__()
        self.kind = kind
        self._detail = detail
        self._changed = False

    def compose(self) -> ComposeResult:
        title = f"{TITLES[self.kind]} — {one_line(self._detail.name)}"
        with Vertical(classes="dialog", id="memberships-dialog"):
            yield Static(Content.styled(title, "bold"), classes="dialog-title")
            yield MembershipSwitches(
                placeholder="/ Filter by name…",
                cursor_blink=self.ctx.settings.ui.cursor_blink,
                id="switches",
            )
            yield Static(id="memberships-status")
            yield Static(
                Content("Space/Enter toggles (saved at once) · type to filter · Esc closes"), classes="dialog-hint"
            )

    def on_mount(self) -> None:
        self.query_one(MembershipSwitches).focus()
        self._load()

    def _load(self) -> None:
        engine = self.ctx.engine
        in_thread(
            self,
            lambda: [switch_item(g) for g in list_groups(engine, self.kind, self._detail.id)],
            self.query_one(MembershipSwitches).set_items,
            group="memberships-load",
        )

    @on(MembershipSwitches.Toggled)
    def _toggled(self, event: MembershipSwitches.Toggled) -> None:
        self._save(event.key, event.on)

    def _save(self, group_id: int, on: bool) -> None:
        context = self.ctx
        in_thread(
            self,
            lambda: set_membership(
                context.engine,
                self.kind,
                group_id,
                self._detail.id,
                on,
                actor=context.settings.user.name,
                now=context.clock(),
            ),
            self._saved,
            group="memberships-save",
            exclusive=False,  # two quick toggles are two saves, each in its own transaction
            failed=lambda exc: self._failed(group_id, on, describe_error(exc)),
        )

    def _saved(self, state: GroupState) -> None:
        self._changed = True
        verb = "Added to" if state.member else "Removed from"
        self._status(Content.assemble((f"{verb} {self.kind} ", "$text-muted"), one_line(state.name)))

    def _failed(self, group_id: int, on: bool, message: str) -> None:
        self.query_one(MembershipSwitches).set_state(group_id, not on)
        self._status(Content.styled(f"Not saved: {message}", "bold $error"))

    def _status(self, content: Content) -> None:
        self.query_one("#memberships-status", Static).update(content)

    def action_close(self) -> None:
        self.dismiss(self._changed)
