"""The file formats contacts travel in, registered once: the CLI and the import dialog are built from this list.

A format names its reader and writer as `module:function` (imported only when used, so `dossier --help` and
`dossier search` load none of them) and declares the options each takes; the CLI turns those into
arguments. A reader is `read(engine, path, *, now, progress, **options) -> ImportCounts`; a writer is
`write(engine, out, *, now, **options) -> int`, where `out` is a path the user named, as typed (written
through `out_file`), or an open text stream (standard output).

To add a format: write its module here (reader, writer or both), then add one `FileFormat` to `FORMATS`.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store.interchange.counts import ImportCounts

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass(frozen=True)
class Option:
    """One option of a reader or writer: `--name` (or a bare name for a positional), as argparse takes it."""

    name: str
    help: str
    type: Callable[[str], Any] | None = None
    metavar: str | None = None
    dest: str | None = None
    default: Any = None
    choices: tuple[str, ...] | None = None
    repeat: bool = False  # may be given more than once; the values arrive as a list
    switch: bool = False  # a flag with no value

    @property
    def key(self) -> str:
        """The keyword the reader or writer receives it as."""
        return self.dest or self.name.lstrip("-").replace("-", "_")


@dataclass(frozen=True)
class FileFormat:
    name: str  # as typed: dossier import NAME, dossier export NAME
    label: str  # as shown: "CSV", "vCard"
    unit: str  # what an import counts: "rows", "cards"
    written: str = "contact"  # what an export counts, singular: "contact", "calendar event"
    import_help: str = ""
    export_help: str = ""
    reader: str = ""  # "module:function"
    writer: str = ""
    read_options: tuple[Option, ...] = ()
    write_options: tuple[Option, ...] = ()
    # Whether a path holds this format (the import dialog asks each format in turn; the last claims all).
    claims: Callable[[Path], bool] | None = None

    def read(self, engine: Engine, path: Path, **options: Any) -> ImportCounts:
        return _function(self.reader)(engine, path, **options)

    def write(self, engine: Engine, out: Any, **options: Any) -> int:
        return _function(self.writer)(engine, out, **options)


def _function(target: str) -> Callable[..., Any]:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def _mapping(value: str) -> tuple[str, str]:
    column, sep, target = value.partition("=")
    if not sep or not column.strip() or not target.strip():
        raise argparse.ArgumentTypeError(f"{value!r} is not COLUMN=field")
    return column.strip(), target.strip()


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date; use YYYY-MM-DD") from None


def _looks_like_vcard(path: Path) -> bool:
    if path.is_dir() or path.suffix.lower() in (".vcf", ".vcard"):
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return head.upper().startswith(b"BEGIN:VCARD")


FORMATS: tuple[FileFormat, ...] = (
    FileFormat(
        "vcard",
        "vCard",
        "cards",
        import_help="contacts from a .vcf file or a folder of them (vCard 3.0/4.0, khard, vdirsyncer)",
        export_help="contacts as vCard 4.0: one file, or a folder of one card per contact (khard)",
        reader="store.interchange.vcard_import:import_vcards",
        writer="store.interchange.vcard_export:write_vcards",
        read_options=(
            Option("--photo-dir", "where card photos are saved (default: avatars/ by the database)", Path, "DIR"),
        ),
        claims=_looks_like_vcard,
    ),
    FileFormat(
        "csv",
        "CSV",
        "rows",
        import_help="contacts from a CSV file, upserted by email (then external id)",
        export_help="contacts as CSV with Mautic's column names",
        reader="store.interchange.csv_import:read_csv",
        writer="store.interchange.csv_export:write_csv",
        read_options=(
            Option(
                "--map",
                "read COLUMN into a contact field (or custom:NAME, or skip); repeatable",
                _mapping,
                "COLUMN=field",
                dest="mapping",
                repeat=True,
            ),
            Option("--dry-run", "read and count everything; write nothing", switch=True),
        ),
        write_options=(Option("--segment", "only this segment's members (name, alias or id)", metavar="NAME"),),
        claims=lambda _path: True,
    ),
    FileFormat(
        "ics",
        "iCalendar",
        "events",
        written="calendar event",
        export_help="dated notes as an iCalendar file that calendar programs import",
        writer="store.interchange.ics:write_ics",
        write_options=(
            Option("--from", "first day, YYYY-MM-DD (local)", _day, "DATE", dest="start"),
            Option("--to", "last day, YYYY-MM-DD (included)", _day, "DATE", dest="end"),
        ),
    ),
    FileFormat(
        "contact",
        "JSON",
        "events",
        written="event",
        export_help="everything about one contact as one JSON document",
        writer="store.interchange.contact_json:write_contact",
        write_options=(
            Option("contact", "id or email"),
            Option("--format", "json (the only one)", dest="output_format", default="json", choices=("json",)),
        ),
    ),
)


def readable_formats() -> tuple[FileFormat, ...]:
    return tuple(f for f in FORMATS if f.reader)


def writable_formats() -> tuple[FileFormat, ...]:
    return tuple(f for f in FORMATS if f.writer)


def detect(path: Path) -> FileFormat:
    """The readable format a path holds, as the import dialog decides it: the first that claims it."""
    return next(f for f in readable_formats() if f.claims is None or f.claims(path))
