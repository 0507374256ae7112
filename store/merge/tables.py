"""A contact's rows in other tables, as a merge moves, folds and restores them.

Rows are read and written as the raw values SQLite stores (datetimes and JSON as their stored text; see
store/dialect.py for PostgreSQL), so what a merge record keeps puts back exactly what was there. Table and
column names below are constants of this module, never user input.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Boolean, text
from sqlalchemy.engine import Connection

from plain.words import plural
from store.dialect import loads, stored_row
from store.family import among, family
from store.lookup import sql_run
from store.models import Contact

Row = dict[str, Any]


def _typed(table: str, values: Row) -> Row:
    """Raw values as the database takes them: a merge record written on SQLite holds booleans as 0/1,
    which PostgreSQL refuses for its boolean columns after `dossier db copy`."""
    columns = Contact.metadata.tables[table].c
    return {
        name: bool(value) if value is not None and isinstance(columns[name].type, Boolean) else value
        for name, value in values.items()
    }


def _columns(table: str) -> str:
    """The table's columns as the models know them (not `*`: PostgreSQL adds a generated search column)."""
    return ", ".join(column.name for column in Contact.metadata.tables[table].c)


def _checked(table: str, columns: Any) -> Any:
    # Column names of raw rows come back from a merge record; only the table's own columns may be written.
    known = Contact.metadata.tables[table].c
    unknown = [column for column in columns if column not in known]
    if unknown:
        raise ValueError(f"{table} has no column {unknown[0]!r}.")
    return columns


@dataclass(frozen=True, slots=True)
class ChildTable:
    """A table whose rows belong to one contact through `contact_id`."""

    name: str
    key: str  # tells a contact's rows apart: the id, or the other half of a composite primary key
    singular: str
    plural: str
    match: tuple[str, ...] = ()  # rows of both contacts equal on these are one thing: folded into one row
    combine: Mapping[str, str] = field(default_factory=dict)  # column -> min/max/sum when folding
    large: bool = False  # fingerprinted by count and last key, not row by row
    # The rows stay with the contact they were written for, and a merge joins the two families instead
    # (store/family.py): a busy contact's events are too many to move.
    stays: bool = False

    def words(self, count: int) -> str:
        return plural(count, self.singular, self.plural)


CHILD_TABLES = (
    ChildTable("event", "id", "event", "events", large=True, stays=True),
    ChildTable("note", "id", "note", "notes", large=True),
    ChildTable(
        "segment_membership",
        "segment_id",
        "segment membership",
        "segment memberships",
        ("segment_id",),
        {"date_added": "min"},
    ),
    ChildTable(
        "campaign_membership",
        "campaign_id",
        "campaign membership",
        "campaign memberships",
        ("campaign_id",),
        {"date_added": "min"},
    ),
    ChildTable(
        "contact_ip",
        "ip_address_id",
        "IP address",
        "IP addresses",
        ("ip_address_id",),
        {"first_seen": "min", "last_seen": "max", "hits": "sum"},
    ),
    ChildTable("social_profile", "id", "social profile", "social profiles", ("network", "handle")),
    ChildTable("do_not_contact", "id", "do-not-contact record", "do-not-contact records"),
)
TABLES = {table.name: table for table in CHILD_TABLES}


def raw_contact(conn: Connection, contact_id: int) -> Row | None:
    """A contact's row as stored, or None."""
    row = conn.execute(text(f"SELECT {_columns('contact')} FROM contact WHERE id = :id"), {"id": contact_id}).first()
    return stored_row(row) if row is not None else None


def raw_rows(conn: Connection, table: ChildTable, contact_id: int) -> list[Row]:
    """A contact's rows of one table as stored, in key order."""
    query = text(f"SELECT {_columns(table.name)} FROM {table.name} WHERE contact_id = :id ORDER BY {table.key}")
    return [stored_row(row) for row in conn.execute(query, {"id": contact_id})]


def count_rows(conn: Connection, table: ChildTable, contact_id: int) -> int:
    """How many rows of one table a contact has (of a table whose rows stay, its family has)."""
    contact, params = _owner(conn, table, contact_id)
    return conn.execute(text(f"SELECT count(*) FROM {table.name} WHERE {contact}"), params).scalar_one()


def _owner(conn: Connection, table: ChildTable, contact_id: int) -> tuple[str, dict[str, Any]]:
    """The condition on `contact_id` that picks a contact's rows of the table, and its parameters."""
    if table.stays:
        return among("contact_id", family(sql_run(conn), contact_id))
    return "contact_id = :id", {"id": contact_id}


