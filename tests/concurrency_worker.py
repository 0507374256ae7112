"""One writer of the concurrency test (tests/test_concurrency.py): a seeded mix of store operations.

    python -m tests.concurrency_worker TARGET SEED OPS

TARGET is a SQLite file or a `postgresql://` URL of a database the test has seeded with contacts, segments and
campaigns. The worker opens it, prints `ready`, waits for a line on stdin (so both writers start together),
then runs OPS operations, each its own transaction through the store: add a note, edit one (read just before,
or held since an earlier read like an open editor, so the other writer may have changed it), delete one, add
a contact to or remove it from a segment or campaign, and plain reads.

Outcomes the store reports by design (`NoteConflict`, `NoteNotFound` when the other writer got there first)
are counted. A "database is locked"/busy error is retried after a short sleep and counted. Anything else is
unexpected: its traceback goes to stderr and the worker exits 1 after printing its counts. The last line of
stdout is one JSON object of counts; the test checks the database against them.
"""

from __future__ import annotations

import json
import random
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

if __package__ in (None, ""):  # run as `python tests/concurrency_worker.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError

from store.db import describe_error, open_database
from store.memberships import list_groups, set_membership
from store.models import Campaign, Contact, Segment
from store.notes import NoteConflict, NoteNotFound, NoteRow, add_note, delete_note, list_notes, update_note
from tests.store_helpers import get_note, search_contact_ids_by_notes

# Notes go on the first few contacts only, so both writers keep meeting on the same notes.
NOTE_CONTACTS = 10
MAX_ATTEMPTS = 5  # per operation, while the database is busy
MAX_UNEXPECTED = 100  # stop early: something is badly wrong
HELD_NOTES = 40  # notes "open in an editor", edited later with the version read then

T = TypeVar("T")
Picked = tuple[int, int, tuple]  # note id, version read, identity()


def identity(note: NoteRow) -> tuple:
    """What tells one note from another that later got the same id."""
    return note.contact_id, note.created_at, note.author


def is_busy(exc: BaseException) -> bool:
    """Whether an error is the database being locked by the other writer (worth a retry)."""
    return isinstance(exc, OperationalError) and describe_error(exc).startswith("The database is busy")


