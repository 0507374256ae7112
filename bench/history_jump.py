"""History on the busiest contact: `G` to its oldest event (Pilot, key to painted) and a text search that
matches nothing (store call next to its own SQL through raw sqlite3) — issue 22's two figures."""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench.figures import Figure, Target
from bench.keys import SIZE, _app, _press, _settle
from bench.paint import PaintProbe
from bench.store_queries import PAGE, RAW, RAW_NOTE, Workload, _pair
from bench.timing import Stats
from store.models import Event
from store.timeline import TimelineFilter, timeline_page

E = Event.__table__.c
NOTHING = "no such visit qzx"  # letters no generated event holds in this order
# No "store within 3 times raw SQL" target: the store asks the index how many candidates there are, then decides in
# Python how to fetch them; the replay runs the two statements back to back with no decision to make.
SEARCH_TARGETS = [Target("p95 ≤ 20 ms", "p95", "<=", 20.0)]
JUMP_TARGET = [Target("p95 ≤ 50 ms", "p95", "<=", 50.0)]


def bench_history_search(w: Workload) -> list[Figure]:
    """A History text search that matches nothing: the case the index exists for (every event was tested)."""
    flt = TimelineFilter(text=NOTHING)
    store, raw = _pair(w, lambda: timeline_page(w.engine, w.heavy_id, flt=flt, limit=PAGE))
    label = f"text search matching nothing (“{NOTHING}”)"
    figure = Figure.timed("history", "history.search_nothing", label, w.scale, store)
    figure.targets = SEARCH_TARGETS
    figure.note = RAW_NOTE
    return [figure.refer(RAW, raw)]


def _ends(engine: Any, contact_id: int) -> tuple[int, int]:
    """The ids of the contact's newest and oldest events."""
    order = [E.occurred_at, E.id]
    with engine.connect() as conn:
        mine = select(E.id).where(E.contact_id == contact_id).limit(1)
        newest = conn.execute(mine.order_by(*(c.desc() for c in order))).scalar_one()
        oldest = conn.execute(mine.order_by(*order)).scalar_one()
    return newest, oldest


async def _jumps(db: Path, contact_id: int, ends: tuple[int, int], presses: int, warmup: int) -> list[float]:
    from widgets.timeline import Timeline

    gc.collect()
    app = _app(db, contact_id)
    newest, oldest = ends
    jumps: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        app.bench_probe = PaintProbe(app)
        await _settle(pilot)
        timeline = app.screen.query_one(Timeline)

        def at(event_id: int) -> bool:
            entry = timeline.highlighted_entry
            return entry is not None and entry.id == event_id

        for number in range(presses + warmup):
            times = await _press(pilot, "G", lambda: at(oldest))
            await _press(pilot, "g", lambda: at(newest))
            if number >= warmup:
                jumps.append(times[0])
    return jumps


def bench_history_jump(w: Workload, *, presses: int, warmup: int) -> list[Figure]:
    """`G` from the newest event to the oldest, key to the frame that shows it (then `g` back, not timed)."""
    ends = _ends(w.engine, w.heavy_id)
    jumps = asyncio.run(_jumps(w.path, w.heavy_id, ends, presses, warmup))
    label = "History: G to the oldest event, painted"
    return [Figure.timed("keys", "keys.history_oldest", label, w.scale, Stats.of(jumps), targets=JUMP_TARGET)]