def side_fingerprint(conn: Connection, contact_id: int) -> str:
    """A digest of one contact and its rows: it changes whenever what a merge preview shows changes."""
    state: list[Any] = [raw_contact(conn, contact_id)]
    for table in CHILD_TABLES:
        if table.large:
            contact, params = _owner(conn, table, contact_id)
            query = text(f"SELECT count(*), max({table.key}) FROM {table.name} WHERE {contact}")
            state.append(list(conn.execute(query, params).one()))
        else:
            state.append(raw_rows(conn, table, contact_id))
    return hashlib.sha256(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()[:16]


def fold_pairs(conn: Connection, table: ChildTable, survivor_id: int, other_id: int) -> list[tuple[Row, Row]]:
    """The other contact's rows that the survivor already has, each with the survivor's row: `(other, mine)`."""
    if not table.match:
        return []
    mine = {tuple(row[c] for c in table.match): row for row in raw_rows(conn, table, survivor_id)}
    pairs = []
    for row in raw_rows(conn, table, other_id):
        twin = mine.get(tuple(row[c] for c in table.match))
        if twin is not None:
            pairs.append((row, twin))
    return pairs


def combined(table: ChildTable, mine: Row, other: Row) -> Row:
    """The survivor's row after folding the other's into it: the earliest date, the latest visit, all hits."""
    functions: dict[str, Callable[[Any, Any], Any]] = {"min": min, "max": max, "sum": lambda a, b: a + b}
    return {column: functions[how](mine[column], other[column]) for column, how in table.combine.items()}


def fold(conn: Connection, table: ChildTable, survivor_id: int, other_id: int) -> list[dict[str, Row]]:
    """Fold the other's duplicates of the survivor's rows into them; returns what undo needs per pair."""
    entries = []
    for other, mine in fold_pairs(conn, table, survivor_id, other_id):
        after = combined(table, mine, other)
        if after:
            update_row(conn, table, survivor_id, mine[table.key], after)
        delete = text(f"DELETE FROM {table.name} WHERE contact_id = :contact AND {table.key} = :key")
        conn.execute(delete, {"contact": other_id, "key": other[table.key]})
        before = {column: mine[column] for column in after}
        entries.append({"other": other, "survivor_key": mine[table.key], "before": before, "after": after})
    return entries


def move(conn: Connection, table: ChildTable, survivor_id: int, other_id: int) -> list[Any]:
    """Move every row of the other contact to the survivor in one statement; returns their keys, sorted."""
    keys = _keys_of(conn, table, other_id)
    params = {"survivor": survivor_id, "other": other_id}
    conn.execute(text(f"UPDATE {table.name} SET contact_id = :survivor WHERE contact_id = :other"), params)
    return keys


def _keys_of(conn: Connection, table: ChildTable, contact_id: int) -> list[Any]:
    """A contact's keys of one table, sorted, fetched as one JSON array: a contact with 100,000 events has as
    many, and fetching them as rows (RETURNING) cost 0.4 s of SQLAlchemy's row handling."""
    gather = "json_agg({0} ORDER BY {0})" if conn.dialect.name == "postgresql" else "json_group_array({0})"
    ordered = f"SELECT {table.key} FROM {table.name} WHERE contact_id = :id ORDER BY {table.key}"
    query = f"SELECT {gather.format(table.key)} FROM ({ordered}) AS keys"
    return loads(conn.execute(text(query), {"id": contact_id}).scalar_one()) or []


def _among(conn: Connection, column: str) -> str:
    """`column` is one of the keys bound as `:keys` (see `_keys`): one parameter however many keys there are.
    An expanding IN of 100,000 keys takes SQLAlchemy a second to render and SQLite as long to parse."""
    if conn.dialect.name == "postgresql":
        return f"{column} = ANY(:keys)"
    return f"{column} IN (SELECT value FROM json_each(:keys))"


def _keys(conn: Connection, keys: list[Any]) -> Any:
    """The keys as `_among` binds them: an array on PostgreSQL, a JSON array's text on SQLite."""
    return list(keys) if conn.dialect.name == "postgresql" else json.dumps(list(keys))


def move_back(conn: Connection, table: ChildTable, survivor_id: int, other_id: int, keys: list[Any]) -> int:
    """Move the rows with these keys from the survivor back to the other contact; returns how many were there."""
    among = _among(conn, table.key)
    statement = text(f"UPDATE {table.name} SET contact_id = :other WHERE contact_id = :survivor AND {among}")
    params = {"survivor": survivor_id, "other": other_id, "keys": _keys(conn, keys)}
    return conn.execute(statement, params).rowcount


def count_present(conn: Connection, table: ChildTable, contact_id: int, keys: list[Any]) -> int:
    """How many of these rows the contact still has."""
    query = text(f"SELECT count(*) FROM {table.name} WHERE contact_id = :id AND {_among(conn, table.key)}")
    return conn.execute(query, {"id": contact_id, "keys": _keys(conn, keys)}).scalar_one()


def get_row(conn: Connection, table: ChildTable, contact_id: int, key: Any) -> Row | None:
    """One row of a contact by its key, as stored, or None."""
    query = text(f"SELECT {_columns(table.name)} FROM {table.name} WHERE contact_id = :contact AND {table.key} = :key")
    row = conn.execute(query, {"contact": contact_id, "key": key}).first()
    return stored_row(row) if row is not None else None


def update_row(conn: Connection, table: ChildTable, contact_id: int, key: Any, values: Row) -> None:
    """Write raw column values to one row of a contact."""
    _checked(table.name, values)
    assignments = ", ".join(f"{column} = :v_{column}" for column in values)
    statement = text(f"UPDATE {table.name} SET {assignments} WHERE contact_id = :contact AND {table.key} = :key")
    values = _typed(table.name, values)
    conn.execute(statement, {"contact": contact_id, "key": key, **{f"v_{c}": v for c, v in values.items()}})


def insert_row(conn: Connection, table: ChildTable, row: Row) -> None:
    """Put a row back as it was; an id taken since gives it a new one."""
    if (
        table.key == "id"
        and conn.execute(text(f"SELECT 1 FROM {table.name} WHERE id = :id"), {"id": row["id"]}).first()
    ):
        row = {column: value for column, value in row.items() if column != "id"}
    _checked(table.name, row)
    columns = ", ".join(row)
    values = ", ".join(f":{column}" for column in row)
    conn.execute(text(f"INSERT INTO {table.name} ({columns}) VALUES ({values})"), _typed(table.name, row))


def update_contact(conn: Connection, contact_id: int, values: Row) -> None:
    """Write raw column values to a contact (as read by `raw_contact`)."""
    if values:
        _checked("contact", values)
        assignments = ", ".join(f"{column} = :v_{column}" for column in values)
        params = {"id": contact_id, **{f"v_{c}": v for c, v in _typed("contact", values).items()}}
        conn.execute(text(f"UPDATE contact SET {assignments} WHERE id = :id"), params)
