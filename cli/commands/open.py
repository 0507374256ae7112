"""`dossier [CONTACT]`: open the app on the contact list, or on one contact's page. The only command that
imports Textual, and only to launch the app."""

from __future__ import annotations

import argparse
import gc

from cli.common import db_path
from cli.registry import Command, db_option


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("contact", nargs="?", help="open this contact (id or email) directly")
    db_option(parser)


def open_app(database, contact: str | None = None) -> int:
    """Run the app on `database` (a path or URL), opened on `contact` when given; returns the exit code."""
    from store.settings import load_settings
    from tui.factory import make_app

    # What is imported now lives as long as the program: out of the collector's reach, the collections
    # made while the first screen is built no longer walk it all (they were a quarter of that work).
    gc.freeze()
    app = make_app(load_settings(), database, contact=contact)
    app.run()
    return app.return_code or 0


def _run(args: argparse.Namespace) -> int:
    return open_app(db_path(args), getattr(args, "contact", None))


COMMANDS = (Command("open", "open the app (the default: dossier [CONTACT])", _arguments, _run, default=True),)
