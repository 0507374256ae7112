"""What every screen needs from the outside: the database, the settings and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

from sqlalchemy import Engine

from store.db import display_name, is_url
from store.settings import Settings

if TYPE_CHECKING:
    from tui.app import DossierApp


def local_now() -> datetime:
    return datetime.now().astimezone()


@dataclass
class AppContext:
    engine: Engine
    settings: Settings
    db_path: Path | str  # a SQLite file, or a postgresql:// URL
    clock: Callable[[], datetime] = field(default=local_now)
    ascii: bool = False  # the terminal shows ASCII only (plain.terminal): draw with ASCII where it matters
    # How the settings are read again without a restart (the CLI's: the config file and the environment);
    # None for an app given fixed settings (tests, benchmarks).
    reread: Callable[[], Settings] | None = None

    def settings_again(self) -> Settings:
        """The settings as they are now where they come from, or the fixed ones. It reads a file: call it in a
        worker thread. Raises `SettingsError` for a file or value that became invalid."""
        return self.reread() if self.reread is not None else self.settings

    @property
    def database_name(self) -> str:
        """The file's name, or the server URL with its password masked (the title bar shows it)."""
        return display_name(self.db_path) if is_url(self.db_path) else Path(self.db_path).name


class InApp:
    """Mixed into Dossier's screens, dialogs and tabs (before the Textual class): the app and its context,
    typed, instead of reaching through an untyped `self.app`."""

    @property
    def dossier(self) -> DossierApp:
        return cast("DossierApp", self.app)  # type: ignore[attr-defined]

    @property
    def ctx(self) -> AppContext:
        return self.dossier.context
