"""The demo database: deterministic, complete, consistent, and carrying the traps the UI must survive."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from demo.build import DemoExists, build_demo
from store.db import DatabaseError, db_time, open_database
from store.timeline import timeline_page

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TABLES = (
    "contact",
    "event",
    "note",
    "segment",
    "segment_membership",
    "campaign",
    "campaign_membership",
    "email_template",
    "ip_address",
    "contact_ip",
    "social_profile",
    "do_not_contact",
)
ENGAGEMENT = "('page.hit', 'form.submitted', 'email.read', 'asset.download')"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(path, contacts=60, seed=7, now=NOW)
    return path


@pytest.fixture
def db(demo: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(demo)
    yield conn
    conn.close()


def dump(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {table: conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall() for table in TABLES}
    finally:
        conn.close()


def test_same_seed_gives_the_same_rows_and_another_seed_does_not(demo: Path, tmp_path: Path) -> None:
    again = build_demo(tmp_path / "again.db", contacts=60, seed=7, now=NOW)
    other = build_demo(tmp_path / "other.db", contacts=60, seed=8, now=NOW)
    assert again.contacts == 60
    first = dump(demo)
    assert dump(again.path) == first
    different = dump(other.path)
    for table in ("contact", "event", "note"):
        assert different[table] != first[table]


def test_refuses_an_existing_file_and_replaces_only_a_demo_with_force(tmp_path: Path) -> None:
    path = tmp_path / "taken.db"
    path.write_bytes(b"precious")
    with pytest.raises(DemoExists, match="already exists; pass --force"):
        build_demo(path, contacts=20, now=NOW)
    # --force never deletes a file the demo did not build: a text file, a user's CRM, another program's file.
    with pytest.raises(DatabaseError, match="is not a demo database that `dossier demo` built"):
        build_demo(path, contacts=20, now=NOW, force=True)
    assert path.read_bytes() == b"precious"
    crm = tmp_path / "crm.db"
    open_database(crm, create=True).dispose()
    before = crm.read_bytes()
    with pytest.raises(DatabaseError, match="--force leaves it alone"):
        build_demo(crm, contacts=20, now=NOW, force=True)
    assert crm.read_bytes() == before

    demo = tmp_path / "demo.db"
    build_demo(demo, contacts=10, now=NOW)
    for suffix in ("-wal", "-shm"):
        demo.with_name(demo.name + suffix).write_bytes(b"stale")
    summary = build_demo(demo, contacts=20, now=NOW, force=True)
    assert summary.contacts == 20
    for suffix in ("-wal", "-shm"):
        sibling = demo.with_name(demo.name + suffix)
        assert not sibling.exists() or sibling.read_bytes() != b"stale"
    with sqlite3.connect(demo) as conn:
        assert conn.execute("SELECT count(*) FROM contact").fetchone() == (20,)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]  # no half-built file left


def test_a_failed_rebuild_leaves_the_old_demo_as_it_was(tmp_path: Path, monkeypatch) -> None:
    demo = tmp_path / "demo.db"
    build_demo(demo, contacts=10, now=NOW)
    before = demo.read_bytes()

    def broken(*_args) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr("demo.build._write", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        build_demo(demo, contacts=20, now=NOW, force=True)
    assert demo.read_bytes() == before
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("contacts", range(1, 12))
def test_every_small_size_builds(tmp_path: Path, contacts: int) -> None:
    summary = build_demo(tmp_path / "small.db", contacts=contacts, now=NOW)
    assert summary.contacts == contacts


def test_the_demo_database_is_private(tmp_path: Path) -> None:
    summary = build_demo(tmp_path / "private.db", contacts=5, now=NOW)
    assert summary.path.stat().st_mode & 0o777 == 0o600


def test_every_table_has_rows(db: sqlite3.Connection) -> None:
    empty = [table for table in TABLES if db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0]
    assert empty == []


def test_the_file_is_sound(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA foreign_keys = ON")
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_likely_duplicates_exist(db: sqlite3.Connection) -> None:
    pairs = db.execute(
        "SELECT email_normalized, group_concat(email, ' ') FROM contact WHERE merged_into_id IS NULL "
        "AND email_normalized IS NOT NULL GROUP BY email_normalized HAVING count(*) > 1"
    ).fetchall()
    assert len(pairs) >= 3
    # The second record is spelled differently: other case or a +tag.
    assert all(len(set(emails.split())) == 2 for _, emails in pairs)


def test_very_active_contacts_and_quiet_ones(db: sqlite3.Connection) -> None:
    counts = [n for (n,) in db.execute("SELECT count(*) FROM event GROUP BY contact_id")]
    assert any(20_000 <= n <= 40_000 for n in counts)
    assert 1 in counts  # someone has nothing but "Contact created"
    ties = db.execute(
        "SELECT count(*) FROM (SELECT 1 FROM event GROUP BY contact_id, occurred_at HAVING count(*) > 1)"
    ).fetchone()[0]
    assert ties > 0


def test_hostile_strings_are_present(db: sqlite3.Connection) -> None:
    assert db.execute("SELECT count(*) FROM contact WHERE company = '[bold red]Acme[/]'").fetchone() == (1,)
    assert db.execute("SELECT count(*) FROM contact WHERE lastname = '[@click=app.quit]x[/]'").fetchone() == (1,)
    strings = {s for (details,) in db.execute("SELECT details FROM event") for s in leaves(json.loads(details))}
    assert any("\x1b[31mred\x1b[0m" in s for s in strings)
    assert "[link=https://x]y[/link]" in strings


def test_only_contacts_with_an_email_address_are_emailed(db: sqlite3.Connection) -> None:
    emailed = """
        SELECT count(*) FROM event JOIN contact ON contact.id = event.contact_id
        WHERE contact.email {} AND (event.type LIKE 'email.%' OR json_extract(event.details, '$.action') = 'email.read')
    """
    assert db.execute(emailed.format("IS NOT NULL")).fetchone()[0] > 0
    active_without = """
        SELECT count(*) FROM contact
        WHERE email IS NULL AND id IN (SELECT contact_id FROM event GROUP BY 1 HAVING count(*) > 1)
    """
    assert db.execute(active_without).fetchone()[0] > 0  # there are contacts this could go wrong for
    assert db.execute(emailed.format("IS NULL")).fetchone()[0] == 0


def leaves(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            yield from leaves(item)
    elif isinstance(value, str):
        yield value


def test_names_from_many_scripts(db: sqlite3.Connection) -> None:
    names = " ".join(f"{first} {last}" for first, last in db.execute("SELECT firstname, lastname FROM contact"))
    assert "O'Brien" in names and "D'Angelo" in names
    assert any(ord(char) > 0x2E80 for char in names)  # CJK or Hangul
    countries = {country for (country,) in db.execute("SELECT DISTINCT country FROM contact")}
    assert len(countries) >= 8


def test_search_finds_a_contact_by_a_prefix_of_the_last_name(db: sqlite3.Connection) -> None:
    def search(prefix: str) -> set[int]:
        query = "SELECT rowid FROM contact_fts WHERE contact_fts MATCH ?"
        return {rowid for (rowid,) in db.execute(query, (f'"{prefix}"*',))}

    rows = db.execute("SELECT id, lastname FROM contact WHERE lastname GLOB '[A-Z][a-z][a-z][a-z]*'").fetchall()
    assert rows
    for contact_id, lastname in rows[:5]:
        assert contact_id in search(lastname[:3])
    obrien = db.execute("SELECT id FROM contact WHERE lastname = 'O''Brien'").fetchone()[0]
    assert obrien in search("bri")


def test_points_last_active_and_dates_agree_with_the_events(db: sqlite3.Connection) -> None:
    wrong_points = db.execute(
        "SELECT count(*) FROM contact c WHERE points != "
        "coalesce((SELECT sum(points_delta) FROM event e WHERE e.contact_id = c.id), 0)"
    ).fetchone()[0]
    wrong_active = db.execute(
        "SELECT count(*) FROM contact c WHERE last_active IS NOT "
        f"(SELECT max(occurred_at) FROM event e WHERE e.contact_id = c.id AND type IN {ENGAGEMENT})"
    ).fetchone()[0]
    out_of_range = db.execute(
        "SELECT count(*) FROM event e JOIN contact c ON c.id = e.contact_id "
        "WHERE e.occurred_at < c.date_added OR e.occurred_at > ?",
        (db_time(NOW),),
    ).fetchone()[0]
    assert (wrong_points, wrong_active, out_of_range) == (0, 0, 0)
    misdated = db.execute(
        "SELECT count(*) FROM note WHERE (date_time IS NULL) = (type IN ('call', 'meeting'))"
    ).fetchone()[0]
    assert misdated == 0


def test_the_store_reads_what_the_demo_wrote(demo: Path, db: sqlite3.Connection) -> None:
    busiest = db.execute("SELECT contact_id FROM event GROUP BY contact_id ORDER BY count(*) DESC").fetchone()[0]
    engine = open_database(demo)
    try:
        page = timeline_page(engine, busiest, limit=50)
    finally:
        engine.dispose()
    assert len(page) == 50
    assert all(row.occurred_at.tzinfo is not None and row.occurred_at <= NOW for row in page)
    assert [(r.occurred_at, r.id) for r in page] == sorted(((r.occurred_at, r.id) for r in page), reverse=True)
    stored = db.execute("SELECT occurred_at FROM event WHERE id = ?", (page[0].id,)).fetchone()[0]
    assert stored == db_time(page[0].occurred_at)
