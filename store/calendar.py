"""The calendar: dated notes of every live contact, by time range and by the viewer's local days.

Every query is a range scan of the `ix_note_date` index. Days are local: a zone is a `tzinfo` (a
`zoneinfo.ZoneInfo` follows DST) or None for the system's time zone, as in `store.when`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy import Engine, String, and_, column, func, select, values

from store.models import Contact, Note, table_of
from store.rows import display_name
from store.when import local_midnight, to_local

N = table_of(Note).c
C = table_of(Contact).c
MAX_DAYS = 1000
# A live contact, written so that no index can serve it: without statistics SQLite would start from
# the contacts (`merged_into_id IS NULL` looks selective) and read every note of every contact. The
# calendar is always a date range, so the `ix_note_date` index must lead.
LIVE_CONTACT = (C.merged_into_id + 0).is_(None)


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """A dated note with the contact it is about."""

    note_id: int
    contact_id: int
    contact_name: str
    type: str
    date_time: datetime
    text: str
    author: str


def local_days(start: date, end: date, tz: tzinfo | None = None) -> tuple[datetime, datetime]:
    """The local days `start` up to (not including) `end` as an aware UTC range `[from, to)`."""
    return local_midnight(start, tz), local_midnight(end, tz)


def _bounds(start: date, end: date, tz: tzinfo | None, clip: tuple[datetime, datetime] | None = None):
    """A CTE of local days `(d, lo, hi)`: each day's ISO date and its UTC range, optionally clipped."""
    count = (end - start).days
    if count > MAX_DAYS:
        raise ValueError(f"A calendar query covers at most {MAX_DAYS} days, not {count}.")
    edges = [local_midnight(start + timedelta(days=n), tz) for n in range(count + 1)]
    rows = []
    for n in range(count):
        lo, hi = edges[n], edges[n + 1]
        if clip is not None:
            lo, hi = max(lo, clip[0]), min(hi, clip[1])
        rows.append(((start + timedelta(days=n)).isoformat(), lo, hi))
    columns = (column("d", String), column("lo", N.date_time.type), column("hi", N.date_time.type))
    return values(*columns, name="bounds").data(rows).cte("bounds")


def _entry_columns():
    return (N.id, N.contact_id, C.firstname, C.lastname, C.email, N.type, N.date_time, N.text, N.author)


def _entry(row) -> CalendarEntry:
    return CalendarEntry(
        note_id=row.id,
        contact_id=row.contact_id,
        contact_name=display_name(row.contact_id, row.firstname, row.lastname, row.email),
        type=row.type,
        date_time=row.date_time,
        text=row.text,
        author=row.author,
    )


def calendar_entries(
    engine: Engine,
    start: datetime,
    end: datetime,
    *,
    limit_per_day: int | None = None,
    tz: tzinfo | None = None,
) -> list[CalendarEntry]:
    """Dated notes (any type) of live contacts with `start <= date_time < end`, earliest first.

    With `limit_per_day`, only the first that many of each local day (in `tz`) are returned; pair it
    with `day_counts` to show "+N more".
    """
    joined = table_of(Note).join(Contact, C.id == N.contact_id)
    if limit_per_day is None:
        query = (
            select(*_entry_columns())
            .select_from(joined)
            .where(N.date_time >= start, N.date_time < end, LIVE_CONTACT)
            .order_by(N.date_time, N.id)
        )
    else:
        if end <= start:
            return []
        first = to_local(start, tz).date()
        last = to_local(end - timedelta(microseconds=1), tz).date()
        bounds = _bounds(first, last + timedelta(days=1), tz, clip=(start, end))
        rank = func.row_number().over(partition_by=bounds.c.d, order_by=(N.date_time, N.id)).label("rank")
        ranked = (
            select(*_entry_columns(), rank)
            .select_from(bounds.join(joined, and_(N.date_time >= bounds.c.lo, N.date_time < bounds.c.hi)))
            .where(LIVE_CONTACT)
            .subquery()
        )
        query = (
            select(*(ranked.c[col.name] for col in _entry_columns()))
            .where(ranked.c.rank <= limit_per_day)
            .order_by(ranked.c.date_time, ranked.c.id)
        )
    with engine.connect() as conn:
        return [_entry(row) for row in conn.execute(query)]


def day_counts(engine: Engine, start: date, end: date, tz: tzinfo | None = None) -> dict[date, int]:
    """How many dated notes of live contacts fall on each local day from `start` up to (not including)
    `end`, in the zone `tz`; days without notes are left out. Counted in SQL, one index range per day."""
    if end <= start:
        return {}
    bounds = _bounds(start, end, tz)
    query = (
        select(bounds.c.d, func.count())
        .select_from(
            bounds.join(Note, and_(N.date_time >= bounds.c.lo, N.date_time < bounds.c.hi)).join(
                Contact, C.id == N.contact_id
            )
        )
        .where(LIVE_CONTACT)
        .group_by(bounds.c.d)
    )
    with engine.connect() as conn:
        return {date.fromisoformat(day): count for day, count in conn.execute(query)}
