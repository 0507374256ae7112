"""Writing a batch of a CSV file's rows: each matched to a live contact it updates, or inserted as a new one.

Most rows of most imports are new contacts, so a new contact's row is built straight from the file's cells
(`Row`), in the order of a statement made for the file's columns; the dict of values (`Record`) is made only
for a row that updates a contact or shares its key with another row of the batch.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from store.db import db_time
from store.dialect import stored, stored_row
from store.interchange.bulk_writes import search_index_in_bulk
from store.interchange.counts import ImportCounts
from store.interchange.csv_columns import NULLABLE_FIELDS, TEXT_FIELDS
from store.interchange.csv_records import Columns, Record, Row, custom_json, fingerprint, folded, getter, tags_json
from store.normalize import normalize_email
from store.phones import normalize_phone, region_for_country

_SELECT_COLUMNS = ("id", *TEXT_FIELDS, *NULLABLE_FIELDS, "points", "tags", "custom_fields", "last_active")


def existing_contacts(
    conn: Connection, emails: set[str], normals: set[str], external_ids: set[str], prints: set[str]
) -> dict[tuple[str, str], dict[str, Any]]:
    """Live contacts by key: by trimmed lower-cased email (`emails`, and their `normalize_email` forms in
    `normals`), by external id, and by `fingerprint` for contacts with neither."""
    cols = ", ".join(_SELECT_COLUMNS)
    # The unary + keeps SQLite from scanning ix_contact_merged_into_id (every live contact) instead of the key's index.
    live = "+merged_into_id IS NULL AND deleted_at IS NULL"
    found: dict[tuple[str, str], dict[str, Any]] = {}
    # email_normalized is indexed and coarser than our key: fetch by it (and by the raw column), then compare.
    for column, keys in (("email_normalized", normals), ("email", emails)):
        for chunk in _chunks(keys):
            sql = f"SELECT {cols} FROM contact WHERE {live} AND {column} IN ({_marks(conn, len(chunk))}) ORDER BY id"
            for row in conn.exec_driver_sql(sql, chunk):
                key = ("email", (row.email or "").strip().lower())
                if key[1] in emails and key not in found:
                    found[key] = stored_row(row)
    for chunk in _chunks(external_ids):
        sql = f"SELECT {cols} FROM contact WHERE {live} AND external_id IN ({_marks(conn, len(chunk))}) ORDER BY id"
        for row in conn.exec_driver_sql(sql, chunk):
            found.setdefault(("external_id", row.external_id), stored_row(row))
    if prints:
        # Contacts without email or external id (few, and found through the index on email).
        sql = f"SELECT {cols} FROM contact WHERE {live} AND email IS NULL AND external_id IS NULL ORDER BY id"
        for row in conn.exec_driver_sql(sql):
            key = ("fingerprint", fingerprint(row._mapping))
            if key[1] in prints:
                found.setdefault(key, stored_row(row))
    return found


def _chunks(keys: Iterable[str], size: int = 500) -> Iterable[tuple[str, ...]]:
    """The keys in sorted chunks of `size` (sorted, an index is read in order)."""
    ordered = sorted(keys)
    return (tuple(ordered[start : start + size]) for start in range(0, len(ordered), size))


def _marks(conn: Connection, count: int) -> str:
    """`count` positional parameter markers in the driver's own style (these statements skip SQLAlchemy)."""
    return ", ".join(["?" if conn.dialect.paramstyle == "qmark" else "%s"] * count)


# A new contact's columns: first those taken from its row's cells (an empty cell of a column that may be NULL
# is NULL) …
_FROM_CELLS = {**{name: "{}" for name in TEXT_FIELDS}, **{name: "nullif({}, '')" for name in NULLABLE_FIELDS}}
# … then those worked out from the row.
_WORKED_OUT = (
    "points",
    "tags",
    "custom_fields",
    "last_active",
    "email_normalized",
    "phone_e164",
    "date_added",
    "date_modified",
)


