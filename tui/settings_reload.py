"""Reading the settings again without a restart. The compose dialog does it before each send (so SMTP settings
fixed in another terminal work at the next ctrl+s, with the draft still there); the palette's "Reload
settings" does it on demand. It is a file read: it runs in a worker thread, and never on a keystroke."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from textual.dom import DOMNode

from store.settings import Settings, settings_file
from tui.background import in_thread, sentence

if TYPE_CHECKING:
    from tui.app import DossierApp

# Settings that only take effect when Dossier starts: what they set up (timers) is made once.
AT_START = (("ui", "live_interval"), ("mautic", "interval"))


def read_again(node: DOMNode, then: Callable[[Settings], object], *, failed: Callable[[Exception], object]) -> None:
    """Read the settings again in a worker thread; on the UI thread, make them the app's, then `then(settings)`.
    A file or value that became invalid goes to `failed` (a `SettingsError`), and the settings stay as they were."""
    app = cast("DossierApp", node.app)

    def use(settings: Settings) -> None:
        old, app.context.settings = app.context.settings, settings
        if settings.ui.theme != old.ui.theme and settings.ui.theme in app.available_themes:
            app.theme = settings.ui.theme
        then(settings)

    in_thread(node, app.context.settings_again, use, group="settings-read", failed=failed)


def at_next_start(old: Settings, new: Settings) -> list[str]:
    """The changed settings that apply only from the next start, by name (`ui.live_interval`)."""
    return [
        f"{section}.{key}"
        for section, key in AT_START
        if getattr(getattr(old, section), key) != getattr(getattr(new, section), key)
    ]


def reload_settings(app: DossierApp) -> None:
    """The palette's "Reload settings": read them again and say from where, and what waits for a restart."""
    if app.context.reread is None:
        app.say("Dossier was given fixed settings when it started; there is no file to read again.", title="Settings")
        return
    old = app.context.settings

    def done(settings: Settings) -> None:
        message = f"Settings read again from {settings_file()}."
        if later := at_next_start(old, settings):
            message += f" {' and '.join(later)} {'applies' if len(later) == 1 else 'apply'} from the next start."
        app.say(message, title="Settings")

    read_again(app, done, failed=lambda exc: app.say(sentence(exc), title="Settings", severity="error", timeout=8))
