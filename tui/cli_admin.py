"""`dossier db …`: a team's database administration (upgrade a server's schema, copy a whole database, keep a
server's password in the keyring). No Textual."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import Any

from tui.cli_db import UserError, db_path

COMMANDS = ("db",)


def add_parsers(sub: Any, db_option: Callable[[argparse.ArgumentParser], None]) -> None:
    from store.db import as_target

    db = sub.add_parser("db", help="administer a database: upgrade, copy, password")
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = actions.add_parser("upgrade", help="bring a database's schema up to this Dossier's (a server's admin)")
    db_option(upgrade)
    copy = actions.add_parser("copy", help="copy a whole database into an empty one (SQLite <-> PostgreSQL)")
    copy.add_argument("source", type=as_target, metavar="SRC", help="database file or postgresql:// URL")
    copy.add_argument("destination", type=as_target, metavar="DST", help="an empty or new database file or URL")
    password = actions.add_parser("password", help="keep a PostgreSQL server's password in the system keyring")
    password.add_argument("url", metavar="URL", help="postgresql://user@host/dbname")


def handle(args: argparse.Namespace) -> int:
    return {"upgrade": _upgrade, "copy": _copy, "password": _password}[args.db_command](args)


def _upgrade(args: argparse.Namespace) -> int:
    from store.db import HEAD_REVISION, display_name, open_database

    target = db_path(args)
    open_database(target, create=True, upgrade_schema=True).dispose()
    print(f"{display_name(target)} is at schema {HEAD_REVISION}.", file=sys.stderr)
    return 0


def copy_between(source_target, destination_target, progress=None):
    """Copy the whole database `source_target` into the empty `destination_target` (files or URLs), made at
    the head schema if need be; returns the `CopySummary`. Raises DatabaseError with one sentence."""
    import sqlalchemy.exc

    from store.db import DatabaseError, describe_error, display_name, open_database
    from store.db_copy import copy_database

    if display_name(source_target) == display_name(destination_target):
        raise UserError("The source and the destination are the same database.")
    source = open_database(source_target)
    try:
        destination = open_database(destination_target, create=True)
    except Exception:
        source.dispose()
        raise
    try:
        return copy_database(source, destination, progress=progress)
    except sqlalchemy.exc.DBAPIError as exc:
        raise DatabaseError(f"The copy was rolled back: {describe_error(exc)}") from exc
    finally:
        source.dispose()
        destination.dispose()


def _copy(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from store.db import display_name

    with Progress(
        TextColumn("[bold]Copying"),
        BarColumn(bar_width=None),
        MofNCompleteColumn(),
        TextColumn("rows"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        task = progress.add_task("copy", total=None)

        def advance(summary) -> None:
            progress.update(task, completed=summary.copied, total=summary.total)

        summary = copy_between(args.source, args.destination, advance)
    for name, count in summary.destination.items():
        if count:
            print(f"{name:>20}  {count:>12,}", file=sys.stderr)
    print(
        f"Copied {summary.copied:,} rows from {display_name(args.source)} to {display_name(args.destination)}; "
        "every table's row count matches.",
        file=sys.stderr,
    )
    return 0


def _password(args: argparse.Namespace) -> int:
    from store.server import masked_url, store_password

    shown = masked_url(args.url)
    if not sys.stdin.isatty():
        raise UserError("`dossier db password` asks for the password at a terminal; run it in one.")
    password = getpass.getpass(f"Password for {shown}: ")
    if not password:
        raise UserError("No password was typed; nothing was stored.")
    name = store_password(args.url, password)
    print(f"Stored the password for {name} in the system keyring.", file=sys.stderr)
    return 0