class Worker:
    def __init__(self, engine: Engine, seed: int) -> None:
        self.engine = engine
        self.seed = seed
        self.actor = f"worker{seed}"
        self.random = random.Random(seed)
        self.counts: Counter[str] = Counter()
        self.retries_by_op: Counter[str] = Counter()
        # note id -> (the version this worker last saw, which note that was: SQLite may reuse a deleted note's id)
        self.held: dict[int, tuple[int, tuple]] = {}
        with engine.connect() as conn:
            self.contacts = list(conn.execute(select(Contact.id).order_by(Contact.id)).scalars())
            self.segments = list(conn.execute(select(Segment.id).order_by(Segment.id)).scalars())
            self.campaigns = list(conn.execute(select(Campaign.id).order_by(Campaign.id)).scalars())
        self.note_contacts = self.contacts[:NOTE_CONTACTS]

    # Plumbing

    def attempt(self, name: str, call: Callable[[], T]) -> T:
        """Run one store call, retrying while the database is busy; store outcomes propagate."""
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                result = call()
            except OperationalError as exc:
                if not is_busy(exc) or attempt == MAX_ATTEMPTS:
                    raise
                self.counts["retries"] += 1
                self.retries_by_op[name] += 1
                time.sleep(0.005 * attempt + random.random() * 0.005)  # jitter off the seeded sequence
            else:
                self.counts["most_attempts"] = max(self.counts["most_attempts"], attempt)
                return result
        raise AssertionError("unreachable")

    def hold(self, note: NoteRow) -> None:
        self.held[note.id] = (note.version, identity(note))
        if len(self.held) > HELD_NOTES:
            self.held.pop(next(iter(self.held)))

    def text(self, kind: str, op: int) -> str:
        # One word unique to this change (e.g. a1x00042), for the search checks.
        return f"{kind}{self.seed}x{op:05d} written by {self.actor}"

    # Operations

    def add(self, op: int) -> None:
        contact_id = self.random.choice(self.note_contacts)
        now = datetime.now(UTC)
        note = self.attempt(
            "add",
            lambda: add_note(
                self.engine,
                contact_id,
                type="general",
                text=self.text("a", op),
                date_time=None,
                author=self.actor,
                now=now,
            ),
        )
        self.counts["notes_added"] += 1
        self.hold(note)

    def pick_fresh(self) -> Picked | None:
        contact_id = self.random.choice(self.note_contacts)
        notes = self.attempt("read", lambda: list_notes(self.engine, contact_id))
        self.counts["reads"] += 1
        if not notes:
            return None
        note = self.random.choice(notes)
        return note.id, note.version, identity(note)

    def pick_held(self) -> Picked | None:
        if not self.held:
            return None
        note_id = self.random.choice(list(self.held))
        return note_id, *self.held[note_id]

    def edit(self, op: int, picked: Picked | None) -> None:
        if picked is None:
            self.add(op)
            return
        note_id, version, which = picked
        now = datetime.now(UTC)
        try:
            note = self.attempt(
                "edit",
                lambda: update_note(
                    self.engine,
                    note_id,
                    type="general",
                    text=self.text("e", op),
                    date_time=None,
                    author=self.actor,
                    expected_version=version,
                    now=now,
                    created_at=which[1],
                ),
            )
        except NoteConflict:
            self.counts["conflicts"] += 1
            try:
                current = self.attempt("read", lambda: get_note(self.engine, note_id))
            except NoteNotFound:
                self.held.pop(note_id, None)
                return
            self.hold(current)
            return
        except NoteNotFound:
            self.counts["edits_of_deleted"] += 1
            self.held.pop(note_id, None)
            return
        assert note.version == version + 1, (note.version, version)
        self.counts["edits"] += 1
        if identity(note) != which:  # the note read was deleted and its id given to a new one, which was edited
            self.counts["edits_of_another_note"] += 1
        self.hold(note)

    def delete(self, picked: Picked | None) -> None:
        if picked is None:
            return
        note_id, _version, which = picked
        now = datetime.now(UTC)
        try:
            note = self.attempt(
                "delete",
                lambda: delete_note(self.engine, note_id, actor=self.actor, now=now, created_at=which[1]),
            )
        except NoteNotFound:
            self.counts["deletes_of_deleted"] += 1
        else:
            self.counts["notes_deleted"] += 1
            if identity(note) != which:
                self.counts["deletes_of_another_note"] += 1
        self.held.pop(note_id, None)

    def membership(self) -> None:
        kind = "campaign" if self.random.random() < 0.25 else "segment"
        group_id = self.random.choice(self.campaigns if kind == "campaign" else self.segments)
        contact_id = self.random.choice(self.contacts)
        member = self.random.random() < 0.5
        now = datetime.now(UTC)
        state = self.attempt(
            kind,
            lambda: set_membership(self.engine, kind, group_id, contact_id, member, actor=self.actor, now=now),  # type: ignore[arg-type]
        )
        assert state.member == member, (kind, group_id, contact_id, member, state)
        self.counts[f"{kind}_ops"] += 1

    def read(self) -> None:
        contact_id = self.random.choice(self.contacts)
        choice = self.random.randrange(3)
        if choice == 0:
            self.attempt("read", lambda: list_notes(self.engine, contact_id))
        elif choice == 1:
            self.attempt("read", lambda: list_groups(self.engine, "segment", contact_id))
        else:
            word = f"a{self.random.choice((1, 2))}x{self.random.randrange(100):02d}"
            self.attempt("read", lambda: search_contact_ids_by_notes(self.engine, word, 10))
        self.counts["reads"] += 1

    def step(self, op: int) -> None:
        roll = self.random.random()
        if roll < 0.25:
            self.add(op)
        elif roll < 0.38:
            self.edit(op, self.pick_fresh())
        elif roll < 0.50:
            self.edit(op, self.pick_held() or self.pick_fresh())
        elif roll < 0.60:
            self.delete(self.pick_held() if self.random.random() < 0.5 else self.pick_fresh())
        elif roll < 0.88:
            self.membership()
        else:
            self.read()

    def run(self, ops: int) -> int:
        """Run the operations; returns the number of unexpected errors (their tracebacks are on stderr)."""
        unexpected = 0
        for op in range(ops):
            try:
                self.step(op)
            except Exception:
                unexpected += 1
                print(f"worker {self.seed}, operation {op}: unexpected error", file=sys.stderr)
                traceback.print_exc(file=sys.stderr)
                if unexpected >= MAX_UNEXPECTED:
                    print(f"worker {self.seed}: stopping after {unexpected} unexpected errors", file=sys.stderr)
                    break
            self.counts["ops"] += 1
        return unexpected


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: python -m tests.concurrency_worker TARGET SEED OPS", file=sys.stderr)
        return 2
    target, seed, ops = argv[0], int(argv[1]), int(argv[2])
    engine = open_database(target)
    try:
        worker = Worker(engine, seed)
        print("ready", flush=True)
        if sys.stdin.readline() == "":  # the test went away
            return 2
        started = time.perf_counter()
        started_at = time.time()
        unexpected = worker.run(ops)
        result: dict[str, Any] = {
            "seed": seed,
            **{key: worker.counts[key] for key in ("ops", "notes_added", "notes_deleted", "edits", "conflicts")},
            **{key: worker.counts[key] for key in ("edits_of_deleted", "deletes_of_deleted", "reads")},
            **{key: worker.counts[key] for key in ("edits_of_another_note", "deletes_of_another_note")},
            **{key: worker.counts[key] for key in ("segment_ops", "campaign_ops", "retries", "most_attempts")},
            "retries_by_op": dict(worker.retries_by_op),
            "unhandled": unexpected,
            "started_at": started_at,
            "finished_at": time.time(),
            "seconds": round(time.perf_counter() - started, 3),
        }
        print(json.dumps(result), flush=True)
        return 1 if unexpected else 0
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
