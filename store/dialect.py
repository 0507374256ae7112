"""The few places where SQLite and PostgreSQL need different SQL or give back different Python values.

Raw SQL reads (`text()` queries) get SQLite's stored forms on SQLite (times and JSON as text, booleans as
0/1) and typed values on PostgreSQL (aware datetimes, parsed JSON, bools). Code that keeps raw values (a
merge record, an export) turns them into SQLite's stored form with `stored`, so both databases write the
same bytes into a merge record or a file.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ColumnElement, String, Table, func, literal
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from store.db import db_time

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite


def insert(conn: Connection, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT with the dialect's ON CONFLICT clauses (`on_conflict_do_update`, `on_conflict_do_nothing`)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def stored(value: Any) -> Any:
    """A raw column value in the form SQLite stores it: times as UTC text, JSON as its text."""
    if isinstance(value, datetime):
        return db_time(value.astimezone(UTC))
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def stored_row(row: Any) -> dict[str, Any]:
    """A raw row's mapping with every value in SQLite's stored form (see `stored`)."""
    return {key: stored(value) for key, value in row._mapping.items()}


def loads(value: Any) -> Any:
    """A raw JSON column's value: parsed on PostgreSQL already, text to parse on SQLite."""
    return json.loads(value) if isinstance(value, str | bytes) else value


class email_domain(FunctionElement):
    """The domain of `contact.email_normalized`, spelled as the index of migration 0003_merge spells it."""

    type = String()
    inherit_cache = True
    name = "email_domain"


@compiles(email_domain)
def _email_domain_sqlite(_element, _compiler, **_kw) -> str:
    return "substr(contact.email_normalized, instr(contact.email_normalized, '@') + 1)"


@compiles(email_domain, "postgresql")
def _email_domain_postgresql(_element, _compiler, **_kw) -> str:
    return "split_part(contact.email_normalized, '@', 2)"


def _named_per_dialect(sqlite: str, postgresql: str):
    """Compile a function class as `sqlite(args)` on SQLite and `postgresql(args)` on PostgreSQL."""

    def register(cls):
        compiles(cls)(lambda element, compiler, **kw: f"{sqlite}({compiler.process(element.clauses, **kw)})")
        compiles(cls, "postgresql")(
            lambda element, compiler, **kw: f"{postgresql}({compiler.process(element.clauses, **kw)})"
        )
        return cls

    return register


@_named_per_dialect("json_group_array", "json_agg")
class group_array(FunctionElement):
    """An aggregate JSON array of its argument: SQLite's json_group_array, PostgreSQL's json_agg."""

    type = JSON()
    inherit_cache = True
    name = "group_array"


@_named_per_dialect("json_array", "json_build_array")
class json_array(FunctionElement):
    """A JSON array of its arguments: SQLite's json_array, PostgreSQL's json_build_array."""

    type = JSON()
    inherit_cache = True
    name = "json_array"


def escape_like(value: str) -> str:
    """`value` with LIKE's wildcards escaped (escape character: backslash)."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def folded_pattern(needle: str) -> ColumnElement:
    """A LIKE pattern (escape `\\`) for values containing `needle`, folded by the database's `dossier_fold`.

    The needle is folded where the column is, by the same function: Python's folding and PostgreSQL's
    unaccent disagree at the edges (Ł, Ø, kana voicing marks), and a needle folded one way never matches a
    column folded the other.
    """
    return literal("%") + func.dossier_fold(literal(escape_like(needle), String)) + literal("%")


def folded_contains(column: ColumnElement, needle: str) -> ColumnElement:
    """Whether `column`, case and accents folded, contains `needle` (see `folded_pattern`)."""
    return func.dossier_fold(column).like(folded_pattern(needle), escape="\\")
