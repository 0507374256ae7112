"""Export contacts to CSV with Mautic's column names, so Mautic (or `dossier import csv`) reads them back.

Cells are safe to open in a spreadsheet and to print: a cell that starts like a formula (`=`, `+`, `-`, `@`,
tab, CR) gets a leading `'` (OWASP's advice; `dossier import csv` removes it again), and control characters
are written as visible symbols (ESC as ␛), as the app shows them.

Live contacts only (not merged away, not deleted), optionally only a segment's members (not those manually
removed); streamed in batches by id. Tags are joined with `|`; each custom field is one more column, after
the standard ones (a custom field named like a standard column is written as `custom_NAME`). `external_id`
is written after `last_active` so a round trip keeps it; `id` is Dossier's own and is not read back.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from sqlalchemy import Engine

from plain.literal import literal
from store.dialect import stored_row
from store.interchange.csv_columns import guard_formula
from store.interchange.out_file import database_files, output_file

COLUMNS = (
    "id",
    "firstname",
    "lastname",
    "email",
    "company",
    "position",
    "phone",
    "mobile",
    "address1",
    "address2",
    "city",
    "state",
    "zipcode",
    "country",
    "website",
    "points",
    "stage",
    "owner",
    "tags",
    "date_added",
    "last_active",
    "external_id",
)
_DB_COLUMN = {"state": "region"}


def _when(value: str | None) -> str:
    if not value:
        return ""
    return datetime.fromisoformat(value).isoformat(sep=" ")


def _cell(value: Any) -> str:
    """A value as a cell: control characters made visible, and a formula start guarded (spreadsheets)."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    return guard_formula(literal(str(value).replace("\r\n", "\n")))


def export_csv(engine: Engine, out: TextIO | Path, *, segment: str | None = None, batch_size: int = 2000) -> int:
    """Write the contacts as CSV to `out` (a file path or an open text stream); returns how many.

    `segment` is a segment's name, alias or id (`GroupNotFound` when there is none).
    """
    where = "contact.merged_into_id IS NULL AND contact.deleted_at IS NULL"
    params: dict[str, Any] = {}
    if segment is not None:
        from store.memberships import find_group

        params["segment_id"] = find_group(engine, "segment", segment).id
        where += (
            " AND contact.id IN (SELECT contact_id FROM segment_membership WHERE segment_id = :segment_id"
            " AND NOT manually_removed)"
        )
    if isinstance(out, Path):
        with output_file(out, protect=database_files(engine)) as f:
            return export_csv(engine, f, segment=segment, batch_size=batch_size)
    from sqlalchemy import text

    select_cols = ", ".join(_DB_COLUMN.get(c, c) for c in COLUMNS)
    with engine.connect() as conn:
        each = (
            "json_object_keys(contact.custom_fields) AS j(key)"
            if conn.dialect.name == "postgresql"
            else ("json_each(contact.custom_fields) AS j")
        )
        keys = conn.execute(text(f"SELECT DISTINCT j.key FROM contact, {each} WHERE {where}"), params).scalars()
        custom = sorted(str(key) for key in keys)
        headers = [*COLUMNS, *(f"custom_{key}" if key in COLUMNS else _cell(key) for key in custom)]
        writer = csv.writer(out)
        writer.writerow(headers)
        count, after = 0, 0
        query = text(
            f"SELECT {select_cols}, custom_fields FROM contact WHERE {where} AND contact.id > :after "
            "ORDER BY contact.id LIMIT :limit"
        )
        while True:
            rows = [stored_row(row) for row in conn.execute(query, {**params, "after": after, "limit": batch_size})]
            if not rows:
                return count
            for row in rows:
                values = [_cell(row[_DB_COLUMN.get(c, c)]) for c in COLUMNS]
                values[COLUMNS.index("tags")] = _cell("|".join(json.loads(row["tags"] or "[]")))
                values[COLUMNS.index("date_added")] = _when(row["date_added"])
                values[COLUMNS.index("last_active")] = _when(row["last_active"])
                fields = json.loads(row["custom_fields"] or "{}")
                writer.writerow([*values, *(_cell(fields.get(key)) for key in custom)])
            count += len(rows)
            after = rows[-1]["id"]


def write_csv(engine: Engine, out: str | TextIO, *, now: datetime, segment: str | None = None) -> int:
    """`export_csv` as the format registry calls it."""
    return export_csv(engine, Path(out).expanduser() if isinstance(out, str) else out, segment=segment)
