"""Choose where a contact's avatar comes from: Gravatar, a social network, an image file, or initials."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from store.avatars import CUSTOM_PATH_FIELD, set_avatar_source
from store.rows import ContactDetail
from tui.background import in_thread, sentence
from tui.context import InApp
from tui.inputs import TextInput

SOURCES = [
    ("gravatar", "Gravatar", "the picture registered for the email address"),
    ("social", "Social network", "the avatar of the contact's Mastodon, Bluesky or GitHub profile"),
    ("custom", "Image file", "a PNG, JPEG, GIF, WebP or BMP file on this machine"),
    ("initials", "Identicon", "drawn here from the email address; never uses the network"),
]


class AvatarSourceDialog(InApp, ModalScreen[str | None]):
    """Saves the choice itself; dismisses with the new source, or None when cancelled."""

    BINDINGS = [Binding("escape", "dismiss", "Cancel", id="avatar.cancel")]

    def __init__(self, detail: ContactDetail) -> None:
        super().__init__()
        self._detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="avatar-dialog"):
            yield Static(Content.styled("Avatar source", "bold"), classes="dialog-title")
            options = []
            for key, name, help_text in SOURCES:
                mark = "● " if key == self._detail.avatar_source else "○ "
                options.append(Option(Content.assemble(mark, (name, "bold"), ("  " + help_text, "$text-muted")), key))
            yield OptionList(*options, id="avatar-sources")
            path = str(self._detail.custom_fields.get(CUSTOM_PATH_FIELD, ""))
            yield TextInput(path, placeholder="Path of an image file, then Enter", id="avatar-path")
            yield Static(id="avatar-error")
            yield Static(Content("Enter chooses · Esc cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        sources = self.query_one(OptionList)
        sources.highlighted = [key for key, _, _ in SOURCES].index(self._detail.avatar_source)
        self.query_one("#avatar-path").display = False
        self.set_focus(sources)

    @on(OptionList.OptionSelected, "#avatar-sources")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        source = event.option.id or "gravatar"
        if source == "custom":
            path = self.query_one("#avatar-path", TextInput)
            path.display = True
            self.set_focus(path)
            return
        self._save(source, None)

    @on(TextInput.Submitted, "#avatar-path")
    def _path_submitted(self, event: TextInput.Submitted) -> None:
        self._save("custom", event.value)

    def _save(self, source: str, path: str | None) -> None:
        engine, now = self.ctx.engine, self.ctx.clock()
        in_thread(
            self,
            lambda: set_avatar_source(engine, self._detail.id, source, custom_path=path, now=now),
            lambda _saved: self.dismiss(source),
            group="avatar-source",
            failed=lambda exc: self._error(sentence(exc)),
        )

    def _error(self, message: str) -> None:
        self.query_one("#avatar-error", Static).update(Content.styled(message, "bold $error"))
