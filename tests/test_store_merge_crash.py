"""A merge killed at any moment leaves a consistent database: both contacts untouched, or the merge complete."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from store.db import db_time, open_database
from store.merge.tables import CHILD_TABLES

ROOT = Path(__file__).resolve().parents[1]
EVENTS = 50_000
T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
CHILD = """
import sys
from datetime import UTC, datetime
from store.db import open_database
from store.merge.merging import merge_contacts, preview_merge

engine = open_database(sys.argv[1])
preview = preview_merge(engine, 1, 2, now=datetime.now(UTC))
print("ready", flush=True)
merge_contacts(engine, preview, actor="test", now=datetime.now(UTC))
print("done", flush=True)
"""


@pytest.fixture(scope="module")
def big_database(new_database) -> bytes:
    """Two contacts with 50,000 events each and a shared segment: a merge that takes a while."""
    path = new_database("crash")
    engine = open_database(path)
    contact = (
        "INSERT INTO contact (id, firstname, lastname, email, email_normalized, company, position, address1, "
        "address2, city, region, zipcode, country, website, points, stage, owner, tags, avatar_source, date_added, "
        "date_modified, custom_fields) VALUES (:id, :name, 'Doe', 'jane@acme.example', 'jane@acme.example', 'Acme', "
        "'', '', '', '', '', '', '', '', :id, '', '', '[]', 'gravatar', :t, :t, '{}')"
    )
    event = "INSERT INTO event (contact_id, type, occurred_at, label, details) VALUES (:c, 'page.hit', :t, 'Visit', :d)"
    with engine.begin() as conn:
        conn.execute(
            text(contact), [{"id": 1, "name": "Jane", "t": db_time(T0)}, {"id": 2, "name": "Janet", "t": db_time(T0)}]
        )
        rows = [
            {
                "c": 1 + i % 2,
                "t": db_time(T0 - timedelta(minutes=i)),
                "d": json.dumps({"url": f"https://acme.example/{i}"}),
            }
            for i in range(2 * EVENTS)
        ]
        conn.execute(text(event), rows)
        conn.execute(
            text(
                "INSERT INTO segment (id, name, alias, description, is_published, created_at) "
                "VALUES (1, 'News', '', '', 1, :t)"
            ),
            {"t": db_time(T0)},
        )
        conn.execute(
            text("INSERT INTO segment_membership VALUES (1, :c, :t, 0, 0)"),
            [{"c": 1, "t": db_time(T0)}, {"c": 2, "t": db_time(T0 - timedelta(days=1))}],
        )
    engine.dispose()
    return path.read_bytes()


def state(path: Path) -> dict:
    engine = open_database(path)
    try:
        with engine.connect() as conn:
            rows = {
                table.name: dict(
                    conn.execute(text(f"SELECT contact_id, count(*) FROM {table.name} GROUP BY contact_id")).all()
                )
                for table in CHILD_TABLES
            }
            return {
                "integrity": conn.execute(text("PRAGMA integrity_check")).scalars().all(),
                "foreign_keys": conn.execute(text("PRAGMA foreign_key_check")).all(),
                "merged_into": conn.execute(text("SELECT merged_into_id FROM contact WHERE id = 2")).scalar(),
                "merge_records": conn.execute(text("SELECT count(*) FROM merge_record")).scalar(),
                "rows": rows,
            }
    finally:
        engine.dispose()


UNTOUCHED = {
    "merged_into": None,
    "merge_records": 0,
    "rows": {"event": {1: EVENTS, 2: EVENTS}, "segment_membership": {1: 1, 2: 1}},
}
# The other's events stay with it (store/family.py); the survivor gains its "Merged with" event.
COMPLETE = {
    "merged_into": 1,
    "merge_records": 1,
    "rows": {"event": {1: EVENTS + 1, 2: EVENTS}, "segment_membership": {1: 1}},
}


@pytest.mark.parametrize("delay", [0.0, 0.02, 0.05, 0.1, 0.2, 0.4, None])
def test_a_killed_merge_leaves_either_nothing_or_everything(big_database: bytes, tmp_path: Path, delay) -> None:
    path = tmp_path / "crash.db"
    path.write_bytes(big_database)
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        assert child.stdout.readline() == "ready\n"
        if delay is None:
            child.wait(timeout=60)  # the merge runs to the end: the "everything" case for certain
        else:
            time.sleep(delay)
            child.kill()
            child.wait(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()

    found = state(path)
    assert found.pop("integrity") == ["ok"]
    assert found.pop("foreign_keys") == []
    found["rows"] = {name: counts for name, counts in found["rows"].items() if counts}
    assert found in (UNTOUCHED, COMPLETE)
    if delay is None:
        assert found == COMPLETE
