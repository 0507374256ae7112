"""Benchmark databases: up to millions of realistic contacts and events, the same for the same seed.

    python -m bench.generate --db /tmp/bench.db --contacts 1000000 --events 10000000 [--seed 1] [--force]

The schema is the store's own, made by its migrations (`open_database`). The rows are then bulk-loaded with
the plain sqlite3 driver, without a journal and without the secondary indexes and full-text triggers, which
are recreated afterwards from the very SQL the migrations wrote; the full-text indexes are rebuilt and the
query planner's statistics gathered (ANALYZE), as `dossier demo` does. Python makes the rows in a child process
while SQLite writes them in this one: the two halves take about as long as each other. A million contacts
and ten million events take about 80 s on two cores, 3 GB of memory and 4.8 GB of disk.

The data, relative to a fixed NOW (2026-11-20 12:00 UTC), so every run with the same arguments is the same:
- Events are one stream over the 18 months before NOW, in time order (ids follow time, as in a live system),
  twice as dense at the end as at the start, as a growing business's would be. Visits are bursts of page hits,
  sometimes ending in a form or a download; emails are sent, a third opened; points, stage changes and watched
  videos come in between. Each contact's first event is `lead.create` at its `date_added`.
- Contacts 1..H are the heavy ones (see `plan_heavy`), created first and busy until NOW; contact 1 is the
  busiest. The other contacts arrive one after another over the whole stream, so ids follow `date_added`;
  each has a long-tail (log-normal) weight for returning, so early arrivals have long histories and late
  ones a few events. One in eight never does anything: no events, no `last_active`.
- `last_active` is a contact's newest event, `points` the sum of its point changes, `stage` its last stage
  change, `date_modified` its last creation, stage or points change. A few notes, segment memberships and
  do-not-contact entries come with the contacts.
"""

from __future__ import annotations

import argparse
import marshal
import multiprocessing
import random
import sqlite3
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.gen_activity import Activity, Clock
from bench.gen_contacts import Contacts
from bench.gen_people import People, make_locales

SIBLINGS = ("-wal", "-shm", "-journal")

# The columns each table is written with, in the order of the rows' tuples.
COLUMNS = {
    "event": "contact_id, type, occurred_at, label, details, points_delta, actor",
    "contact": "id, firstname, lastname, email, email_normalized, phone, phone_e164, company, position, address1, "
    "address2, city, region, zipcode, country, website, points, stage, owner, tags, avatar_source, date_added, "
    "date_modified, last_active, custom_fields",
    "segment": "id, name, alias, description, is_published, created_at",
    "campaign": "id, name, description, is_published, created_at",
    "email_template": "id, name, subject, body_text, body_html, created_at",
    "segment_membership": "segment_id, contact_id, date_added, manually_added, manually_removed",
    "note": "contact_id, type, text, date_time, author, created_at, updated_at, version",
    "do_not_contact": "contact_id, channel, reason, comments, date_added",
}
# External-content full-text indexes (contact_fts, note_fts), rebuilt from their tables after the load.
FTS_TABLES = (
    "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE % USING fts5(%content=%'"
)


@dataclass
class Generated:
    path: Path
    contacts: int
    events: int
    heavy_ids: list[int]  # the busiest contacts, ids 1..len(heavy_ids), contact 1 is the busiest
    seconds: float


