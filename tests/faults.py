"""Making the database refuse a write, as a full disk or a lock would, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection


def refuse_inserts(
    conn: Connection, table: str, message: str, *, when: str | None = None, name: str = "refuse"
) -> None:
    """A trigger failing every insert into `table` (or those whose new row meets `when`) with `message`."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            text(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
                f"$$ BEGIN RAISE EXCEPTION '{message}'; END $$"
            )
        )
        condition = f"WHEN ({when}) " if when else ""
        conn.execute(
            text(f"CREATE TRIGGER {name} BEFORE INSERT ON {table} FOR EACH ROW {condition}EXECUTE FUNCTION {name}()")
        )
        return
    condition = f"WHEN {when} " if when else ""
    conn.execute(
        text(f"CREATE TRIGGER {name} BEFORE INSERT ON {table} {condition}BEGIN SELECT RAISE(ABORT, '{message}'); END")
    )


def allow_inserts(conn: Connection, table: str, *, name: str = "refuse") -> None:
    """Undo `refuse_inserts`."""
    on = f" ON {table}" if conn.dialect.name == "postgresql" else ""
    conn.execute(text(f"DROP TRIGGER {name}{on}"))
