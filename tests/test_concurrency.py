"""Two writers at once, as real processes: 10,000 mixed operations (tests/concurrency_worker.py) on SQLite and on
PostgreSQL, then the database is checked against what the writers say they did.

Conserved: notes (added - deleted), their History events, each note's version (one per edit saved, so no edit
was lost) and its text (the last edit's), memberships (each pair's added - removed events is its state), and
the contacts and groups the writers never create or delete. Also sound: SQLite's own and its FTS5 indexes'
integrity checks, and the note search finding exactly the notes' current words on either database.
"""

from __future__ import annotations

import json
import select
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from sqlalchemy import Engine, func, text
from sqlalchemy import select as sql_select
from sqlmodel import Session

from store.models import Campaign, CampaignMembership, Contact, Event, Note, Segment, SegmentMembership
from tests.store_helpers import search_contact_ids_by_notes

ROOT = Path(__file__).resolve().parents[1]
OPS_PER_WRITER = 5_000
SEEDS = (1, 2)
CONTACTS = 50
SEGMENTS = 3
CAMPAIGNS = 2
READY_TIMEOUT = 60
RUN_TIMEOUT = 300
MAX_RETRY_SHARE = 0.01  # of a writer's operations on SQLite


class Writer(NamedTuple):
    returncode: int
    counts: dict[str, Any]
    stderr: str


def target_of(engine: Engine, db_path: Path) -> str:
    """What a worker passes to `open_database` for the database behind `engine`."""
    if engine.dialect.name == "sqlite":
        return str(db_path)
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def seed(engine: Engine, make_contact) -> None:
    for n in range(CONTACTS):
        make_contact(engine, firstname=f"First{n}", lastname=f"Last{n}", email=f"person{n}@example.com")
    with Session(engine) as session:
        session.add_all(Segment(name=f"Segment {n}", alias=f"segment-{n}") for n in range(SEGMENTS))
        session.add_all(Campaign(name=f"Campaign {n}") for n in range(CAMPAIGNS))
        session.commit()


