"""The History timeline: a contact's events, newest first, keyset-paginated, with filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from store.db import compared_time, stored_time
from store.dialect import escape_like
from store.event_search import Narrowing, narrowing
from store.family import among, family
from store.reads import read_run
from store.rows import EventRow, TypeCount, event_type_name

Cursor = tuple[datetime, int]


@dataclass(frozen=True, slots=True)
class TimelineFilter:
    """Which events to show: types to include (empty: all), types to exclude, and a text search."""

    include: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()
    text: str = ""

    @property
    def active(self) -> bool:
        return bool(self.include or self.exclude or self.text.strip())


def timeline_page(
    engine: Engine,
    contact_id: int,
    *,
    flt: TimelineFilter = TimelineFilter(),
    after: Cursor | None = None,
    before: Cursor | None = None,
    oldest: bool = False,
    limit: int = 50,
) -> list[EventRow]:
    """One page of a contact's events, newest first; pass the last row's `(occurred_at, id)` as `after`.

    The order is total (ties on time are broken by id), so pages never skip or repeat an event. The other
    way: `before` (the first row's cursor) gives the `limit` events just newer than it, and `oldest` the
    contact's `limit` oldest; both still newest first, read from the far end of the index, not paged to.
    """
    needle = flt.text.strip()
    upward = before is not None or oldest
    dialect = engine.dialect.name
    with read_run(engine) as run:
        members = family(run, contact_id)
        narrow = narrowing(run, dialect, needle) if needle else None
        conditions, params = _conditions(dialect, flt, needle, narrow)
        for cursor, test, name in ((after, "<", "after"), (before, ">", "before")):
            if cursor is not None:
                conditions.append(f"(event.occurred_at, event.id) {test} (:{name}_at, :{name}_id)")
                params.update({f"{name}_at": compared_time(dialect, cursor[0]), f"{name}_id": cursor[1]})
        # `+ 0` keeps SQLite's planner off the timeline index, which it prefers for the order it gives.
        contact = "event.contact_id + 0" if narrow is not None and narrow.by_id else "event.contact_id"
        statement = _page_statement(contact, members, conditions, "ASC" if upward else "DESC")
        found = run(statement, {**params, **among(contact, members)[1], "limit": limit})
    # occurred_at and details come as stored: fromisoformat is several times quicker than SQLAlchemy's
    # DateTime processor, and details are parsed only when an event is expanded (EventRow.details).
    rows = [
        EventRow(id, contact, kind, stored_time(when), label, details, delta, actor)
        for id, contact, kind, when, label, details, delta, actor in found
    ]
    return rows[::-1] if upward else rows


_COLUMNS = (
    "event.id AS id, event.contact_id AS contact_id, event.type AS type, event.occurred_at AS occurred_at, "
    "event.label AS label, CAST(event.details AS TEXT) AS details, event.points_delta AS points_delta, "
    "event.actor AS actor"
)


def _page_statement(contact: str, members: tuple[int, ...], conditions: list[str], order: str) -> str:
    """A page of the family's events in `order`: for one contact, one walk down its index; for a family, a page
    from each member's own walk, then the first of those (never a sort of all their events)."""
    ordered = f"ORDER BY event.occurred_at {order}, event.id {order} LIMIT :limit"

    def walk(member: int) -> str:
        where = " AND ".join([f"{contact} = :member{member}", *conditions])
        return f"SELECT {_COLUMNS} FROM event WHERE {where} {ordered}"

    if len(members) == 1:
        return walk(0)
    pages = " UNION ALL ".join(f"SELECT * FROM ({walk(n)}) AS member{n}" for n in range(len(members)))
    return f"SELECT * FROM ({pages}) AS family ORDER BY occurred_at {order}, id {order} LIMIT :limit"


_CONTAINS = "dossier_fold({}) LIKE '%' || dossier_fold(:needle) || '%' ESCAPE '\\'"
# Whether any value inside an event's details, at any depth, folded, contains :needle (LIKE-escaped).
_DETAILS_MATCH = {
    "sqlite": "EXISTS (SELECT 1 FROM json_tree(event.details) AS node "
    "WHERE node.type NOT IN ('object', 'array') AND " + _CONTAINS.format("node.atom") + ")",
    "postgresql": "EXISTS (SELECT 1 FROM jsonb_path_query(CAST(event.details AS jsonb), 'strict $.**') AS node(atom) "
    "WHERE jsonb_typeof(node.atom) NOT IN ('object', 'array') AND " + _CONTAINS.format("node.atom #>> '{}'") + ")",
}


def _conditions(
    dialect: str, flt: TimelineFilter, needle: str, narrow: Narrowing | None
) -> tuple[list[str], dict[str, Any]]:
    """The filter's conditions on `event` (SQL text) and their parameters, but for the contact and the cursor."""
    conditions: list[str] = []
    params: dict[str, Any] = {}
    if narrow is not None:
        conditions.append(narrow.condition)
        params.update(narrow.params)
    for name, types, test in (("include", flt.include, "IN"), ("exclude", flt.exclude, "NOT IN")):
        named = {f"{name}{n}": kind for n, kind in enumerate(sorted(types))}
        if named:
            conditions.append(f"event.type {test} ({', '.join(f':{key}' for key in named)})")
            params.update(named)
    if needle:
        # Search the values inside details, not its JSON keys or escapes; case and accents folded. With the
        # index narrowing, this exact test runs on its few candidates alone.
        conditions.append(f"({_CONTAINS.format('event.label')} OR {_DETAILS_MATCH[dialect]})")
        params["needle"] = escape_like(needle)
    return conditions, params


def event_type_counts(engine: Engine, contact_id: int) -> list[TypeCount]:
    """The event types a contact (and its family) actually has, with counts, most frequent first."""
    with read_run(engine) as run:
        contact, params = among("event.contact_id", family(run, contact_id))
        grouped = f"SELECT event.type, count(*) FROM event WHERE {contact} GROUP BY event.type"
        found = run(grouped + " ORDER BY count(*) DESC, event.type", params)
    return [TypeCount(type=kind, name=event_type_name(kind), count=count) for kind, count in found]
