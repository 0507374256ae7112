"""Whole-database exports: the calendar (.ics) of 100,000 dated notes, and `dossier duplicates` over a database.

- ICS: `export_ics` of every dated note of a scratch database (built once in the work folder: 5,000 contacts,
  100,000 dated notes with varied text — accents, CJK, emoji, commas, semicolons, backslashes, newlines and
  lines longer than 75 octets), written to a file. Its floor is the same rows read with raw sqlite3 and
  written as plain text, so the ratio is what building the iCalendar text costs on top of reading.
- Duplicates: `find_all_duplicates` (what `dossier duplicates` runs) on each measured database, opened without
  an upgrade and only read. Its floor is the two GROUP BY reads of equal emails and phones alone, over their
  indexes (what any method must read; liveness and names left out).
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text

from bench.figures import Figure, Target
from bench.timing import Stats, elapsed_ms

NOTES = 100_000
CONTACTS = 5_000
TEXTS = [
    "Renewal call, agreed on terms; send the deck",
    "Lunch\nat the usual place\n\nbring the contract",
    "長い会議のメモ " * 12,
    "José Núñez asked about \\\\server\\share; path C:\\temp, again",
    "🎉👩‍💻 launch party " * 6,
    "Short",
    "Quote sent: 3 seats, 12 months, 10% off; follow up in a week " * 3,
]
NAMES = [("Ada", "Lovelace"), ("Siobhán", "O'Brien"), ("山田", "太郎"), ("Eve", "Smith, Jr."), ("", "")]
TYPES = ["call", "meeting", "general", "email"]


def notes_database(workdir: Path, notes: int = NOTES, seed: int = 1) -> Path:
    """A Dossier database with `notes` dated notes, made once and reused (only read afterwards)."""
    from store.db import db_time, open_database
    from store.identity import database_id

    path = workdir / f"scratch-ics-{notes}n-s{seed}.db"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    for leftover in partial.parent.glob(partial.name + "*"):
        leftover.unlink()
    rng = random.Random(seed)
    engine = open_database(partial, create=True)
    t0 = db_time(datetime(2026, 1, 1, tzinfo=UTC))
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO contact (id, firstname, lastname, email, company, position, address1, address2, city, "
                "region, zipcode, country, website, points, stage, owner, tags, avatar_source, date_added, "
                "date_modified, custom_fields) VALUES (:id, :f, :l, :e, '', '', '', '', '', '', '', '', '', 0, '', "
                "'', '[]', 'gravatar', :t, :t, '{}')"
            ),
            [
                {"id": i, "f": NAMES[i % 5][0], "l": NAMES[i % 5][1], "e": f"person{i}@example.com", "t": t0}
                for i in range(1, CONTACTS + 1)
            ],
        )
        start = datetime(2026, 1, 1, 8, tzinfo=UTC)
        conn.execute(
            text(
                "INSERT INTO note (contact_id, type, text, date_time, author, created_at, updated_at, version) "
                "VALUES (:c, :y, :x, :d, 'bench', :t, :t, :v)"
            ),
            [
                {
                    "c": rng.randint(1, CONTACTS),
                    "y": TYPES[n % 4],
                    "x": f"{TEXTS[n % len(TEXTS)]} #{n}",
                    "d": db_time(start + timedelta(minutes=15 * rng.randrange(4 * 24 * 365))),
                    "t": t0,
                    "v": 1 + n % 3,
                }
                for n in range(notes)
            ],
        )
    database_id(engine)  # made now: the export reads it, and the benchmark's engine only reads
    engine.dispose()
    for suffix in ("-wal", "-shm"):
        Path(f"{partial}{suffix}").unlink(missing_ok=True)
    partial.rename(path)
    return path


def read_only_engine(path: Path) -> Engine:
    """An engine that only reads `path`: no upgrade, no WAL switch, so a shared benchmark file stays as it is."""
    engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(f"file:{path}?mode=ro", uri=True))

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:
        dbapi_conn.execute("PRAGMA query_only = ON")

    return engine


def _ics_floor(path: Path, out: Path) -> None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    query = (
        "SELECT note.id, note.type, note.text, note.date_time, contact.firstname, contact.lastname, contact.email "
        "FROM note JOIN contact ON contact.id = note.contact_id WHERE note.date_time IS NOT NULL "
        "AND contact.merged_into_id IS NULL ORDER BY note.date_time, note.id"
    )
    with out.open("w", encoding="utf-8") as stream:
        for row in conn.execute(query):
            stream.write("\t".join(map(str, row)) + "\n")
    conn.close()


def bench_ics(workdir: Path, *, runs: int, notes: int = NOTES) -> list[Figure]:
    from store.interchange.ics import export_ics

    path = notes_database(workdir, notes)
    engine = read_only_engine(path)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    with tempfile.TemporaryDirectory(dir=workdir) as folder:
        out = Path(folder) / "calendar.ics"
        times = [elapsed_ms(lambda: export_ics(engine, start=None, end=None, out=out, now=now)) for _ in range(runs)]
        floors = [elapsed_ms(lambda: _ics_floor(path, out)) for _ in range(runs)]
    engine.dispose()
    figure = Figure.timed(
        "exports",
        "ics_export",
        f"ICS export of {notes:,} dated notes (to a file)",
        None,
        Stats.of(times),
        targets=[Target("≤ 3 s", "median", "<=", 3000.0)],
    )
    return [figure.refer("read the rows and write them as text (raw sqlite3)", Stats.of(floors))]


def _duplicates_floor(path: Path) -> None:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    for column in ("email_normalized", "phone_e164"):
        conn.execute(
            f"SELECT {column}, json_group_array(id) FROM contact WHERE {column} IS NOT NULL "
            f"GROUP BY {column} HAVING count(*) > 1"
        ).fetchall()
    conn.close()


def bench_duplicates(path: Path, contacts: int, *, runs: int) -> list[Figure]:
    from store.merge.duplicate_pairs import find_all_duplicates

    engine = read_only_engine(path)
    times = [elapsed_ms(lambda: find_all_duplicates(engine)) for _ in range(runs)]
    engine.dispose()
    floors = [elapsed_ms(lambda: _duplicates_floor(path)) for _ in range(runs)]
    figure = Figure.timed(
        "exports",
        "duplicates",
        "dossier duplicates (all pairs, the first 100)",
        contacts,
        Stats.of(times),
        targets=[Target("≤ 2 s at 1M contacts", "median", "<=", 2000.0)],
    )
    return [figure.refer("GROUP BY equal emails and phones over their indexes (raw sqlite3)", Stats.of(floors))]


def bench_exports(databases: list, workdir: Path, notes: int, *, runs: int) -> list[Figure]:
    """The ICS export of `notes` dated notes (its own scratch database) and `dossier duplicates` on each
    measured database."""
    figures = bench_ics(workdir, runs=runs, notes=notes)
    for db in databases:
        figures += bench_duplicates(db.path, db.contacts, runs=runs)
    return figures
