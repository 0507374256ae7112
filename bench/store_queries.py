"""Search, History pages and the chart through the store API, each next to the same SQL through raw sqlite3."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from bench.figures import TIMES, Figure, Target
from bench.timing import capture_sql, raw_connection, replay, time_pair
from store.activity import activity_series
from store.contacts import search_contacts
from store.lookup import match_expression
from store.models import Event
from store.timeline import TimelineFilter, event_type_counts, timeline_page

E = Event.__table__.c
PAGE = 100  # the app's default page size (settings.ui.page_size), for the list and History alike
RAW = "raw sqlite3, same SQL"
RAW_NOTE = (
    "raw sqlite3 runs the very statements the store call sent (recorded by the engine's before_cursor_execute "
    "listeners) and fetches every row as tuples; the store also builds its result objects"
)
SEARCH_TARGETS = [Target("p95 ≤ 5 ms", "p95", "<=", 5.0), Target(f"store ≤ 2{TIMES} raw SQL", "ratio", "<=", 2.0)]
HISTORY_TARGETS = [Target("p95 ≤ 2 ms", "p95", "<=", 2.0), Target(f"store ≤ 2{TIMES} raw SQL", "ratio", "<=", 2.0)]
CHART_TARGETS = [Target("p95 ≤ 10 ms", "p95", "<=", 10.0), Target(f"store ≤ 3{TIMES} raw SQL", "ratio", "<=", 3.0)]


@dataclass(frozen=True, slots=True)
class Workload:
    """The database under test and how hard to push it."""

    path: Path
    engine: Engine
    scale: int
    heavy_id: int
    runs: int
    warmup: int


def search_word(path: Path) -> str:
    """The most common first name among the first contacts: its prefixes are the broadest searches a user types."""
    conn = raw_connection(path)
    try:
        row = conn.execute(
            "SELECT lower(firstname) AS name, count(*) AS n FROM contact WHERE id <= 5000 "
            "AND firstname GLOB '[A-Za-z][a-z][a-z][a-z]*' GROUP BY name ORDER BY n DESC, name LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    return row[0] if row else "anna"


def _pair(w: Workload, call: Callable[[], Any]) -> tuple[Any, Any]:
    """Time a store call against the replay of its own statements; checks both return rows alike."""
    statements = capture_sql(w.engine, call)
    conn = raw_connection(w.path)
    try:
        found = call()
        if not statements or (found and not replay(conn, statements)):
            raise RuntimeError("the raw replay of a store call found nothing; the comparison would be void")
        return time_pair(call, lambda: replay(conn, statements), runs=w.runs, warmup=w.warmup)
    finally:
        conn.close()


def bench_search(w: Workload, word: str) -> list[Figure]:
    """FTS prefix search, 1, 2 and 3 letters and the whole word, as the contact list asks for it."""
    figures = []
    for size, name in ((1, "1-letter"), (2, "2-letter"), (3, "3-letter"), (len(word), "whole-word")):
        query = word[:size]
        assert match_expression(query) is not None
        store, raw = _pair(w, lambda q=query: search_contacts(w.engine, q, limit=PAGE))
        figure = Figure.timed("search", f"search.{name}", f"{name} prefix “{query}”", w.scale, store)
        figure.targets = SEARCH_TARGETS
        figure.note = RAW_NOTE
        figures.append(figure.refer(RAW, raw))
    return figures


def _cursor(w: Workload, flt: TimelineFilter, share: float) -> tuple[datetime, int]:
    """The keyset cursor `share` of the way into the busiest contact's (filtered) History."""
    where = [E.contact_id == w.heavy_id]
    if flt.include:
        where.append(E.type.in_(sorted(flt.include)))
    with w.engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(Event.__table__).where(*where)).scalar_one()
        row = conn.execute(
            select(E.occurred_at, E.id)
            .where(*where)
            .order_by(E.occurred_at.desc(), E.id.desc())
            .offset(int(total * share))
            .limit(1)
        ).one()
    return row.occurred_at, row.id


def filter_type(w: Workload) -> str:
    """The event type whose share of the busiest contact's History is closest to a fifth."""
    counts = event_type_counts(w.engine, w.heavy_id)
    total = sum(c.count for c in counts)
    return min(counts, key=lambda c: (abs(c.count / total - 0.2), c.type)).type


def bench_history(w: Workload) -> list[Figure]:
    """The first page and a page 90% deep (keyset), unfiltered and with an include filter."""
    kind = filter_type(w)
    figures = []
    for flt, tag in ((TimelineFilter(), "all"), (TimelineFilter(include=frozenset({kind})), "only")):
        cursor = _cursor(w, flt, 0.9)
        for after, depth in ((None, "first"), (cursor, "deep")):
            store, raw = _pair(
                w, lambda flt=flt, after=after: timeline_page(w.engine, w.heavy_id, flt=flt, after=after, limit=PAGE)
            )
            where = "first page" if after is None else "page 90% deep (keyset)"
            label = f"{where}, {'all events' if tag == 'all' else f'only {kind}'}"
            figure = Figure.timed("history", f"history.{depth}.{tag}", label, w.scale, store)
            figure.targets = HISTORY_TARGETS
            figure.note = RAW_NOTE
            figures.append(figure.refer(RAW, raw))
    return figures


def chart_now(w: Workload) -> datetime:
    """The chart's 'now': the busiest contact's latest event, so the six months charted are full of events."""
    with w.engine.connect() as conn:
        latest = conn.execute(select(func.max(E.occurred_at)).where(E.contact_id == w.heavy_id)).scalar_one()
    return latest or datetime.now(UTC)


def bench_chart(w: Workload) -> list[Figure]:
    """The header chart's aggregation (26 weeks, 6 months) for the busiest contact."""
    now = chart_now(w)
    figures = []
    for period in ("week", "month"):
        store, raw = _pair(w, lambda p=period: activity_series(w.engine, w.heavy_id, now=now, period=p).buckets)
        label = "26 weeks" if period == "week" else "6 months"
        figure = Figure.timed("chart", f"chart.{period}", f"{label}, engagements and points", w.scale, store)
        figure.targets = CHART_TARGETS
        figure.note = RAW_NOTE
        figures.append(figure.refer(RAW, raw))
    return figures