class ContactWriter:
    """Writes the batches of one file, whose columns are `columns`."""

    def __init__(self, conn: Connection, columns: Columns, default_region: str, now: datetime) -> None:
        self.columns = columns
        self.default_region = default_region
        self.now = db_time(now)
        self._regions: dict[str, str] = {}  # country cell -> phone region
        self._tags_text = functools.lru_cache(maxsize=4096)(tags_json)  # a file repeats a few combinations of tags
        self._cells = getter([columns.position(name) for name in _FROM_CELLS])
        self._phones = getter([columns.position(name) for name in ("phone", "mobile", "country")])
        mark = _marks(conn, 1)
        names = ", ".join((*_FROM_CELLS, *_WORKED_OUT, "avatar_source"))
        values = [value.format(mark) for value in _FROM_CELLS.values()] + [mark] * len(_WORKED_OUT) + ["'gravatar'"]
        self._insert = f"INSERT INTO contact ({names}) VALUES ({', '.join(values)})"

    def write(
        self, conn: Connection, rows: list[Row], counts: ImportCounts, inserted: Callable[[], None] = lambda: None
    ) -> None:
        """Write a batch: update the contacts its rows match, insert the others (rows with one key as one).
        `inserted()` is called once the new contacts are inserted, before SQLite indexes them for search."""
        groups: dict[tuple[str, str], Row | Record] = {row.key: row for row in rows}
        if len(groups) < len(rows):  # a key comes again: its rows become one record, where its first row was
            groups = {}
            for row in rows:
                if (first := groups.setdefault(row.key, row)) is not row:
                    groups[row.key] = folded(self._record(first), self.columns.as_record(row))
        found = self._existing(conn, rows, groups)
        new, updates = self._matched(groups.values(), found, counts) if found else (list(groups.values()), [])
        counts.created += len(new)
        counts.updated += sum(entry.extra_rows for entry in new if isinstance(entry, Record))
        if new:
            inserts = [
                self.new_contact(entry) if isinstance(entry, Row) else self.new_contact_of_record(entry)
                for entry in new
            ]
            with search_index_in_bulk(conn):
                conn.exec_driver_sql(self._insert, inserts)
                inserted()
        else:
            inserted()
        if updates:
            names = [name for name in updates[0] if name != "id"]
            mark = _marks(conn, 1)
            sets = ", ".join(f"{name} = {mark}" for name in names)
            sql = f"UPDATE contact SET {sets} WHERE id = {mark}"
            conn.exec_driver_sql(sql, [(*(row[name] for name in names), row["id"]) for row in updates])

    def _matched(
        self, entries: Iterable[Row | Record], found: dict[tuple[str, str], dict[str, Any]], counts: ImportCounts
    ) -> tuple[list[Row | Record], list[dict[str, Any]]]:
        """The entries that match no contact in `found`, and the changes of those that match one (counted)."""
        new, updates = [], []
        for entry in entries:
            existing = found.get(entry.key)
            if existing is None and entry.key[0] == "email" and (external_id := self._external_id(entry)):
                existing = found.get(("external_id", external_id))
            if existing is None:
                new.append(entry)
                continue
            record = self._record(entry)
            row = self._update_row(record, existing)
            if row is None:
                counts.unchanged += 1 + record.extra_rows
            else:
                updates.append(row)
                counts.updated += 1 + record.extra_rows
        return new, updates

    def _record(self, entry: Row | Record) -> Record:
        return self.columns.as_record(entry) if isinstance(entry, Row) else entry

    def _external_id(self, entry: Row | Record) -> str | None:
        if isinstance(entry, Row):
            return entry.cells[self.columns.external_id] or None
        return entry.values.get("external_id")

    def _existing(
        self, conn: Connection, rows: list[Row], groups: dict[tuple[str, str], Row | Record]
    ) -> dict[tuple[str, str], dict[str, Any]]:
        emails = {value for kind, value in groups if kind == "email"}
        # The normal form follows from the key, so the rows of a group share it.
        normals = {normal for row in rows if (normal := row.email_normalized)}
        prints = {value for kind, value in groups if kind == "fingerprint"}
        external_ids: set[str] = set()
        if self.columns.external_id >= 0:
            external_ids = {external_id for entry in groups.values() if (external_id := self._external_id(entry))}
        return existing_contacts(conn, emails, normals, external_ids, prints)

    def new_contact(self, row: Row) -> tuple[Any, ...]:
        """The insert statement's values for a new contact, from its row's cells (this runs for most rows)."""
        cells = row.cells
        phone, mobile, country = self._phones(cells)
        e164 = self._e164(phone, mobile, country) if phone or mobile else None
        worked_out = (row.points or 0, self._tags_text(row.tags), self.columns.custom_text(cells), row.last_active)
        return (*self._cells(cells), *worked_out, row.email_normalized, e164, self.now, self.now)

    def new_contact_of_record(self, record: Record) -> tuple[Any, ...]:
        """`new_contact` for a record: several rows folded together."""
        values = record.values
        return (
            *(values.get(name, "") for name in _FROM_CELLS),
            values.get("points", 0),
            tags_json(record.tags),
            custom_json(record.custom),
            values.get("last_active"),
            normalize_email(values.get("email")),
            self._e164(values.get("phone"), values.get("mobile"), values.get("country")),
            self.now,
            self.now,
        )

    def _e164(self, phone: str | None, mobile: str | None, country: str | None) -> str | None:
        if not phone and not mobile:
            return None  # no number to read, so no country to look up
        region = self._regions.get(country or "")
        if region is None:
            region = self._regions[country or ""] = region_for_country(country, self.default_region)
        return normalize_phone(phone, region) or normalize_phone(mobile, region)

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
        row["phone_e164"] = self._e164(merged["phone"], merged["mobile"], merged["country"])
        row["date_modified"] = self.now
        return row
