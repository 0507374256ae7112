"""`dossier import csv FILE` and `dossier export csv`, for scripts (no Textual here).

`add_import_parser(sub, db_option)` adds the `import` command (formats as subcommands: `csv` for now);
`add_export_csv(formats, db_option)` adds `csv` to the existing `export` command's formats. Errors a user
can cause (an unreadable file, a bad `--map`, an unwritable `--out`) are printed as one `dossier:` line,
exit code 1; `DatabaseError` and `GroupNotFound` are left to `tui.cli.main`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tui.cli_db import db_path, print_failures, write_failed

COMMANDS = ("import",)


def _mapping(value: str) -> tuple[str, str]:
    column, sep, target = value.partition("=")
    if not sep or not column.strip() or not target.strip():
        raise argparse.ArgumentTypeError(f"{value!r} is not COLUMN=field")
    return column.strip(), target.strip()


def add_import_parser(sub: Any, db_option: Callable[[argparse.ArgumentParser], None]) -> Any:
    """Add `import csv FILE [--map COLUMN=field ...] [--dry-run]` to the `dossier` subparsers."""
    imp = sub.add_parser("import", help="read contacts from a file (csv: Mautic or another CRM's export)")
    formats = imp.add_subparsers(dest="format", metavar="FORMAT", required=True)
    csv_parser = formats.add_parser("csv", help="contacts from a CSV file, upserted by email (then external id)")
    csv_parser.add_argument("file", metavar="FILE", type=Path, help="the CSV file")
    csv_parser.add_argument(
        "--map",
        dest="mapping",
        action="append",
        type=_mapping,
        default=[],
        metavar="COLUMN=field",
        help="read COLUMN into a contact field (or custom:NAME, or skip); repeatable",
    )
    csv_parser.add_argument("--dry-run", action="store_true", help="read and count everything; write nothing")
    db_option(csv_parser)
    return formats


def add_export_csv(formats: Any, db_option: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add `csv [--segment NAME] [--out FILE]` to the `export` command's format subparsers."""
    csv_parser = formats.add_parser("csv", help="contacts as CSV with Mautic's column names")
    csv_parser.add_argument("--segment", metavar="NAME", help="only this segment's members (name, alias or id)")
    csv_parser.add_argument("--out", type=Path, metavar="FILE", help="file to write (default: standard output)")
    db_option(csv_parser)


def handle_import(args: argparse.Namespace) -> int:
    """Run `dossier import csv`; returns the exit code (1 when some rows failed or the file is unusable)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from store.csv_import import CsvImportError, import_csv
    from store.db import open_database

    # Importing into a new file makes it: the first thing a user with a CSV from another CRM does.
    engine = open_database(db_path(args), create=True)
    console = Console(stderr=True)
    try:
        with Progress(
            SpinnerColumn(),
            TextColumn("[bold]Importing {task.description}"),
            BarColumn(bar_width=None),
            MofNCompleteColumn(),
            TextColumn("rows · {task.fields[rate]} rows/s"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task(args.file.name, total=None, rate="0")

            def advance(rows: int) -> None:
                elapsed = progress.tasks[task].elapsed or 0
                rate = f"{rows / elapsed:,.0f}" if elapsed > 0 else "…"
                progress.update(task, completed=rows, rate=rate)

            summary = import_csv(
                engine,
                args.file.expanduser(),
                mapping_overrides=dict(args.mapping),
                dry_run=args.dry_run,
                progress=advance,
            )
            elapsed = progress.tasks[task].elapsed or 0
    except CsvImportError as exc:
        print(f"dossier: {exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    verb = "Would import" if args.dry_run else "Imported"
    print(
        f"{verb} {args.file}: {summary.created:,} created, {summary.updated:,} updated, "
        f"{summary.unchanged:,} unchanged, {summary.skipped:,} skipped, {len(summary.failed):,} failed "
        f"({summary.rows:,} rows in {elapsed:.1f} s; {summary.encoding}, delimiter {summary.delimiter!r})."
    )
    print_failures(summary.failed)
    return 1 if summary.failed else 0


def handle_export_csv(args: argparse.Namespace) -> int:
    """Run `dossier export csv`; returns the exit code."""
    from store.csv_export import export_csv
    from store.db import open_database

    engine = open_database(db_path(args))
    try:
        if args.out is None:
            sys.stdout.reconfigure(encoding="utf-8", newline="")  # type: ignore[union-attr]
        count = export_csv(engine, args.out.expanduser() if args.out else sys.stdout, segment=args.segment)
    except OSError as exc:
        raise write_failed(exc, args.out) from None
    finally:
        engine.dispose()
    where = f" to {args.out}" if args.out else ""
    print(f"Exported {count:,} contact{'s' if count != 1 else ''}{where}.", file=sys.stderr)
    return 0
