"""Import contacts from a CSV file: Mautic's contact export or another CRM's (Google, Outlook, HubSpot).

The file is streamed (never read whole), its encoding is UTF-8 (with or without BOM) or detected, and its
delimiter sniffed. Header names are matched case-, space- and punctuation-insensitively; columns that match
no contact field are kept in `custom_fields`. `mapping_overrides` (`--map COLUMN=field`) wins over the
automatic mapping; the field `skip` drops a column.

Identity: a row is the same contact as a live one when their emails are equal after trimming and
lower-casing (`Ada@Example.com ` is `ada@example.com`). The duplicate-finder's normal form (`normalize_email`,
which drops `+tags` and Gmail dots) is deliberately *not* used: `ada+news@x.com` and `ada@x.com` may be two
real people or two subscriptions, and an import must not merge them silently (`dossier duplicates` shows them).
Rows without an email are matched by an `external_id` column when there is one; rows with neither match a
contact without email and external id whose first and last name, company, phone, mobile and city are all
equal (case ignored), so re-importing them creates nothing either.

Updates: non-empty cells overwrite, empty cells keep what is stored, tags are added, custom fields merged.
A later row with the same email in the same file updates the earlier one. Re-importing a file changes nothing.
The `id`, `date_added` and `date_modified` columns are not imported (they belong to the source database; use
`--map id=external_id` to keep a Mautic id).

Rows are written in batches, each in one transaction (a failed batch leaves nothing of itself).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from sqlalchemy import Connection, Engine

from store.db import writing_on
from store.interchange.bulk_writes import bulk_cache, collector_spared
from store.interchange.counts import ImportCounts
from store.interchange.csv_columns import CsvImportError, detect_encoding, map_columns, sniff_delimiter, unguard_formula
from store.interchange.csv_records import Columns, Row
from store.interchange.csv_writer import ContactWriter
from store.interchange.read_between import ReadBetween


@dataclass(slots=True)
class ImportSummary(ImportCounts):
    encoding: str = "utf-8"
    delimiter: str = ","
    columns: dict[str, str] = field(default_factory=dict)  # file column -> field (or "custom:NAME")

    def remarks(self) -> str:
        return f"{self.encoding}, delimiter {self.delimiter!r}"


class _Records:
    """The records of an open CSV file after its header, with the line each starts on; a malformed record goes
    to `summary.failed`, and `read` counts the others."""

    def __init__(self, f: TextIO, path: Path, delimiter: str, summary: ImportSummary) -> None:
        self.path, self.summary = path, summary
        self._reader = csv.reader(f, delimiter=delimiter, strict=True)
        self._last = 0  # the line the last record ended on
        self.read = 0

    def _next(self) -> tuple[int, list[str]] | None:
        """The next non-empty record and its first line; None at the end of the file."""
        reader = self._reader
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return None
            except csv.Error as exc:
                self.summary.failed.append(f"{self.path}:{self._last + 1}: {exc}")
                self._last = reader.line_num
                continue
            start, self._last = self._last + 1, reader.line_num
            if cells:
                return start, cells

    def header(self) -> list[str] | None:
        """The first record (call it first)."""
        first = self._next()
        return None if first is None else first[1]

    def batches(self, columns: Columns, size: int) -> Iterator[tuple[list[Row], int]]:
        """The rows read, `size` at a time, each batch with the count of records read so far; a row with a bad
        value goes to `summary.failed`, an empty one is counted in `summary.skipped`. One loop for every record
        of the file, so it is kept flat."""
        batch: list[Row] = []
        while record := self._next():
            start, cells = record
            self.read += 1
            try:
                row = columns.read(cells, start)
            except ValueError as exc:
                self.summary.failed.append(f"{self.path}:{start}: {exc}")
                continue
            if row is None:
                self.summary.skipped += 1
                continue
            batch.append(row)
            if len(batch) >= size:
                yield batch, self.read
                batch = []
        if batch:
            yield batch, self.read


# Rows a transaction writes. Each commit rewrites every index page its rows touched, and the email indexes'
# rows land all over them, so fewer, bigger batches write much less: 10,000 took ~20% less time than 2,000,
# 20,000 no less than 10,000. A batch's records take ~30 MB, and Esc waits for the batch (well under a second).
BATCH_SIZE = 10_000


def import_csv(
    engine: Engine,
    path: str | Path,
    *,
    mapping_overrides: dict[str, str] | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
    default_region: str = "US",
    now: datetime | None = None,
) -> ImportSummary:
    """Import the contacts of a CSV file (see the module docstring); `progress(rows_read)` after each batch.

    With `dry_run`, everything runs in one transaction that is rolled back, so the counts are exact and nothing
    is written. Raises `CsvImportError` when the file cannot be read at all.
    """
    path = Path(path)
    try:
        encoding = detect_encoding(path)
        with path.open(encoding=encoding, newline="", errors="replace") as f:
            sample = f.read(64 * 1024)
    except OSError as exc:
        raise CsvImportError(f"Cannot read {path}: {exc.strerror}.") from exc
    if not sample.strip():
        raise CsvImportError(f"{path} is empty.")
    if "\x00" in sample:
        raise CsvImportError(f"{path} is not a text file (it holds binary data); export the contacts as CSV first.")
    delimiter = sniff_delimiter(sample)
    summary = ImportSummary(encoding=encoding, delimiter=delimiter)
    with path.open(encoding=encoding, newline="", errors="replace") as f:
        records = _Records(f, path, delimiter, summary)
        first = records.header()
        if first is None:
            raise CsvImportError(f"{path} has no header row.")
        header = [unguard_formula(name) for name in first]
        targets = map_columns(header, mapping_overrides)
        summary.columns = dict(zip(header, targets, strict=True))
        columns = Columns(targets)
        with collector_spared(), engine.connect() as conn, bulk_cache(conn):
            writer = ContactWriter(conn, columns, default_region, now or datetime.now(UTC))
            batches = ReadBetween(records.batches(columns, batch_size))
            try:
                for read in _written(conn, writer, batches, summary, dry_run):
                    if progress:
                        progress(read)
            finally:
                batches.close()
    if progress:
        progress(records.read)
    return summary


def _written(
    conn: Connection,
    writer: ContactWriter,
    batches: ReadBetween[tuple[list[Row], int]],
    summary: ImportSummary,
    dry_run: bool,
) -> Iterator[int]:
    """Writes each batch in a transaction of its own (with `dry_run`, all of them in one, rolled back), and
    yields the count of records read after each. The next batch is read while SQLite indexes and commits."""
    if dry_run:
        transaction = conn.begin()
        try:
            for batch, read in batches:
                writer.write(conn, batch, summary, inserted=batches.resume)
                yield read
        finally:
            transaction.rollback()
    else:
        for batch, read in batches:
            with writing_on(conn):
                writer.write(conn, batch, summary, inserted=batches.resume)
            yield read


def read_csv(
    engine: Engine,
    path: Path,
    *,
    now: datetime,
    progress: Callable[[int], None] | None = None,
    mapping: list[tuple[str, str]] | None = None,
    dry_run: bool = False,
) -> ImportSummary:
    """`import_csv` as the format registry calls it (`--map` arrives as a list of pairs)."""
    return import_csv(engine, path, mapping_overrides=dict(mapping or []), dry_run=dry_run, progress=progress, now=now)
