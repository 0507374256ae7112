"""Opening a database: migrations from empty, connection settings, and every refusal leaving the file as it was."""

from __future__ import annotations

import os
import random
import sqlite3
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy.exc
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, text
from sqlmodel import Session, SQLModel

from store.db import HEAD_REVISION, DatabaseError, db_time, describe_error, open_database
from store.fts import APPLICATION_ID
from store.models import Contact, Event
from tests.store_helpers import head_revision

MODEL_TABLES = {
    "avatar_cache",
    "campaign",
    "campaign_membership",
    "contact",
    "contact_ip",
    "database_meta",
    "do_not_contact",
    "email_template",
    "event",
    "ip_address",
    "merge_record",
    "note",
    "segment",
    "segment_membership",
    "social_profile",
    "sync_outbox",
    "sync_source",
    "sync_state",
}
FTS_TABLES = {
    f"{index}{part}" for index in ("contact_fts", "note_fts") for part in ("", "_config", "_data", "_docsize", "_idx")
} | {"event_fts", "event_fts_config", "event_fts_data", "event_fts_idx"}
TIMELINE_INDEXES = {"ix_event_timeline", "ix_event_type_timeline"}


def schema(path: Path) -> dict[str, set[str]]:
    """The names in a file's sqlite_master, by type, read with a plain sqlite3 connection."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT type, name FROM sqlite_master").fetchall()
    conn.close()
    found: dict[str, set[str]] = {}
    for kind, name in rows:
        found.setdefault(kind, set()).add(name)
    return found


def pragma(path: Path, name: str):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]
    finally:
        conn.close()


def make_dossier_file(path: Path) -> bytes:
    """A migrated Dossier database, closed; returns its bytes."""
    open_database(path, create=True).dispose()
    return path.read_bytes()


def assert_refused(path: Path, message: str, *, create: bool = False) -> None:
    """open_database raises exactly `message` and leaves the file byte-identical."""
    before = path.read_bytes()
    with pytest.raises(DatabaseError) as info:
        open_database(path, create=create)
    assert str(info.value) == message
    assert path.read_bytes() == before


# SQLite files themselves: their header, pragmas and refusals (PostgreSQL's schema: tests/test_team.py).
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def engine(db_path: Path) -> Iterator[Engine]:
    """Unlike the shared fixture (a copy of a template), this one migrates a new file from empty."""
    engine = open_database(db_path, create=True)
    yield engine
    engine.dispose()


# Migrations from empty


def test_new_database_has_every_model_table_the_fts_index_and_alembic(engine: Engine, db_path: Path) -> None:
    found = schema(db_path)
    assert found["table"] == MODEL_TABLES | FTS_TABLES | {"alembic_version"}
    assert set(SQLModel.metadata.tables) == MODEL_TABLES
    triggers = {f"{index}_{when}" for index in ("contact_fts", "note_fts", "event_fts") for when in ("ai", "ad", "au")}
    assert found["trigger"] == triggers


@pytest.mark.sqlite_only
def test_new_database_is_marked_as_dossier_at_the_head_revision(engine: Engine, db_path: Path) -> None:
    assert pragma(db_path, "application_id") == APPLICATION_ID == 0x444F5353
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    assert versions == [head_revision()] == [HEAD_REVISION] == ["0009b_database_meta"]


def test_fts_table_uses_external_content_and_folds_diacritics(engine: Engine) -> None:
    with engine.connect() as conn:
        sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = 'contact_fts'")).scalar_one()
    assert "fts5(firstname, lastname, email, company, city" in sql
    assert "content='contact'" in sql
    assert "remove_diacritics 2" in sql


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)

    def expected(diff) -> bool:
        # FTS tables live outside the metadata; Alembic cannot reflect DESC expression indexes faithfully.
        if diff[0] == "remove_table":
            return diff[1].name in FTS_TABLES
        return diff[0] in ("add_index", "remove_index") and diff[1].name in TIMELINE_INDEXES

    assert [diff for diff in diffs if not expected(diff)] == []


def test_timeline_indexes_are_newest_first(engine: Engine) -> None:
    with engine.connect() as conn:
        query = text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event'")
        rows = {name: sql for name, sql in conn.execute(query)}
    assert set(rows) == TIMELINE_INDEXES | {"ix_event_points", "ix_event_remote_key"}
    assert rows["ix_event_points"].endswith("(contact_id, occurred_at, points_delta) WHERE type = 'point.gained'")
    assert rows["ix_event_timeline"].endswith("(contact_id, occurred_at DESC, id DESC)")
    assert rows["ix_event_type_timeline"].endswith("(contact_id, type, occurred_at DESC, id DESC)")


def test_create_makes_missing_parent_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "c.db"
    open_database(path, create=True).dispose()
    assert pragma(path, "application_id") == APPLICATION_ID


def test_an_empty_existing_file_is_initialised_only_when_asked(db_path: Path) -> None:
    db_path.touch()
    # A read-only command (search, show, export) never turns a file into a database.
    with pytest.raises(DatabaseError, match="is an empty file, not a Dossier database yet; it was left untouched"):
        open_database(db_path)
    assert db_path.read_bytes() == b""
    open_database(db_path, create=True).dispose()
    assert "contact" in schema(db_path)["table"]
    assert pragma(db_path, "application_id") == APPLICATION_ID


def test_reopening_a_current_database_changes_nothing(db_path: Path) -> None:
    before = make_dossier_file(db_path)
    for _ in range(2):
        open_database(db_path).dispose()
        open_database(db_path, create=True).dispose()
    assert db_path.read_bytes() == before


def test_data_survives_reopening(db_path: Path, make_contact) -> None:
    engine = open_database(db_path, create=True)
    contact_id = make_contact(engine, firstname="Ada", email="ada@example.com")
    engine.dispose()
    engine = open_database(db_path)
    try:
        with Session(engine) as session:
            assert session.get(Contact, contact_id).firstname == "Ada"
    finally:
        engine.dispose()


# Connection settings


def test_every_connection_has_wal_foreign_keys_and_a_busy_timeout(engine: Engine) -> None:
    with engine.connect() as first, engine.connect() as second:
        for conn in (first, second):
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_wal_is_persistent_in_the_file(engine: Engine, db_path: Path) -> None:
    assert pragma(db_path, "journal_mode") == "wal"


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Event(contact_id=999, type="page.hit", occurred_at=datetime(2026, 1, 1, tzinfo=UTC)))
        with pytest.raises(sqlalchemy.exc.IntegrityError, match="FOREIGN KEY constraint failed"):
            session.commit()


def test_db_time_is_the_text_sqlalchemy_stores(engine: Engine, make_contact, add_events) -> None:
    when = datetime(2026, 3, 4, 5, 6, 7, 8009, tzinfo=UTC)
    contact_id = make_contact(engine)
    [event_id] = add_events(engine, contact_id, [{"type": "page.hit", "occurred_at": when}])
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT occurred_at FROM event WHERE id = :id"), {"id": event_id}).scalar_one()
    assert stored == db_time(when) == "2026-03-04 05:06:07.008009"


# Refusals: one sentence, and the file exactly as it was


def test_refuses_random_bytes(db_path: Path) -> None:
    db_path.write_bytes(random.Random(7).randbytes(4096))
    assert_refused(db_path, f"{db_path} is not a SQLite database, or it is corrupt; it was left untouched.")


@pytest.mark.parametrize(
    "content",
    [b"name,email\nAda,ada@example.com\n", b"hello", b"SQLite format 3\x00" + random.Random(1).randbytes(4080)],
    ids=["csv-text", "tiny-text", "sqlite-header-then-garbage"],
)
def test_refuses_files_that_are_not_sqlite(db_path: Path, content: bytes) -> None:
    db_path.write_bytes(content)
    assert_refused(db_path, f"{db_path} is not a SQLite database, or it is corrupt; it was left untouched.")


def test_refuses_not_sqlite_even_with_create(db_path: Path) -> None:
    db_path.write_text("just some notes\n")
    assert_refused(
        db_path, f"{db_path} is not a SQLite database, or it is corrupt; it was left untouched.", create=True
    )


def test_refuses_a_sqlite_file_from_another_application(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO invoices (total) VALUES (12.5)")
    conn.commit()
    conn.close()
    assert_refused(db_path, f"{db_path} is not a Dossier database; it was left untouched.", create=True)
    assert schema(db_path)["table"] == {"invoices"}


def test_refuses_a_file_with_our_tables_but_not_our_application_id(db_path: Path) -> None:
    make_dossier_file(db_path)
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA application_id = 0")
    conn.close()
    assert_refused(db_path, f"{db_path} is not a Dossier database; it was left untouched.")


def test_refuses_an_empty_sqlite_file_marked_by_another_application(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA application_id = 1196444487")  # GeoPackage ("GPKG")
    conn.close()
    assert_refused(db_path, f"{db_path} is not a Dossier database; it was left untouched.")


def test_refuses_a_database_from_a_newer_dossier(db_path: Path) -> None:
    make_dossier_file(db_path)
    conn = sqlite3.connect(db_path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    assert_refused(
        db_path,
        f"{db_path} was written by a newer version of Dossier (schema 9999); upgrade Dossier to open it.",
        create=True,
    )


def test_refuses_a_read_only_file(db_path: Path) -> None:
    make_dossier_file(db_path)
    db_path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    if os.access(db_path, os.W_OK):
        pytest.skip("running as root: permission bits do not stop root from writing, so no file is read-only")
    assert_refused(db_path, f"{db_path} is read-only; Dossier needs to write to its database.")


def test_refuses_a_missing_file_without_create(db_path: Path) -> None:
    with pytest.raises(DatabaseError) as info:
        open_database(db_path)
    assert str(info.value) == (
        f"There is no Dossier database at {db_path}; run `dossier demo --db {db_path}` to make one."
    )
    assert list(db_path.parent.iterdir()) == []


def test_refuses_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    for create in (False, True):
        with pytest.raises(DatabaseError) as info:
            open_database(folder, create=create)
        assert str(info.value) == f"{folder} is a folder, not a database file."
    assert list(folder.iterdir()) == []


def test_refuses_to_create_under_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    with pytest.raises(DatabaseError) as info:
        open_database(blocker / "t.db", create=True)
    assert str(info.value) == f"Cannot create {blocker}: File exists."
    assert blocker.read_text() == "x"


def test_refuses_a_locked_database_without_waiting_forever(db_path: Path) -> None:
    db_path.touch()
    holder = sqlite3.connect(db_path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        with pytest.raises(DatabaseError) as info:
            open_database(db_path)
        assert str(info.value) == f"{db_path} is locked by another program; try again when it is done."
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert db_path.read_bytes() == b""


def test_a_failed_upgrade_leaves_the_file_as_it_was(db_path: Path) -> None:
    # A Dossier-marked file with no recorded revision and one table the migration creates last: the
    # migration runs from the start and fails on that table after creating all the others.
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
    conn.execute("CREATE TABLE social_profile (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(DatabaseError, match="could not be opened: table social_profile already exists"):
        open_database(db_path)
    assert schema(db_path)["table"] == {"alembic_version", "social_profile"}
    assert db_path.read_bytes() == before


# describe_error


def locked_file(path: Path) -> sqlite3.Connection:
    """A database with one table, exclusively locked by the returned connection."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (a)")
    holder.execute("BEGIN EXCLUSIVE")
    return holder


