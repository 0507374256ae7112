"""`dossier import FORMAT …` and `dossier export FORMAT …`, built from the file format registry
(`store/interchange/formats.py`): a format registered there is a subcommand here, with its options.

Importing a Mautic instance over its API is `dossier import mautic` (`cli/commands/mautic.py`, added here).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.common import database, print_failures, progress_bar, say, write_failed
from cli.registry import Command, db_option
from plain.errors import UserError
from plain.words import plural

if TYPE_CHECKING:
    from store.interchange.formats import FileFormat, Option


def _add_option(parser: argparse.ArgumentParser, option: Option) -> None:
    if option.switch:
        parser.add_argument(option.name, action="store_true", help=option.help, dest=option.key)
        return
    keywords: dict[str, Any] = {"help": option.help, "metavar": option.metavar, "choices": option.choices}
    if option.type is not None:
        keywords["type"] = option.type
    if not option.name.startswith("-"):
        parser.add_argument(option.name, **keywords)
        return
    keywords["dest"] = option.key
    keywords["default"] = [] if option.repeat else option.default
    parser.add_argument(option.name, action="append" if option.repeat else "store", **keywords)


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    from cli.commands import mautic
    from store.interchange.formats import readable_formats

    formats = parser.add_subparsers(dest="format", metavar="FORMAT", required=True)
    for fmt in readable_formats():
        child = formats.add_parser(fmt.name, help=fmt.import_help)
        child.add_argument("source", metavar="PATH", type=Path, help=f"the {fmt.label} file (or folder) to read")
        for option in fmt.read_options:
            _add_option(child, option)
        db_option(child)
        child.set_defaults(file_format=fmt)
    mautic.add_import(formats)


def _export_arguments(parser: argparse.ArgumentParser) -> None:
    from store.interchange.formats import writable_formats

    formats = parser.add_subparsers(dest="format", metavar="FORMAT", required=True)
    for fmt in writable_formats():
        child = formats.add_parser(fmt.name, help=fmt.export_help)
        for option in fmt.write_options:
            _add_option(child, option)
        child.add_argument("--out", metavar="FILE", help="file to write (default: standard output)")
        db_option(child)
        child.set_defaults(file_format=fmt)


def _options(args: argparse.Namespace, options: tuple[Option, ...]) -> dict[str, Any]:
    return {option.key: getattr(args, option.key) for option in options}


def _import(args: argparse.Namespace) -> int:
    """Run `dossier import FORMAT PATH`; exit code 1 when a record failed or the source is unusable."""
    if getattr(args, "run_import", None) is not None:  # a source that is not a file (Mautic)
        return args.run_import(args)
    fmt: FileFormat = args.file_format
    source = args.source.expanduser()
    if not source.exists():
        raise UserError(f"{source} does not exist.")
    options = _options(args, fmt.read_options)
    started = time.perf_counter()
    # Importing into a new file makes it: the first thing a user with another CRM's export does.
    with (
        database(args, create=True) as engine,
        progress_bar(
            f"[bold]Importing {source.name}", f"{{task.completed:,}} {fmt.unit}", "{task.fields[rate]}"
        ) as bar,
    ):
        task = bar.add_task("import", total=None, rate="")

        def advance(count: int) -> None:
            elapsed = time.perf_counter() - started
            bar.update(task, completed=count, rate=f"· {count / elapsed:,.0f} {fmt.unit}/s" if elapsed > 0 else "")

        counts = fmt.read(engine, source, now=datetime.now(UTC), progress=advance, **options)
    elapsed = time.perf_counter() - started
    print_failures(counts.warnings, label="warning")
    print_failures(counts.failed)
    remarks = counts.remarks()
    verb = "Would import" if options.get("dry_run") else "Imported"
    print(
        f"{verb} {source}: {counts.created:,} created, {counts.updated:,} updated, {counts.unchanged:,} unchanged, "
        f"{counts.skipped:,} skipped, {len(counts.failed):,} failed "
        f"({plural(counts.rows, fmt.unit.removesuffix('s'))} in {elapsed:.1f} s{'; ' + remarks if remarks else ''})."
    )
    return 1 if counts.failed else 0


def _export(args: argparse.Namespace) -> int:
    """Run `dossier export FORMAT`; the count goes to standard error, so standard output can be the data."""
    fmt: FileFormat = args.file_format
    options = _options(args, fmt.write_options)
    with database(args) as engine:
        try:
            if args.out is None:
                # Line ends kept exactly as the format writes them (CRLF for CSV, vCard and iCalendar), in UTF-8
                # whatever the locale.
                sys.stdout.reconfigure(encoding="utf-8", newline="")  # type: ignore[union-attr]
            count = fmt.write(engine, args.out or sys.stdout, now=datetime.now(UTC).astimezone(), **options)
        except OSError as exc:
            raise write_failed(exc, args.out) from None
    where = f" to {args.out}" if args.out else ""
    say(f"Exported {plural(count, fmt.written)}{where}.")
    return 0


COMMANDS = (
    Command("import", "read contacts from a file (csv, vcard) or a Mautic instance", _import_arguments, _import),
    Command(
        "export", "write data to a file (csv, vcard: contacts; ics: the calendar; contact)", _export_arguments, _export
    ),
)
