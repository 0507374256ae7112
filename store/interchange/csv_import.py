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
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from store.db import db_time, writing_on
from store.dialect import stored, stored_row
from store.interchange.bulk_writes import bulk_cache, collector_spared, search_index_in_bulk
from store.interchange.counts import ImportCounts
from store.interchange.csv_columns import (
    NULLABLE_FIELDS,
    TEXT_FIELDS,
    CsvImportError,
    detect_encoding,
    map_columns,
    sniff_delimiter,
    unguard_formula,
)
from store.interchange.csv_records import Columns, Record, custom_json, fingerprint, folded, tags_json
from store.normalize import normalize_email
from store.phones import normalize_phone, region_for_country


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

_SELECT_COLUMNS = ("id", *TEXT_FIELDS, *NULLABLE_FIELDS, "points", "tags", "custom_fields", "last_active")


def _existing(conn: Connection, records: list[Record]) -> dict[tuple[str, str], dict[str, Any]]:
    """Live contacts matching the records' keys: by trimmed lower-cased email, then by external id."""
    cols = ", ".join(_SELECT_COLUMNS)
    # The unary + keeps SQLite from scanning ix_contact_merged_into_id (every live contact) instead of the key's index.
    live = "+merged_into_id IS NULL AND deleted_at IS NULL"
    found: dict[tuple[str, str], dict[str, Any]] = {}
    emails = sorted({r.key[1] for r in records if r.key[0] == "email"})
    # email_normalized is indexed and coarser than our key: fetch by it (and by the raw column), then compare.
    normals = sorted({n for e in emails if (n := normalize_email(e))})
    wanted = set(emails)
    for column, keys in (("email_normalized", normals), ("email", emails)):
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            sql = f"SELECT {cols} FROM contact WHERE {live} AND {column} IN ({_marks(conn, len(chunk))}) ORDER BY id"
            for row in conn.exec_driver_sql(sql, tuple(chunk)):
                key = ("email", (row.email or "").strip().lower())
                if key[1] in wanted and key not in found:
                    found[key] = stored_row(row)
    ext = sorted({r.values["external_id"] for r in records if "external_id" in r.values})
    for start in range(0, len(ext), 500):
        chunk = ext[start : start + 500]
        sql = f"SELECT {cols} FROM contact WHERE {live} AND external_id IN ({_marks(conn, len(chunk))}) ORDER BY id"
        for row in conn.exec_driver_sql(sql, tuple(chunk)):
            found.setdefault(("external_id", row.external_id), stored_row(row))
    prints = {r.key[1] for r in records if r.key[0] == "fingerprint"}
    if prints:
        # Contacts without email or external id (few, and found through the index on email).
        sql = f"SELECT {cols} FROM contact WHERE {live} AND email IS NULL AND external_id IS NULL ORDER BY id"
        for row in conn.exec_driver_sql(sql):
            key = ("fingerprint", fingerprint(row._mapping))
            if key[1] in prints:
                found.setdefault(key, stored_row(row))
    return found


def _marks(conn: Connection, count: int) -> str:
    """`count` positional parameter markers in the driver's own style (these statements skip SQLAlchemy)."""
    return ", ".join(["?" if conn.dialect.paramstyle == "qmark" else "%s"] * count)


# A new contact's columns: first those taken from the row (empty text, NULL or 0 where the row has nothing)…
_FROM_ROW = {**dict.fromkeys(TEXT_FIELDS, ""), **dict.fromkeys(NULLABLE_FIELDS), "points": 0}
_from_row = itemgetter(*_FROM_ROW)
# … then those worked out from it.
_INSERT_COLUMNS = (
    *_FROM_ROW,
    "tags",
    "custom_fields",
    "last_active",
    "email_normalized",
    "phone_e164",
    "avatar_source",
    "date_added",
    "date_modified",
)