def run_writers(target: str, tmp_path: Path) -> list[Writer]:
    """Start both writers, let them go at the same moment, and return what each reported."""
    procs = []
    try:
        for seed_ in SEEDS:
            with (tmp_path / f"worker{seed_}.err").open("w") as stderr:
                command = [sys.executable, "-m", "tests.concurrency_worker", target, str(seed_), str(OPS_PER_WRITER)]
                procs.append(
                    subprocess.Popen(
                        command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, text=True
                    )
                )
        for seed_, proc in zip(SEEDS, procs, strict=True):
            assert proc.stdout is not None
            readable, _, _ = select.select([proc.stdout], [], [], READY_TIMEOUT)
            line = proc.stdout.readline() if readable else ""
            assert line == "ready\n", f"worker {seed_} did not start:\n{_stderr(tmp_path, seed_)}"
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        outputs = [proc.communicate(timeout=RUN_TIMEOUT)[0] for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    writers = []
    for seed_, proc, output in zip(SEEDS, procs, outputs, strict=True):
        lines = output.strip().splitlines()
        try:
            counts = json.loads(lines[-1])
        except (IndexError, json.JSONDecodeError):
            pytest.fail(f"worker {seed_} exited {proc.returncode} without its counts:\n{_stderr(tmp_path, seed_)}")
        writers.append(Writer(proc.returncode, counts, _stderr(tmp_path, seed_)))
    return writers


def _stderr(tmp_path: Path, seed_: int) -> str:
    return (tmp_path / f"worker{seed_}.err").read_text()


def total(results: list[dict[str, Any]], key: str) -> int:
    return sum(result[key] for result in results)


def scalar(engine: Engine, statement) -> Any:
    with engine.connect() as conn:
        return conn.execute(statement).scalar_one()


def check_notes(engine: Engine, results: list[dict[str, Any]]) -> None:
    added, deleted, edits = (total(results, key) for key in ("notes_added", "notes_deleted", "edits"))
    with engine.connect() as conn:
        notes = {row.id: row for row in conn.execute(sql_select(Note.id, Note.contact_id, Note.text, Note.version))}
        events = conn.execute(
            sql_select(Event.id, Event.type, Event.contact_id, Event.details)
            .where(Event.type.in_(["note.added", "note.updated", "note.deleted"]))
            .order_by(Event.id)
        ).all()
    by_type = Counter(event.type for event in events)
    assert len(notes) == added - deleted
    assert by_type == {"note.added": added, "note.updated": edits, "note.deleted": deleted}

    # Replayed in order, History tells each note's texts: one version per edit saved (no lost update) and the
    # note holds the last. On SQLite a deleted note's id can be given to a new note; a note.added starts afresh.
    live: dict[int, list[str]] = {}
    gone: list[list[str]] = []
    for event in events:
        note_id, excerpt = event.details["note_id"], event.details["excerpt"]
        if event.type == "note.added":
            assert note_id not in live, event
            live[note_id] = [excerpt]
        elif event.type == "note.updated":
            live[note_id].append(excerpt)
        else:
            assert live[note_id][-1] == excerpt, event
            gone.append(live.pop(note_id))
    assert live.keys() == notes.keys()
    for note in notes.values():
        assert (note.version, note.text) == (len(live[note.id]), live[note.id][-1]), note

    # The search index follows: a note's current word finds its contact; replaced and deleted words find
    # nothing (each word written is unique to one change). A spread of 300 of each keeps this quick.
    current = sorted(notes.values(), key=lambda note: note.id)
    for note in current[:: max(1, len(current) // 300)]:
        assert search_contact_ids_by_notes(engine, note.text.split()[0], 10) == [note.contact_id], note
    old_words = [text for texts in live.values() for text in texts[:-1]] + [text for texts in gone for text in texts]
    for old in old_words[:: max(1, len(old_words) // 300)]:
        assert search_contact_ids_by_notes(engine, old.split()[0], 10) == [], old


def check_memberships(engine: Engine, results: list[dict[str, Any]]) -> None:
    """Every pair's added - removed events is 0 or 1 and matches its row; no pair has two rows."""
    with engine.connect() as conn:
        for kind, membership, group_id in (
            ("segment", SegmentMembership, SegmentMembership.segment_id),
            ("campaign", CampaignMembership, CampaignMembership.campaign_id),
        ):
            rows = conn.execute(sql_select(group_id, membership.contact_id, membership.manually_removed)).all()
            pairs = Counter((row[0], row[1]) for row in rows)
            assert not [pair for pair, n in pairs.items() if n > 1]
            members = {(row[0], row[1]) for row in rows if not row.manually_removed}
            net: Counter[tuple[int, int]] = Counter()
            events = conn.execute(
                sql_select(Event.id, Event.contact_id, Event.details, Event.actor)
                .where(Event.type == f"{kind}_membership")
                .order_by(Event.id)
            ).all()
            history: dict[tuple[int, int], list[tuple]] = defaultdict(list)
            for event in events:
                pair = (event.details["id"], event.contact_id)
                history[pair].append((event.id, event.details["action"], event.actor))
                net[pair] += 1 if event.details["action"] == "added" else -1
                assert net[pair] in (0, 1), (kind, pair, history[pair])
            assert {pair for pair, n in net.items() if n == 1} == members, kind
            assert len(events) <= total(results, f"{kind}_ops")
            if kind == "segment":  # a segment keeps no row for a manually added member who was removed
                assert pairs.keys() == members


def check_sqlite(engine: Engine) -> None:
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalars().all() == ["ok"]
        assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    with engine.begin() as conn:
        for index in ("note_fts", "contact_fts"):
            conn.execute(text(f"INSERT INTO {index}({index}) VALUES ('integrity-check')"))


def test_two_writers_keep_the_database_consistent(engine: Engine, db_path: Path, tmp_path: Path, make_contact) -> None:
    seed(engine, make_contact)
    writers = run_writers(target_of(engine, db_path), tmp_path)
    results = [writer.counts for writer in writers]
    print(engine.dialect.name, json.dumps(results))
    first, second = results
    assert first["started_at"] < second["finished_at"] and second["started_at"] < first["finished_at"], "no overlap"

    # The database first: an operation that failed was rolled back, so these hold even then.
    assert scalar(engine, sql_select(func.count()).select_from(Contact)) == CONTACTS
    assert scalar(engine, sql_select(func.count()).select_from(Segment)) == SEGMENTS
    assert scalar(engine, sql_select(func.count()).select_from(Campaign)) == CAMPAIGNS
    check_notes(engine, results)
    check_memberships(engine, results)
    if engine.dialect.name == "sqlite":
        check_sqlite(engine)

    # Then each writer: nothing unexpected (a busy database past a few retries included), few retries at all.
    for writer in writers:
        assert (writer.returncode, writer.counts["unhandled"]) == (0, 0), writer.stderr[:5000]
    assert [result["ops"] for result in results] == [OPS_PER_WRITER] * len(SEEDS)
    if engine.dialect.name == "sqlite":
        for result in results:
            assert result["retries"] <= MAX_RETRY_SHARE * OPS_PER_WRITER, result
    else:
        assert total(results, "retries") == 0
    # A note read earlier, then deleted and its id given to a new note, must not be edited or deleted in its place.
    assert total(results, "edits_of_another_note") == 0
    assert total(results, "deletes_of_another_note") == 0
