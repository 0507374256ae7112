"""Add a social profile to a contact: Mastodon (user@instance), Bluesky (handle or DID) or GitHub (user)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import RadioSet, Static

from services.social import PROVIDERS
from store.social import add_profile
from tui.background import in_thread, sentence
from tui.context import InApp
from tui.inputs import TextInput
from widgets.toggles import MarkedRadioButton


class SocialProfileDialog(InApp, ModalScreen[bool]):
    """Saves the profile itself; dismisses with True once added."""

    BINDINGS = [Binding("escape", "dismiss(False)", "Cancel", id="social.cancel")]

    def __init__(self, contact_id: int) -> None:
        super().__init__()
        self._contact_id = contact_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="social-dialog"):
            yield Static(Content.styled("Add a social profile", "bold"), classes="dialog-title")
            with RadioSet(id="social-network"):
                for index, network in enumerate(PROVIDERS.values()):
                    yield MarkedRadioButton(network.label, value=index == 0, name=network.network)
            yield TextInput(placeholder=next(iter(PROVIDERS.values())).hint, id="social-handle")
            yield Static(id="social-error")
            yield Static(Content("Enter adds · Esc cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#social-handle"))

    def _network(self) -> str:
        pressed = self.query_one(RadioSet).pressed_button
        return pressed.name if pressed is not None and pressed.name else next(iter(PROVIDERS))

    @on(RadioSet.Changed)
    def _network_changed(self) -> None:
        self.query_one("#social-handle", TextInput).placeholder = PROVIDERS[self._network()].hint

    @on(TextInput.Submitted, "#social-handle")
    def _submitted(self, event: TextInput.Submitted) -> None:
        self._save(self._network(), event.value)

    def _save(self, network: str, text: str) -> None:
        from services.social import provider

        engine = self.ctx.engine

        def add() -> None:
            add_profile(engine, self._contact_id, network, provider(network).normalize_handle(text))

        in_thread(
            self,
            add,
            lambda _added: self.dismiss(True),
            group="social-add",
            failed=lambda exc: self._error(sentence(exc)),
        )

    def _error(self, message: str) -> None:
        self.query_one("#social-error", Static).update(Content.styled(message, "bold $error"))
