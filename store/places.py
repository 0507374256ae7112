"""Where Dossier keeps its files by default: the configuration file and the database.

Apart from the settings (store/settings.py, which needs pydantic), so a command that only needs the
database's path starts without it.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "dossier"


def config_path() -> Path:
    """Where the configuration file is read from."""
    if env := os.environ.get("DOSSIER_CONFIG"):
        return Path(env).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME) / "config.toml"


def default_db_path() -> Path | str:
    """The database used when no `--db` is given: `$DOSSIER_DB` (a file or a postgresql:// URL), else the
    platform's user data dir."""
    if env := os.environ.get("DOSSIER_DB"):
        from store.db import as_target

        return as_target(env)
    from platformdirs import user_data_path

    return user_data_path(APP_NAME) / "dossier.db"


def demo_db_path() -> Path:
    """Where `dossier demo` builds without `--db`: its own file in the user data dir, never the CRM that
    `$DOSSIER_DB` or the default path names."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME) / "demo.db"