class _Writer:
    def __init__(self, default_region: str, now: datetime) -> None:
        self.default_region = default_region
        self.now = db_time(now)

    def phone_e164(self, values: dict[str, Any]) -> str | None:
        phone, mobile = values.get("phone"), values.get("mobile")
        if not phone and not mobile:
            return None  # no number to read, so no country to look up
        region = region_for_country(values.get("country"), self.default_region)
        return normalize_phone(phone, region) or normalize_phone(mobile, region)

    def write(self, conn: Connection, records: list[Record], summary: ImportSummary) -> None:
        groups: dict[tuple[str, str], Record] = {}
        for record in records:
            first = groups.get(record.key)
            groups[record.key] = record if first is None else folded(first, record)
        found = _existing(conn, list(groups.values()))
        inserts, updates = [], []
        for record in groups.values():
            existing = found.get(record.key)
            if existing is None and record.key[0] == "email" and "external_id" in record.values:
                existing = found.get(("external_id", record.values["external_id"]))
            if existing is None:
                inserts.append(self._insert_row(record))
                summary.created += 1
                summary.updated += record.extra_rows
                continue
            row = self._update_row(record, existing)
            if row is None:
                summary.unchanged += 1 + record.extra_rows
            else:
                updates.append(row)
                summary.updated += 1 + record.extra_rows
        if inserts:
            sql = f"INSERT INTO contact ({', '.join(_INSERT_COLUMNS)}) VALUES ({_marks(conn, len(_INSERT_COLUMNS))})"
            with search_index_in_bulk(conn):
                conn.exec_driver_sql(sql, inserts)
        if updates:
            names = [name for name in updates[0] if name != "id"]
            mark = _marks(conn, 1)
            sets = ", ".join(f"{name} = {mark}" for name in names)
            sql = f"UPDATE contact SET {sets} WHERE id = {mark}"
            conn.exec_driver_sql(sql, [(*(row[name] for name in names), row["id"]) for row in updates])

    def _insert_row(self, record: Record) -> tuple[Any, ...]:
        """The values of `_INSERT_COLUMNS` for a new contact (a tuple: this runs for every row imported)."""
        values = record.values
        return (
            *_from_row({**_FROM_ROW, **values}),
            tags_json(record.tags),
            custom_json(record.custom),
            values.get("last_active"),  # already the stored text
            normalize_email(values.get("email")),
            self.phone_e164(values),
            "gravatar",
            self.now,
            self.now,
        )

    def _update_row(self, record: Record, existing: dict[str, Any]) -> dict[str, Any] | None:
        merged = dict(existing)
        for name, value in record.values.items():
            merged[name] = stored(value)
        tags = json.loads(existing["tags"] or "[]")
        tags += [tag for tag in record.tags if tag not in tags]
        custom = json.loads(existing["custom_fields"] or "{}")
        custom_before = dict(custom)
        custom.update(record.custom)
        scalar_changed = any(merged[name] != existing[name] for name in record.values)
        if not scalar_changed and tags == json.loads(existing["tags"] or "[]") and custom == custom_before:
            return None
        row = {name: merged[name] for name in _SELECT_COLUMNS if name not in ("tags", "custom_fields")}
        row["tags"] = json.dumps(tags)
        row["custom_fields"] = json.dumps(custom)
        row["email_normalized"] = normalize_email(merged["email"])
        row["phone_e164"] = self.phone_e164(merged)
        row["date_modified"] = self.now
        return row


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
    writer = _Writer(default_region, now or datetime.now(UTC))
    read = 0

    def batches() -> Iterator[list[Record]]:
        nonlocal read
        batch: list[Record] = []
        for line, row in rows:
            read += 1
            try:
                record = columns.record(row, line)
            except ValueError as exc:
                summary.failed.append(f"{path}:{line}: {exc}")
                continue
            if record is None:
                summary.skipped += 1
                continue
            batch.append(record)
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    with collector_spared(), engine.connect() as conn, bulk_cache(conn):
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
