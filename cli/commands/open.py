"""`dossier [CONTACT]`: open the app on the contact list, or on one contact's page. The only command that
imports Textual, and only to launch the app."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from cli.common import db_path
from cli.registry import Command, db_option


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("contact", nargs="?", help="open this contact (id or email) directly")
    db_option(parser)


def open_app(database, contact: str | None = None) -> int:
    """Run the app on `database` (a path or URL), opened on `contact` when given; returns the exit code."""
    from plain.terminal import shows_unicode
    from store.settings import load_settings
    from tui.factory import make_app

    # What is imported now lives as long as the program: out of the collector's reach, the collections
    # made while the first screen is built no longer walk it all (they were a quarter of that work).
    gc.freeze()
    ascii = not shows_unicode()
    # Settings are read again when the app asks: a setting fixed in another terminal works without a restart.
    app = make_app(load_settings(), database, contact=contact, ascii=ascii, reread=load_settings)
    with _screen_in_ascii() if ascii else nullcontext():
        app.run()
    return app.return_code or 0


@contextmanager
def _screen_in_ascii() -> Iterator[None]:
    """While the app runs, what its driver writes to the terminal (sys.__stderr__ on Unix, sys.__stdout__ on
    Windows) is encoded as ASCII with the same cell widths: the last line of defence behind the app's own
    ASCII drawing (plain/ascii.py). Afterwards, printed text goes back to the free-width rule (cli/output.py)."""
    from plain.ascii import ascii_stream

    terminals = [stream for stream in (sys.__stdout__, sys.__stderr__) if stream is not None and stream.isatty()]
    for stream in terminals:
        ascii_stream(stream, cells=True)
    try:
        yield
    finally:
        for stream in terminals:
            ascii_stream(stream, cells=False)


def _run(args: argparse.Namespace) -> int:
    return open_app(db_path(args), getattr(args, "contact", None))


COMMANDS = (Command("open", "open the app (the default: dossier [CONTACT])", _arguments, _run, default=True),)
