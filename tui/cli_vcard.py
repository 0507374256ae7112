"""`dossier import vcard FILE_OR_DIR` and `dossier export vcard [--out FILE_OR_DIR]`, for scripts.

`tui.cli` owns the `import` and `export` commands; it calls `add_import_vcard` / `add_export_vcard` with their
format subparsers and dispatches `format == "vcard"` to `handle_import_vcard` / `handle_export_vcard`.
Errors are raised, one sentence each, for `tui.cli.main` to print (`DatabaseError` for a locked or read-only
database, `VcardError` for a missing input, `UserError` for an unwritable output).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from plain.words import plural
from tui.cli_db import database, print_failures, write_failed

FORMAT = "vcard"


class VcardError(Exception):
    """A vCard input or output that cannot be used; the message is one sentence."""


def add_import_vcard(import_subparsers: Any, db_option: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add `vcard FILE_OR_DIR` to the `dossier import` format subparsers."""
    parser = import_subparsers.add_parser(
        FORMAT, help="contacts from a .vcf file or a folder of them (vCard 3.0/4.0, khard, vdirsyncer)"
    )
    parser.add_argument("source", metavar="FILE_OR_DIR", type=Path, help="a .vcf file or a folder of .vcf files")
    parser.add_argument(
        "--photo-dir", type=Path, metavar="DIR", help="where card photos are saved (default: avatars/ by the database)"
    )
    db_option(parser)


def add_export_vcard(export_subparsers: Any, db_option: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add `vcard [--out FILE_OR_DIR]` to the `dossier export` format subparsers."""
    parser = export_subparsers.add_parser(
        FORMAT, help="contacts as vCard 4.0: one file, or a folder of one card per contact (khard)"
    )
    parser.add_argument(
        "--out",
        metavar="FILE_OR_DIR",
        help="a file, or a folder (an existing folder or a path ending in /); default: standard output",
    )
    db_option(parser)


def handle_import_vcard(args: argparse.Namespace) -> int:
    """Import the cards; prints a summary (failures on standard error). Exit code 1 when a card failed."""
    from plain.literal import one_line
    from store.vcard_import import import_vcards

    source = args.source.expanduser()
    if not source.exists():
        raise VcardError(f"{source} does not exist.")
    photo_dir = args.photo_dir.expanduser() if getattr(args, "photo_dir", None) else None
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed:,} cards"))
    with (
        database(args, create=True) as engine,
        Progress(*columns, TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar,
    ):
        task = bar.add_task("Importing vCards", total=None)
        summary = import_vcards(
            engine,
            source,
            now=datetime.now(UTC),
            photo_dir=photo_dir,
            progress=lambda seen: bar.update(task, completed=seen),
        )
    for line in summary.warnings:
        print(one_line(f"warning: {line}"), file=sys.stderr)
    print_failures(summary.failed)
    print(
        f"Imported vCards from {source}: {summary.created:,} created, {summary.updated:,} updated, "
        f"{summary.unchanged:,} unchanged, {summary.skipped:,} skipped, {len(summary.failed):,} failed."
    )
    return 1 if summary.failed else 0


def handle_export_vcard(args: argparse.Namespace) -> int:
    """Export live contacts; the count goes to standard error so standard output can be the cards."""
    from store.vcard_export import export_vcards

    out = args.out
    folder = bool(out) and (out.endswith(("/", "\\")) or Path(out).expanduser().is_dir())
    with database(args) as engine:
        try:
            if out is None:
                sys.stdout.reconfigure(encoding="utf-8", newline="")  # type: ignore[union-attr]
                count = export_vcards(engine, sys.stdout, folder=False)
            else:
                count = export_vcards(engine, Path(out).expanduser(), folder=folder)
        except OSError as exc:
            raise write_failed(exc, out) from None
    where = f" to {out}" if out else ""
    print(f"Exported {plural(count, 'contact')} as vCard{where}.", file=sys.stderr)
    return 0
