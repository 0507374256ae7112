"""The History timeline: a contact's events, newest first, keyset-paginated, with filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, Select, String, Text, cast, exists, func, or_, select, text, tuple_, type_coerce

from store.db import stored_time
from store.dialect import escape_like, folded_contains
from store.event_search import narrowing
from store.models import Event, table_of
from store.rows import EventRow, TypeCount, event_type_name

E = table_of(Event).c
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
    order = (E.occurred_at.asc(), E.id.asc()) if upward else (E.occurred_at.desc(), E.id.desc())
    with engine.connect() as conn:
        narrow = narrowing(conn, needle) if needle else None
        # `+ 0` keeps SQLite's planner off the timeline index, which it prefers for the order it gives.
        by_id = narrow is not None and narrow.by_id and engine.dialect.name == "sqlite"
        query = _select_events().where((E.contact_id + 0 if by_id else E.contact_id) == contact_id)
        if narrow is not None:
            query = query.where(narrow.condition)
        if flt.include:
            query = query.where(E.type.in_(sorted(flt.include)))
        if flt.exclude:
            query = query.where(E.type.not_in(sorted(flt.exclude)))
        if needle:
            # Search the values inside details, not its JSON keys or escapes; case and accents folded. With the
            # index narrowing, this exact test runs on its few candidates alone.
            label = folded_contains(E.label, needle)
            query = query.where(or_(label, _details_match(engine.dialect.name))).params(needle=escape_like(needle))
        if after is not None:
            query = query.where(tuple_(E.occurred_at, E.id) < tuple_(*after))
        if before is not None:
            query = query.where(tuple_(E.occurred_at, E.id) > tuple_(*before))
        found = conn.execute(query.order_by(*order).limit(limit))
        rows = [
            EventRow(id, contact, kind, stored_time(when), label, details, delta, actor)
            for id, contact, kind, when, label, details, delta, actor in found
        ]
    return rows[::-1] if upward else rows


def _select_events() -> Select:
    # occurred_at and details come as the stored text: fromisoformat is several times faster than the generic
    # DateTime processor, and details are parsed only when an event is expanded (EventRow.details).
    return select(
        E.id,
        E.contact_id,
        E.type,
        type_coerce(E.occurred_at, String).label("occurred_at"),
        E.label,
        # The JSON as stored, parsed only when a row is expanded (PostgreSQL's json type keeps the text too).
        cast(E.details, Text).label("details"),
        E.points_delta,
        E.actor,
    )


def _details_match(dialect: str):
    """Whether any value inside an event's details, at any depth, folded, contains :needle (LIKE-escaped)."""
    if dialect == "postgresql":
        return text(
            "EXISTS (SELECT 1 FROM jsonb_path_query(CAST(event.details AS jsonb), 'strict $.**') AS node(atom) "
            "WHERE jsonb_typeof(node.atom) NOT IN ('object', 'array') "
            "AND dossier_fold(node.atom #>> '{}') LIKE '%' || dossier_fold(:needle) || '%' ESCAPE '\\')"
        )
    atoms = (
        select(text("1"))
        .select_from(func.json_tree(E.details).table_valued("atom", "type").alias("node"))
        .where(
            text("node.type NOT IN ('object', 'array')"),
            text("dossier_fold(node.atom) LIKE '%' || dossier_fold(:needle) || '%' ESCAPE '\\'"),
        )
    )
    return exists(atoms)


def event_type_counts(engine: Engine, contact_id: int) -> list[TypeCount]:
    """The event types a contact actually has, with counts, most frequent first."""
    query = (
        select(E.type, func.count().label("n"))
        .where(E.contact_id == contact_id)
        .group_by(E.type)
        .order_by(func.count().desc(), E.type)
    )
    with engine.connect() as conn:
        return [TypeCount(type=r.type, name=event_type_name(r.type), count=r.n) for r in conn.execute(query)]
