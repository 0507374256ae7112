"""`dossier db …`: a team's database administration (upgrade a server's schema, copy a whole database, keep a
server's password in the keyring). No Textual."""

from __future__ import annotations

import argparse
import getpass
import sys

from cli.common import db_path, progress_bar, say
from cli.registry import Command, db_option
from plain.errors import UserError
from plain.words import plural


def _arguments(db: argparse.ArgumentParser) -> None:
    from store.db import as_target

    actions = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = actions.add_parser("upgrade", help="bring a database's schema up to this Dossier's (a server's admin)")
    db_option(upgrade)
    copy = actions.add_parser("copy", help="copy a whole database into an empty one (SQLite <-> PostgreSQL)")
    copy.add_argument("source", type=as_target, metavar="SRC", help="database file or postgresql:// URL")
    copy.add_argument("destination", type=as_target, metavar="DST", help="an empty or new database file or URL")
    password = actions.add_parser("password", help="keep a PostgreSQL server's password in the system keyring")
    password.add_argument("url", metavar="URL", help="postgresql://user@host/dbname")


def _run(args: argparse.Namespace) -> int:
    return {"upgrade": _upgrade, "copy": _copy, "password": _password}[args.db_command](args)


def _upgrade(args: argparse.Namespace) -> int:
    from store.db import HEAD_REVISION, display_name, open_database

    target = db_path(args)
    open_database(target, create=True, upgrade_schema=True).dispose()
    say(f"{display_name(target)} is at schema {HEAD_REVISION}.")
    return 0


def _copy(args: argparse.Namespace) -> int:
    from store.db import display_name
    from store.db_copy import copy_between

    with progress_bar("[bold]Copying", "rows", bar=True) as progress:
        task = progress.add_task("copy", total=None)

        def advance(summary) -> None:
            progress.update(task, completed=summary.copied, total=summary.total)

        summary = copy_between(args.source, args.destination, advance)
    for name, count in summary.destination.items():
        if count:
            say(f"{name:>20}  {count:>12,}")
    say(
        f"Copied {plural(summary.copied, 'row')} from {display_name(args.source)} to {display_name(args.destination)}; "
        "every table's row count matches."
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
    say(f"Stored the password for {name} in the system keyring.")
    return 0


COMMANDS = (Command("db", "administer a database: upgrade, copy, password", _arguments, _run),)