def plan_heavy(contacts: int, events: int, heavy_events: int) -> list[int]:
    """How many events each heavy contact (ids 1..H) gets: `heavy_events` each, as a rule.

    H = min(3, events // (2 * heavy_events)), at least 1: the heavy contacts never take more than half of the
    events. One heavy contact never takes more than a quarter, so a quick run (10,000 contacts, 100,000 events)
    still has a contact 1 with 25,000. With very few contacts the quota grows until no other contact can
    outdo contact 1; with 3 contacts or fewer they are all heavy and share every event.
    """
    per = min(heavy_events, events // 4)
    if contacts == 0 or per <= 0:
        return []
    count = min(contacts, 3, max(1, events // (2 * heavy_events)))
    if count == contacts:
        quotas = [events // count] * count
        quotas[0] += events - sum(quotas)
        return quotas
    return [max(per, -(-(events + contacts - count) // contacts))] * count


def make_rows(activity: Activity, contacts: Contacts) -> Iterator[tuple[str, Any]]:
    """Every table's rows, as (table, rows) in chunks: the events first, since the contacts are made of them."""
    for rows in activity.chunks():
        yield "event", rows
    yield "contact", contacts.columns()
    yield from contacts.links()


class RowFeed:
    """`make_rows` run in a forked child process, so Python makes rows while SQLite writes them here.

    Without fork (not on Linux or macOS) the rows are made in this process instead. Enter it before opening
    the database, so the child holds no copy of the connection.
    """

    def __init__(self, activity: Activity, contacts: Contacts) -> None:
        self.activity, self.contacts = activity, contacts
        self.child: Any = None
        self.receiver: Any = None
        self.finished = False

    def __enter__(self) -> RowFeed:
        if "fork" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("fork")
            self.receiver, sender = context.Pipe(duplex=False)
            self.child = context.Process(target=_produce, args=(self.activity, self.contacts, sender), daemon=True)
            self.child.start()
            sender.close()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.child is not None:
            if not self.finished:  # this side failed: the child may be waiting to send more
                self.child.kill()
            self.child.join()
            self.receiver.close()

    def rows(self) -> Iterator[tuple[str, Any]]:
        if self.child is None:
            yield from make_rows(self.activity, self.contacts)
            return
        while True:
            try:
                table, rows = marshal.loads(self.receiver.recv_bytes())
            except EOFError:
                raise RuntimeError("The row generator stopped without a word.") from None
            if table == "done":
                self.finished = True
                return
            if table == "error":
                raise RuntimeError(f"The row generator failed:\n{rows}")
            yield table, rows


def _produce(activity: Activity, contacts: Contacts, sender: Any) -> None:
    # marshal, not pickle: three times faster for lists of tuples of strings and numbers, which it was made for.
    try:
        for message in make_rows(activity, contacts):
            sender.send_bytes(marshal.dumps(message))
        sender.send_bytes(marshal.dumps(("done", [])))
    except BaseException:
        sender.send_bytes(marshal.dumps(("error", traceback.format_exc())))
    finally:
        sender.close()


def generate(
    path: Path,
    *,
    contacts: int,
    events: int,
    seed: int = 1,
    heavy_events: int = 100_000,
    progress: Callable[[str], None] | None = None,
) -> Generated:
    """Write a new benchmark database at `path`: `contacts` contacts sharing `events` events.

    Refuses (FileExistsError) to touch an existing file; a failed run leaves no file behind. The same
    arguments always give the same rows.
    """
    from store.db import open_database

    started = time.perf_counter()
    path = Path(path).expanduser()
    say = progress or (lambda _message: None)
    if min(contacts, events, heavy_events) < 0:
        raise ValueError("Contacts, events and heavy events cannot be negative.")
    if events and not contacts:
        raise ValueError("Events need at least one contact.")
    if path.exists():
        raise FileExistsError(f"{path} already exists; remove it first or pass --force.")
    open_database(path, create=True).dispose()
    try:
        quotas = plan_heavy(contacts, events, heavy_events)
        say("Preparing names, companies and addresses…")
        locales, weights = make_locales(seed, min(300, 40 + contacts // 50))
        people = People(random.Random(f"{seed}:people"), locales, weights, contacts)
        activity = Activity(random.Random(f"{seed}:events"), people, Clock(events), events, quotas)
        with RowFeed(activity, Contacts(random.Random(f"{seed}:contacts"), people, locales, activity)) as feed:
            _load(path, feed, say)
    except BaseException:
        remove_database(path)
        raise
    seconds = time.perf_counter() - started
    say(f"Done in {seconds:.1f} s.")
    return Generated(path, contacts, events, list(range(1, len(quotas) + 1)), seconds)


def _load(path: Path, feed: RowFeed, say: Callable[[str], None]) -> None:
    from store.db import add_functions

    conn = sqlite3.connect(path, isolation_level=None)
    add_functions(conn)  # the History search index is filled from dossier_event_text
    try:
        # Indexes and full-text triggers are recreated from the SQL the migrations wrote, once, at the end.
        saved = conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL"
        ).fetchall()
        for kind, name, _ in saved:
            conn.execute(f'DROP {kind.upper()} "{name}"')
        # A brand-new file, deleted if anything fails, needs no journal.
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -65536"):
            conn.execute(f"PRAGMA {pragma}")
        conn.execute("BEGIN")
        total, written, report = feed.activity.total, 0, 1_000_000
        for table, rows in feed.rows():
            columns = COLUMNS[table]
            marks = ", ".join("?" * (columns.count(",") + 1))
            if isinstance(rows, tuple):  # the contacts come a column at a time
                say(f"Contacts: {len(rows[0]):,}")
                rows = zip(*rows, strict=True)
            conn.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
            if table == "event":
                written += len(rows)
                if written >= report or written == total:
                    say(f"Events: {written:,} of {total:,}")
                    report += 1_000_000
        conn.execute("COMMIT")
        say("Indexes and full-text search…")
        _index(conn, saved)
        say("Statistics…")
        conn.execute("ANALYZE")
        conn.execute("PRAGMA journal_mode = WAL")
    finally:
        conn.close()


def _index(conn: sqlite3.Connection, saved: list[tuple[str, str, str]]) -> None:
    """Recreate the indexes and triggers, then fill the full-text indexes from their tables."""
    # Measured: SQLite's sorter builds indexes fastest with the default small page cache and the file
    # memory-mapped (inserting, though, is slower with a memory map, and with a small cache).
    for pragma in ("cache_size = -2000", "mmap_size = 8589934592"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("BEGIN")
    for _, _, sql in saved:
        conn.execute(sql)
    for (name,) in conn.execute(FTS_TABLES).fetchall():
        # A 256 MiB buffer instead of 1 MiB flushes a few big segments rather than hundreds of small ones
        # to merge: half the time. Then the option's row goes, leaving the configuration the migration made.
        conn.execute(f"INSERT INTO {name}({name}, rank) VALUES ('hashsize', 268435456)")
        conn.execute(f"INSERT INTO {name}({name}) VALUES ('rebuild')")
        conn.execute(f"DELETE FROM {name}_config WHERE k = 'hashsize'")
    conn.execute("COMMIT")


def remove_database(path: Path) -> None:
    """Delete a database file and its journal and WAL siblings, where they exist."""
    for file in (path, *(path.with_name(path.name + suffix) for suffix in SIBLINGS)):
        file.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="the database file to write")
    parser.add_argument("--contacts", type=int, required=True, help="how many contacts")
    parser.add_argument("--events", type=int, required=True, help="how many events in all")
    parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same rows (default 1)")
    parser.add_argument("--heavy-events", type=int, default=100_000, help="events of each heavy contact")
    parser.add_argument("--force", action="store_true", help="replace the file if it exists")
    args = parser.parse_args(argv)
    path = args.db.expanduser()
    if path.is_dir():
        print(f"{path} is a folder, not a database file.", file=sys.stderr)
        return 1
    if path.exists() and not args.force:
        print(f"{path} already exists; pass --force to replace it.", file=sys.stderr)
        return 1
    remove_database(path)
    started = time.perf_counter()
    try:
        result = generate(
            path,
            contacts=args.contacts,
            events=args.events,
            seed=args.seed,
            heavy_events=args.heavy_events,
            progress=lambda message: print(f"{time.perf_counter() - started:6.1f} s  {message}", file=sys.stderr),
        )
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 1
    rows = result.contacts + result.events
    print(
        f"{result.path}: {result.contacts:,} contacts and {result.events:,} events ({rows:,} rows) in "
        f"{result.seconds:.1f} s, {rows / result.seconds:,.0f} rows/s; heavy contacts {result.heavy_ids}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
