"""`dossier import mautic --url URL --user USER`: a live Mautic instance's contacts, for scripts (no Textual here).

The password is read from `$DOSSIER_MAUTIC_PASSWORD`, else asked for on the terminal (never echoed, never an
argument, so it stays out of shell history and `ps`). `cli/commands/transfer.py` owns the `import` command
and adds `mautic` from here. A run that stops (network, server, Ctrl+C) keeps every contact it finished; running
the same command again resumes.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from cli.common import database, print_failures, progress_bar, say
from cli.registry import db_option
from plain.errors import UserError

PASSWORD_ENV = "DOSSIER_MAUTIC_PASSWORD"
COMMANDS = ()  # `import mautic` is a source of the `import` command (cli/commands/transfer.py)


def add_import(import_subparsers: Any) -> None:
    """Add `mautic --url URL --user USER` to the `dossier import` format subparsers."""
    parser = import_subparsers.add_parser(
        "mautic",
        help="contacts, activity, notes, segments, campaigns and emails from a Mautic instance (API, basic auth)",
    )
    parser.add_argument("--url", required=True, help="the instance's base URL, e.g. https://mautic.example.com")
    parser.add_argument("--user", required=True, help="a Mautic user name (API basic auth must be enabled)")
    parser.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="per request (default 30)")
    parser.add_argument(
        "--retries", type=int, default=5, metavar="N", help="attempts per request on 5xx, 429 or a dropped connection"
    )
    db_option(parser)
    parser.set_defaults(run_import=import_mautic_command)


def _password(user: str) -> str:
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return password
    if not sys.stdin.isatty():
        raise UserError(f"Set {PASSWORD_ENV} to the Mautic password of {user} (no terminal to ask for it on).")
    import getpass

    try:
        password = getpass.getpass(f"Mautic password for {user}: ")
    except EOFError:
        password = ""
    if not password:
        raise UserError("No password given; nothing was imported.")
    return password


def import_mautic_command(args: argparse.Namespace) -> int:
    """Run the import with a progress bar; prints a summary. Exit code 1 when it stopped early or a contact failed."""
    from services.mautic import MauticClient, MauticError
    from store.interchange.mautic_import import MauticSummary, import_mautic, source_name

    password = _password(args.user)
    stopped: str | None = None
    summary = MauticSummary()
    try:
        client = MauticClient(args.url, args.user, password, timeout=args.timeout, retries=args.retries)
    except MauticError as exc:
        raise UserError(str(exc)) from exc
    with client:
        try:
            # Wrong URL, credentials or a disabled API are found before the database is created or touched.
            total = client.check()
        except MauticError as exc:
            raise UserError(str(exc)) from exc
        with (
            database(args, create=True) as engine,
            progress_bar(
                "[bold]Importing from Mautic",
                "contacts · {task.fields[rate]}/s · {task.fields[events]} events",
                bar=True,
            ) as bar,
        ):
            task = bar.add_task("mautic", total=total, rate="…", events="0")

            def advance(done: MauticSummary) -> None:
                elapsed = bar.tasks[task].elapsed or 0
                rate = f"{done.rows / elapsed:,.1f}" if elapsed > 0 else "…"
                bar.update(task, completed=done.rows, total=done.total, rate=rate, events=f"{done.events:,}")

            try:
                import_mautic(engine, client, origin=source_name(args.url), progress=advance, summary=summary)
            except MauticError as exc:
                stopped = str(exc)
            except KeyboardInterrupt:
                stopped = "Interrupted."
    print_failures(summary.failed)
    counts = (
        f"{summary.created:,} created, {summary.updated:,} updated, {summary.unchanged:,} unchanged, "
        f"{len(summary.failed):,} failed; {summary.events:,} events, {summary.notes:,} notes, "
        f"{summary.segments:,} segments, {summary.campaigns:,} campaigns, {summary.templates:,} email templates"
    )
    if stopped is not None:
        say(f"dossier: {stopped}")
        print(f"Stopped after {summary.rows:,} contacts ({counts}). Run the same command again to resume.")
        return 1
    print(f"Imported {summary.rows:,} of {summary.total:,} contacts from {client.base_url}: {counts}.")
    return 1 if summary.failed else 0