def test_describe_error_for_a_locked_database_from_sqlalchemy(db_path: Path) -> None:
    holder = locked_file(db_path)
    impatient = create_engine(f"sqlite:///{db_path}", connect_args={"timeout": 0})
    try:
        with pytest.raises(sqlalchemy.exc.OperationalError) as info, impatient.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (1)"))
    finally:
        impatient.dispose()
        holder.close()
    assert "database is locked" in str(info.value)
    assert describe_error(info.value) == (
        "The database is busy (another program is writing to it); try again in a moment."
    )


def test_describe_error_for_a_locked_database_from_sqlite3(db_path: Path) -> None:
    holder = locked_file(db_path)
    other = sqlite3.connect(db_path, timeout=0)
    try:
        with pytest.raises(sqlite3.OperationalError) as info:
            other.execute("INSERT INTO t VALUES (1)")
    finally:
        other.close()
        holder.close()
    assert describe_error(info.value) == (
        "The database is busy (another program is writing to it); try again in a moment."
    )


def test_describe_error_for_a_read_only_connection(engine: Engine, db_path: Path) -> None:
    reader = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        with pytest.raises(sqlite3.OperationalError) as info:
            reader.execute("DELETE FROM contact")
    finally:
        reader.close()
    assert describe_error(info.value) == "The database is read-only; the change was not saved."


def test_describe_error_passes_our_own_sentences_through() -> None:
    assert describe_error(DatabaseError("/x.db is a folder, not a database file.")) == (
        "/x.db is a folder, not a database file."
    )


def test_describe_error_names_unexpected_errors() -> None:
    assert describe_error(ValueError("bad value")) == "ValueError: bad value"
