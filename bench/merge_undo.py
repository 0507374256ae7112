"""Merging two contacts with many events each, and undoing it, on a copy of the database under test.

The copy keeps the real table sizes (the events move within the full event table and its indexes). A twin of
the busiest contact is added with a copy of all its events, so both sides have the same number; the busiest
contact (with its notes, memberships and IP addresses) is merged into the twin, then the merge is undone, as
many times as asked. Each round times the preview, the merge, the undo plan and the undo, as
`bench/merge_speed.py` does. A merge leaves the events where they are (store/family.py); its references
are what moving them would cost: one raw `UPDATE` of their contact_id, rolled back, and the same committed
(the commit writes every page the UPDATE changed to the log and checkpoints them into the database).

What a merge saves, History pays at every read: the survivor's pages come from both contacts' index walks.
So the survivor's first History page and its oldest page (`G`) are timed while merged, each against the
same page of the survivor alone, in the same rounds.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

from bench.figures import Figure, Target
from bench.timing import Stats, elapsed_ms, raw_connection, timed
from store.db import open_database
from store.merge.merging import merge_contacts, preview_merge
from store.merge.undo import plan_unmerge, unmerge
from store.models import Contact, Event
from store.timeline import timeline_page

MERGE_TARGET = [Target("median ≤ 0.5 s", "median", "<=", 500.0)]
FLOOR = "moving the events instead: a raw UPDATE of their contact_id (rolled back)"
COMMITTED = "the same UPDATE committed (with SQLite's checkpoint)"
ALONE = "the same page of the survivor before the merge"
PAGE = 100  # events a History page, as the history group measures


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy: the source's write-ahead log is folded in first (no data changes)."""
    conn = sqlite3.connect(source)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, target)


def add_twin(path: Path, contact_id: int) -> int:
    """A new contact like `contact_id`, with a copy of all its events; returns its id."""
    contact_columns = [c.name for c in Contact.__table__.c if c.name not in ("id", "email", "email_normalized")]
    event_columns = [c.name for c in Event.__table__.c if c.name not in ("id", "contact_id")]
    cols = ", ".join(contact_columns)
    events = ", ".join(event_columns)
    conn = raw_connection(path)
    try:
        conn.execute("BEGIN")
        twin = conn.execute(
            f"INSERT INTO contact ({cols}, email, email_normalized) SELECT {cols}, "
            "'bench.twin@example.com', 'bench.twin@example.com' FROM contact WHERE id = ? RETURNING id",
            (contact_id,),
        ).fetchone()[0]
        conn.execute(
            f"INSERT INTO event (contact_id, {events}) SELECT ?, {events} FROM event WHERE contact_id = ? ORDER BY id",
            (twin, contact_id),
        )
        conn.execute("COMMIT")
    finally:
        conn.close()
    return twin


def _floor(path: Path, source: int, target: int) -> float:
    conn = raw_connection(path)
    try:
        conn.execute("BEGIN")
        move = "UPDATE event SET contact_id = ? WHERE contact_id = ?"
        spent = elapsed_ms(lambda: conn.execute(move, (target, source)))
        conn.execute("ROLLBACK")
    finally:
        conn.close()
    return spent


def _floor_committed(path: Path, source: int, target: int) -> float:
    """The UPDATE as a merge must do it: committed, so its pages are written to the log and checkpointed into
    the database (SQLite checkpoints in the committing call once the log passes 1,000 pages). The events are
    moved back afterwards, untimed."""
    conn = raw_connection(path)

    def move() -> None:
        conn.execute("BEGIN")
        conn.execute("UPDATE event SET contact_id = ? WHERE contact_id = ?", (target, source))
        conn.execute("COMMIT")

    try:
        ids = [row[0] for row in conn.execute("SELECT id FROM event WHERE contact_id = ?", (source,))]
        spent = elapsed_ms(move)
        back = "UPDATE event SET contact_id = ? WHERE contact_id = ? AND id IN (SELECT value FROM json_each(?))"
        conn.execute(back, (source, target, json.dumps(ids)))
    finally:
        conn.close()
    return spent


def bench_merge(db: Path, scale: int, contact_id: int, workdir: Path, *, runs: int) -> list[Figure]:
    copy = workdir / "merge-copy.db"
    copy_database(db, copy)
    try:
        twin = add_twin(copy, contact_id)
        engine = open_database(copy)
        names = ("preview", "merge", "plan", "undo", "floor", "committed", "first", "oldest", "first1", "oldest1")
        samples: dict[str, list[float]] = {name: [] for name in names}
        now = datetime.now(UTC)
        for round_ in range(runs + 1):
            moment = now + timedelta(seconds=round_)
            spent: dict[str, float] = {}
            spent["preview"], preview = timed(partial(preview_merge, engine, twin, contact_id, now=moment))
            spent["first1"], spent["oldest1"] = _pages(engine, twin)
            spent["merge"], result = timed(partial(merge_contacts, engine, preview, actor="bench", now=moment))
            spent["first"], spent["oldest"] = _pages(engine, twin)
            spent["plan"], _ = timed(partial(plan_unmerge, engine, result.merge_id))
            spent["undo"], _ = timed(partial(unmerge, engine, result.merge_id, actor="bench", now=moment))
            spent["floor"] = _floor(copy, contact_id, twin)
            spent["committed"] = _floor_committed(copy, contact_id, twin)
            if round_:  # the first round warms the caches
                for name, value in spent.items():
                    samples[name].append(value)
        engine.dispose()
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
    stats = {name: Stats.of(values) for name, values in samples.items()}
    note = (
        "the busiest contact is merged into its twin, a copy of it with a copy of all its events: both sides have "
        "as many events as the busiest contact"
    )
    figures = [
        Figure.timed("merge", "merge.preview", "preview", scale, stats["preview"], note=note),
        Figure.timed("merge", "merge.merge", "merge", scale, stats["merge"], targets=MERGE_TARGET, note=note),
        Figure.timed("merge", "merge.plan", "undo plan", scale, stats["plan"], note=note),
        Figure.timed("merge", "merge.undo", "undo", scale, stats["undo"], targets=MERGE_TARGET, note=note),
    ]
    for figure in (figures[1], figures[3]):
        figure.refer(FLOOR, stats["floor"]).refer(COMMITTED, stats["committed"])
    for name, label in (("first", "History, first page, merged survivor"), ("oldest", "History, oldest page (G)")):
        figure = Figure.timed("merge", f"merge.{name}_page", label, scale, stats[name], note=note)
        figures.append(figure.refer(ALONE, stats[f"{name}1"]))
    return figures


def _pages(engine, contact_id: int) -> tuple[float, float]:
    """Milliseconds to read the contact's first History page, then its oldest."""
    first, _ = timed(partial(timeline_page, engine, contact_id, limit=PAGE))
    oldest, _ = timed(partial(timeline_page, engine, contact_id, oldest=True, limit=PAGE))
    return first, oldest
