"""The benchmark database generator: a real Dossier database, skewed as promised, the same for the same seed."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

import bench.generate
from bench.gen_activity import NOW, SPAN
from bench.gen_contacts import Contacts
from bench.generate import generate, main, plan_heavy
from store.contacts import search_contacts
from store.db import db_time, open_database
from store.normalize import normalize_email
from store.phones import normalize_phone, region_for_country
from store.timeline import timeline_page
from tests.store_helpers import head_revision

CONTACTS, EVENTS, HEAVY = 500, 5_000, 1_000


@pytest.fixture(scope="module")
def bench_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "bench.db"
    result = generate(path, contacts=CONTACTS, events=EVENTS, heavy_events=HEAVY)
    assert (result.contacts, result.events, result.heavy_ids) == (CONTACTS, EVENTS, [1, 2])
    return path


def _rows(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_the_store_opens_it_as_a_sound_database_at_the_head_revision(bench_db: Path) -> None:
    open_database(bench_db).dispose()
    assert _rows(bench_db, "PRAGMA journal_mode") == [("wal",)]
    assert _rows(bench_db, "SELECT version_num FROM alembic_version") == [(head_revision(),)]
    assert _rows(bench_db, "PRAGMA integrity_check") == [("ok",)]
    for fts in ("contact_fts", "note_fts"):
        _rows(bench_db, f"INSERT INTO {fts}({fts}) VALUES ('integrity-check')")  # raises if out of step
        assert _rows(bench_db, f"SELECT k FROM {fts}_config") == [("version",)]
    assert _rows(bench_db, "SELECT count(*) FROM contact") == [(CONTACTS,)]
    assert _rows(bench_db, "SELECT count(*) FROM event") == [(EVENTS,)]
    assert _rows(bench_db, "SELECT count(*) FROM sqlite_master WHERE name LIKE 'sqlite_stat%'") != [(0,)]


def test_contact_one_is_the_busiest_and_the_heavy_ones_have_their_quota(bench_db: Path) -> None:
    counts = _rows(bench_db, "SELECT contact_id, count(*) FROM event GROUP BY contact_id ORDER BY 2 DESC, 1")
    assert counts[:2] == [(1, HEAVY), (2, HEAVY)]
    assert counts[2][1] < HEAVY
    silent = _rows(bench_db, "SELECT count(*) FROM contact WHERE last_active IS NULL")[0][0]
    assert 0 < silent < CONTACTS // 4


def test_contact_columns_agree_with_their_events(bench_db: Path) -> None:
    disagreeing = _rows(
        bench_db,
        "SELECT c.id FROM contact c JOIN (SELECT contact_id, min(occurred_at) first, max(occurred_at) last, "
        "coalesce(sum(points_delta), 0) points FROM event GROUP BY contact_id) e ON e.contact_id = c.id "
        "WHERE c.date_added != e.first OR c.last_active != e.last OR c.points != e.points "
        "OR c.date_modified NOT BETWEEN e.first AND e.last",
    )
    assert disagreeing == []
    first, last = _rows(bench_db, "SELECT min(occurred_at), max(occurred_at) FROM event")[0]
    assert db_time(NOW - timedelta(seconds=SPAN)) <= first and last < db_time(NOW)


def test_emails_are_unique_and_normalised_and_phones_match_their_e164_form(bench_db: Path) -> None:
    contacts = _rows(bench_db, "SELECT email, email_normalized, phone, phone_e164, country FROM contact")
    assert len({email for email, *_ in contacts}) == CONTACTS
    assert all(normalized == normalize_email(email) for email, normalized, *_ in contacts)
    phones = [(phone, e164, country) for _, _, phone, e164, country in contacts if phone][:100]
    assert phones
    assert all(normalize_phone(phone, region_for_country(country, "US")) == e164 for phone, e164, country in phones)


def test_the_app_finds_and_shows_what_was_generated(bench_db: Path) -> None:
    contact_id, firstname, lastname = _rows(
        bench_db, "SELECT id, firstname, lastname FROM contact WHERE lastname GLOB '[A-Z][a-z][a-z]*' LIMIT 1 OFFSET 40"
    )[0]
    engine = open_database(bench_db)
    try:
        found = search_contacts(engine, f"{firstname[:2]} {lastname[:3]}", limit=500)
        assert contact_id in [row.id for row in found]
        page = timeline_page(engine, 1, limit=50)
    finally:
        engine.dispose()
    assert len(page) == 50
    newest = _rows(bench_db, "SELECT occurred_at FROM event WHERE contact_id = 1 ORDER BY occurred_at DESC LIMIT 1")
    assert db_time(page[0].occurred_at) == newest[0][0]


def test_the_same_seed_gives_the_same_rows_and_another_seed_others(
    bench_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    again, other = tmp_path / "again.db", tmp_path / "other.db"
    generate(other, contacts=CONTACTS, events=EVENTS, heavy_events=HEAVY, seed=2)
    # Without fork the rows are made in this process instead of a child: the same rows either way.
    monkeypatch.setattr(bench.generate.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    generate(again, contacts=CONTACTS, events=EVENTS, heavy_events=HEAVY)
    for sql in (
        "SELECT * FROM event ORDER BY id",
        "SELECT * FROM contact ORDER BY id",
        "SELECT * FROM note ORDER BY id",
    ):
        assert _rows(again, sql) == _rows(bench_db, sql)
        assert _rows(other, sql) != _rows(bench_db, sql)


def test_a_failed_run_leaves_no_file_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_self: Contacts) -> None:
        raise ValueError("no segments today")

    monkeypatch.setattr(Contacts, "links", broken)
    path = tmp_path / "broken.db"
    with pytest.raises(RuntimeError, match="no segments today"):
        generate(path, contacts=50, events=500)
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "precious.db"
    path.write_bytes(b"keep me")
    with pytest.raises(FileExistsError):
        generate(path, contacts=10, events=100)
    assert main(["--db", str(path), "--contacts", "10", "--events", "100"]) == 1
    assert capsys.readouterr().err == f"{path} already exists; pass --force to replace it.\n"
    assert path.read_bytes() == b"keep me"


@pytest.mark.parametrize(
    ("contacts", "events", "heavy_events", "quotas"),
    [
        (1_000_000, 10_000_000, 100_000, [100_000] * 3),
        (10_000, 100_000, 100_000, [25_000]),
        (500, 5_000, 1_000, [1_000, 1_000]),
        (10, 100, 100_000, [25]),
        (2, 101, 10, [51, 50]),
        (5, 3, 100, []),
    ],
)
def test_heavy_quotas(contacts: int, events: int, heavy_events: int, quotas: list[int]) -> None:
    assert plan_heavy(contacts, events, heavy_events) == quotas
