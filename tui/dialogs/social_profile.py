"""Add a social profile to a contact: Mastodon (user@instance), Bluesky (handle or DID) or GitHub (user)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import RadioButton, RadioSet, Static

from services.social import PROVIDERS
from store.db import describe_error
from store.social import DuplicateProfile, add_profile
from tui.inputs import TextInput


class SocialProfileDialog(ModalScreen[bool]):
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
                    yield RadioButton(network.label, value=index == 0, name=network.network)
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

    @work(thread=True, exclusive=True, group="social-add", exit_on_error=False)
    def _save(self, network: str, text: str) -> None:
        from services.social import SocialError, provider

        try:
            handle = provider(network).normalize_handle(text)
            add_profile(self.app.context.engine, self._contact_id, network, handle)
        except (SocialError, DuplicateProfile) as exc:
            self.app.call_from_thread(self._error, str(exc))
        except Exception as exc:
            self.app.call_from_thread(self._error, describe_error(exc))
        else:
            self.app.call_from_thread(self.dismiss, True)

    def _error(self, message: str) -> None:
        self.query_one("#social-error", Static).update(Content.styled(message, "bold $error"))
