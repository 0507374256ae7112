"""`dossier config`: the effective settings (file, environment, defaults), secrets masked."""

from __future__ import annotations

import argparse

from cli.registry import Command


def _arguments(parser: argparse.ArgumentParser) -> None:
    """No arguments: the settings come from the config file and the environment."""


def _run(args: argparse.Namespace) -> int:
    import tomli_w

    from store.db import display_name
    from store.places import config_path, default_db_path
    from store.settings import load_settings, masked

    settings = load_settings()
    print(f"# config file: {config_path()}{'' if config_path().exists() else ' (not present; defaults)'}")
    print(f"# database: {display_name(default_db_path())}")
    print(tomli_w.dumps(masked(settings)), end="")
    return 0


COMMANDS = (Command("config", "print the effective settings, secrets masked", _arguments, _run),)
