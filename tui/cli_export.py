"""`dossier export ics|csv|vcard|contact`: the calendar and contacts, written out for other programs."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tui import cli_io, cli_vcard
from tui.cli_db import UserError, db_path, write_failed


def add_parsers(sub: Any, _db_option: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add `export ics|csv|vcard|contact` to the `dossier` subparsers."""
    export = sub.add_parser("export", help="write data to a file (ics: the calendar; csv, vcard: contacts)")
    formats = export.add_subparsers(dest="format", metavar="FORMAT", required=True)
    ics = formats.add_parser("ics", help="dated notes as an iCalendar file that calendar programs import")
    _db_option(ics)
    ics.add_argument("--from", dest="start", type=_date_arg, metavar="DATE", help="first day, YYYY-MM-DD (local)")
    ics.add_argument("--to", dest="end", type=_date_arg, metavar="DATE", help="last day, YYYY-MM-DD (included)")
    ics.add_argument("--out", type=Path, metavar="FILE", help="file to write (default: standard output)")
    cli_io.add_export_csv(formats, _db_option)
    contact = formats.add_parser("contact", help="everything about one contact as one JSON document")
    contact.add_argument("contact", help="id or email")
    _db_option(contact)
    contact.add_argument("--format", dest="output_format", choices=["json"], default="json", help="json (the only one)")
    contact.add_argument("--out", type=Path, metavar="FILE", help="file to write (default: standard output)")
    cli_vcard.add_export_vcard(formats, _db_option)


def _date_arg(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date; use YYYY-MM-DD") from None


def handle(args: argparse.Namespace) -> int:
    """Run `dossier export FORMAT`; returns the exit code."""
    if args.format == "csv":
        return cli_io.handle_export_csv(args)
    if args.format == "vcard":
        return cli_vcard.handle_export_vcard(args)
    if args.format == "contact":
        return _export_contact(args)
    from store.db import open_database
    from store.ics import export_ics

    if args.start and args.end and args.end < args.start:
        raise UserError("--to must not be before --from.")
    engine = open_database(db_path(args))
    try:
        if args.out is None:
            # iCalendar lines end in CRLF: keep them exactly, and in UTF-8 whatever the locale.
            sys.stdout.reconfigure(encoding="utf-8", newline="")
        out = args.out.expanduser() if args.out else sys.stdout
        count = export_ics(engine, start=args.start, end=args.end, out=out, now=datetime.now().astimezone())
    except OSError as exc:
        raise write_failed(exc, args.out) from None
    finally:
        engine.dispose()
    where = f" to {args.out}" if args.out else ""
    print(f"Exported {count:,} calendar event{'s' if count != 1 else ''}{where}.", file=sys.stderr)
    return 0


def _export_contact(args: argparse.Namespace) -> int:
    from store.contact_export import export_contact
    from store.contacts import resolve_contact
    from store.db import open_database

    engine = open_database(db_path(args))
    try:
        contact_id, _merged_from = resolve_contact(engine, args.contact)
        count = export_contact(engine, contact_id, args.out.expanduser() if args.out else sys.stdout)
    except OSError as exc:
        raise write_failed(exc, args.out) from None
    finally:
        engine.dispose()
    print(f"Exported contact {contact_id} with {count:,} events.", file=sys.stderr)
    return 0
