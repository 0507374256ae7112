"""`dossier demo`: build a realistic demo database, then open it."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.common import say
from cli.registry import Command, db_option
from plain.errors import UserError


def _arguments(parser: argparse.ArgumentParser) -> None:
    db_option(parser, help="where to build it (default: demo.db in the user data dir, never your CRM)")
    parser.add_argument("--contacts", type=int, default=1000, help="how many contacts (default 1000)")
    parser.add_argument("--seed", type=int, default=42, help="random seed; the same seed gives the same data")
    parser.add_argument(
        "--force", action="store_true", help="replace a demo database built before (never another file)"
    )
    parser.add_argument("--no-open", action="store_true", help="build it without opening the app")


def _run(args: argparse.Namespace) -> int:
    from cli.commands.open import open_app
    from demo.build import DemoExists, build_demo
    from plain.words import plural
    from store.db import display_name, is_url
    from store.places import demo_db_path

    if args.contacts < 1:
        raise UserError("--contacts must be at least 1.")
    path = getattr(args, "db", None) or demo_db_path()
    try:
        if is_url(path):
            summary = _on_server(path, args)
        else:
            summary = build_demo(path, contacts=args.contacts, seed=args.seed, force=args.force)
    except DemoExists:
        if args.no_open:
            raise
        # Running `dossier demo` again opens the demo database built the first time, untouched.
        say(f"Opening the existing demo database {path} (pass --force to rebuild it).")
        return open_app(path)
    say(
        f"Built {display_name(path)}: {plural(summary.contacts, 'contact')}, {plural(summary.events, 'event')}, "
        f"{plural(summary.notes, 'note')} in {summary.seconds:.1f} s."
    )
    return 0 if args.no_open else open_app(path)


def _on_server(url: str, args: argparse.Namespace):
    """The demo data set on a PostgreSQL server: built in a scratch SQLite file, then copied (`dossier db copy`)."""
    from demo.build import build_demo
    from store.db_copy import copy_between

    if args.force:
        raise UserError("--force replaces a file; on a server, empty the database yourself first.")
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        summary = build_demo(Path(scratch) / "demo.db", contacts=args.contacts, seed=args.seed)
        copy_between(Path(scratch) / "demo.db", url)
    return summary


COMMANDS = (Command("demo", "build a realistic demo database, then open it", _arguments, _run),)
