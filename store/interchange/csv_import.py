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

from sqlalchemy import Engine

from store.db import writing_on
from store.interchange.bulk_writes import bulk_cache, collector_spared
from store.interchange.counts import ImportCounts
from store.interchange.csv_columns import CsvImportError, detect_encoding, map_columns, sniff_delimiter, unguard_formula
from store.interchange.csv_records import Columns, Row
from store.interchange.csv_writer import ContactWriter


@dataclass(slots=True)
class ImportSummary(ImportCounts):
    encoding: str = "utf-8"
    delimiter: str = ","
    columns: dict[str, str] = field(default_factory=dict)  # file column -> field (or "custom:NAME")

    def remarks(self) -> str:
        return f"{self.encoding}, delimiter {self.delimiter!r}"


def _rows(path: Path, encoding: str, delimiter: str, summary: ImportSummary) -> Iterator[tuple[int, list[str]]]:
    """(first line, cells) of every record after the header; malformed records go to `summary.failed`."""
    with path.open(encoding=encoding, newline="", errors="replace") as f:
        reader = csv.reader(f, delimiter=delimiter, strict=True)
        last = reader.line_num
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                summary.failed.append(f"{path}:{last + 1}: {exc}")
                last = reader.line_num
                continue
            start, last = last + 1, reader.line_num
            if row:
                yield start, row


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
    rows = _rows(path, encoding, delimiter, summary)
    first = next(rows, None)
    if first is None:
        raise CsvImportError(f"{path} has no header row.")
    header = [unguard_formula(name) for name in first[1]]
    targets = map_columns(header, mapping_overrides)
    summary.columns = dict(zip(header, targets, strict=True))
    columns = Columns(targets)
    read = 0

    def batches() -> Iterator[list[Row]]:
        nonlocal read
        batch: list[Row] = []
        for line, cells in rows:
            read += 1
            try:
                row = columns.read(cells, line)
            except ValueError as exc:
                summary.failed.append(f"{path}:{line}: {exc}")
                continue
            if row is None:
                summary.skipped += 1
                continue
            batch.append(row)
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    with collector_spared(), engine.connect() as conn, bulk_cache(conn):
        writer = ContactWriter(conn, columns, default_region, now or datetime.now(UTC))
        if dry_run:
            transaction = conn.begin()
            try:
                for batch in batches():
                    writer.write(conn, batch, summary)
                    if progress:
                        progress(read)
            finally:
                transaction.rollback()
        else:
            for batch in batches():
                with writing_on(conn):
                    writer.write(conn, batch, summary)
                if progress:
                    progress(read)
    if progress:
        progress(read)
    return summary


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
