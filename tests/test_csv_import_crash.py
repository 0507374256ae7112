"""A CSV import killed at any moment (kill -9) leaves a consistent database: whole batches, each one searchable,
the search index's trigger in place, and a second import of the file finishing the job."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from store.contacts import search_contacts
from store.db import open_database
from store.interchange.csv_import import import_csv

ROOT = Path(__file__).resolve().parents[1]
ROWS = 12_000
BATCH = 2_000
CHILD = """
import sys
from store.db import open_database
from store.interchange.csv_import import import_csv

engine = open_database(sys.argv[1])
import_csv(engine, sys.argv[2], batch_size=int(sys.argv[3]), progress=lambda rows: print(rows, flush=True))
print("done", flush=True)
"""


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("firstname,lastname,email,phone,city,tags\n")
        for i in range(ROWS):
            f.write(f"Zoë{i},Núñez{i},person{i}@example.com,+44 20 7946 {i % 10_000:04d},Zürich,a|b\n")
    return path


@pytest.mark.sqlite_only
@pytest.mark.parametrize("delay", [0.0, 0.05, 0.2, None])
def test_a_killed_import_leaves_whole_batches(engine, db_path: Path, tmp_path: Path, delay) -> None:
    engine.dispose()
    source = _file(tmp_path)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(db_path), str(source), str(BATCH)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == str(BATCH)  # one batch is written
        if delay is None:
            child.wait(timeout=120)
        else:
            time.sleep(delay)
            child.kill()
            child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()

    engine = open_database(db_path)
    try:
        with engine.begin() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalars().all() == ["ok"]
            conn.execute(text("INSERT INTO contact_fts(contact_fts, rank) VALUES ('integrity-check', 1)"))
            triggers = conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars().all()
            written = conn.execute(text("SELECT count(*) FROM contact")).scalar_one()
        assert "contact_fts_ai" in triggers
        assert written % BATCH == 0 and BATCH <= written <= ROWS
        if delay is None:
            assert written == ROWS
        last = written - 1
        assert [c.name for c in search_contacts(engine, f"zoe{last}")] == [f"Zoë{last} Núñez{last}"]
        again = import_csv(engine, source)
        assert (again.created, again.unchanged, again.failed) == (ROWS - written, written, [])
    finally:
        engine.dispose()
