"""How long merging (and undoing the merge of) two contacts with many events takes.

    python bench/merge_speed.py [--events 100000]

Builds a throwaway database with two contacts of N events each (interleaved, as real activity is), then
times the preview, the merge, the undo plan and the undo. The goal for 100,000 events each is 0.5 s.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from store.db import db_time, open_database
from store.merge.merging import merge_contacts, preview_merge
from store.merge.undo import plan_unmerge, unmerge

CONTACT = (
    "INSERT INTO contact (id, firstname, lastname, email, email_normalized, company, position, address1, address2, "
    "city, region, zipcode, country, website, points, stage, owner, tags, avatar_source, date_added, date_modified, "
    "custom_fields) VALUES (:id, 'Jane', 'Doe', 'jane@acme.example', 'jane@acme.example', 'Acme', '', '', '', '', '', "
    "'', '', '', 1, '', '', '[]', 'gravatar', :t, :t, '{}')"
)
EVENT = "INSERT INTO event (contact_id, type, occurred_at, label, details) VALUES (:c, 'page.hit', :t, 'Visit', :d)"


def build(path: Path, events: int) -> None:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    engine = open_database(path, create=True)
    with engine.begin() as conn:
        conn.execute(text(CONTACT), [{"id": 1, "t": db_time(t0)}, {"id": 2, "t": db_time(t0)}])
        rows = [
            {"c": 1 + i % 2, "t": db_time(t0 - timedelta(minutes=i)), "d": json.dumps({"url": f"/page/{i}"})}
            for i in range(2 * events)
        ]
        conn.execute(text(EVENT), rows)
    engine.dispose()


def timed(label: str, call):
    start = time.perf_counter()
    result = call()
    print(f"{label:<10} {time.perf_counter() - start:6.3f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000, help="events per contact (default 100,000)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "merge.db"
        build(path, args.events)
        engine = open_database(path)
        now = datetime.now(UTC)
        print(f"two contacts with {args.events:,} events each")
        preview = timed("preview", lambda: preview_merge(engine, 1, 2, now=now))
        result = timed("merge", lambda: merge_contacts(engine, preview, actor="bench", now=now))
        timed("plan undo", lambda: plan_unmerge(engine, result.merge_id))
        timed("undo", lambda: unmerge(engine, result.merge_id, actor="bench", now=now))
        engine.dispose()


if __name__ == "__main__":
    main()
