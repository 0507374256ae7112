"""Team mode on PostgreSQL: opening a server, its password, its schema, live-change notices and `dossier db`."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from cli.main import main
from demo.build import build_demo
from store.changes import ServerWatch
from store.contacts import search_contacts
from store.db import HEAD_REVISION, DatabaseError, _alembic_config, display_name, open_database
from store.db_copy import copy_database, tables
from store.dialect import stored_row
from store.interchange.csv_export import export_csv
from store.notes import add_note
from store.server import masked_url
from tests.postgres import PostgresServer


def note(engine: Engine, contact_id: int, words: str):
    return add_note(engine, contact_id, type="general", text=words, date_time=None, author="me", now=datetime.now(UTC))


class MemoryKeyring(KeyringBackend):
    """A keyring held in memory, so no test reads or writes the machine's own."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.secrets.pop((service, username), None)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


@pytest.fixture
def no_libpq_password(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Neither PGPASSWORD nor a ~/.pgpass entry: libpq has no password of its own to offer."""
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-such-pgpass"))


@pytest.fixture
def empty_url(postgres: PostgresServer) -> Iterator[str]:
    url = postgres.empty_database()
    yield url
    postgres.drop(url)


def without_password(url: str) -> str:
    return make_url(url)._replace(password=None).render_as_string(hide_password=False)


def password_of(url: str) -> str:
    password = make_url(url).password
    assert password, "the test server's URL carries its password"
    return password


# Masking


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://ann:s3cret@db.example:5432/crm", "postgresql://ann:***@db.example:5432/crm"),
        ("postgresql+psycopg://ann:s3cret@db/crm", "postgresql://ann:***@db/crm"),
        ("postgresql://ann@db/crm", "postgresql://ann@db/crm"),
        (
            "postgresql://ann@db/crm?password=s3cret&sslmode=require",
            "postgresql://ann@db/crm?password=***&sslmode=require",
        ),
        ("postgresql://ann:s3@cret@db/crm", "postgresql://***"),  # an unescaped @: where the password ends is unknown
    ],
)
def test_a_url_is_shown_with_its_password_masked(url: str, shown: str) -> None:
    assert masked_url(url) == shown == display_name(url.replace("+psycopg", ""))


@pytest.mark.parametrize(
    ("url", "sentence"),
    [
        ("postgresql://ann:s3@cret@db/crm", "postgresql://***: write an @ in the user name or password as %40."),
        ("postgresql://ann:s3cret@db:port/crm", "The database URL cannot be read; check its host and port."),
    ],
)
def test_a_url_that_cannot_be_read_is_one_sentence_without_the_password(url: str, sentence: str) -> None:
    with pytest.raises(DatabaseError) as info:
        open_database(url)
    assert str(info.value) == sentence


def test_options_in_the_url_are_kept(postgres_url: str) -> None:
    engine = open_database(postgres_url + "?options=-c%20lock_timeout%3D1234")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SHOW lock_timeout")).scalar() == "1234ms"
            assert conn.execute(text("SHOW timezone")).scalar() == "UTC"
    finally:
        engine.dispose()


def test_another_kind_of_server_is_refused_in_one_sentence() -> None:
    with pytest.raises(DatabaseError, match=r"Dossier works on SQLite files and PostgreSQL servers") as info:
        open_database("mysql://ann:s3cret@db/crm")
    assert "s3cret" not in str(info.value)


# Connecting and the password


def test_a_wrong_password_is_one_sentence_without_the_password(postgres: PostgresServer, postgres_url: str) -> None:
    wrong = make_url(postgres_url).set(password="not-the-Password-42").render_as_string(hide_password=False)
    with pytest.raises(DatabaseError) as info:
        open_database(wrong)
    message = str(info.value)
    assert message.startswith(f"Cannot connect to {masked_url(wrong)}: ")
    assert "password authentication failed" in message
    assert "not-the-Password-42" not in message and "***" in message


def test_an_unreachable_server_is_one_sentence() -> None:
    with pytest.raises(
        DatabaseError, match=r"^Cannot connect to postgresql://ann:\*\*\*@127\.0\.0\.1:9/crm: Connection refused\.$"
    ):
        open_database("postgresql://ann:s3cret@127.0.0.1:9/crm")


def test_the_password_from_pgpassword(postgres_url: str, no_libpq_password, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGPASSWORD", password_of(postgres_url))
    open_database(without_password(postgres_url)).dispose()


def test_the_password_from_pgpass(postgres_url: str, no_libpq_password, monkeypatch, tmp_path: Path) -> None:
    url = make_url(postgres_url)
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"{url.host}:{url.port}:*:{url.username}:{url.password}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    open_database(without_password(postgres_url)).dispose()


def test_the_password_from_the_keyring(postgres_url: str, no_libpq_password, memory_keyring: MemoryKeyring) -> None:
    bare = without_password(postgres_url)
    with pytest.raises(DatabaseError, match=r"asks for a password: put it in PGPASSWORD or ~/\.pgpass"):
        open_database(bare)
    memory_keyring.set_password("dossier", masked_url(bare), password_of(postgres_url))
    engine = open_database(bare)
    try:
        assert search_contacts(engine, "anyone") == []
    finally:
        engine.dispose()


# The schema: the app refuses another version, the administrator upgrades


def _migrate_to(url: str, revision: str) -> None:
    from alembic import command

    from store.server import make_server_engine, parse_url

    engine = make_server_engine(parse_url(url))
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), revision)
    engine.dispose()


def test_an_empty_server_database_is_set_up_by_db_upgrade(empty_url: str, capsys) -> None:
    with pytest.raises(DatabaseError, match=r"is empty; set it up with `dossier db upgrade --db postgresql://"):
        open_database(empty_url)
    assert main(["db", "upgrade", "--db", empty_url]) == 0
    assert f"is at schema {HEAD_REVISION}." in capsys.readouterr().err
    open_database(empty_url).dispose()


def test_an_older_schema_is_refused_until_the_administrator_upgrades(empty_url: str, capsys) -> None:
    _migrate_to(empty_url, "0005_points_index")
    with pytest.raises(DatabaseError, match=r"has an older schema \(0005_points_index\) than this Dossier"):
        open_database(empty_url)
    assert main(["search", "ada", "--db", empty_url]) == 1
    err = capsys.readouterr().err
    assert "its administrator upgrades it with `dossier db upgrade --db postgresql://dossier:***@" in err
    assert password_of(empty_url) not in err
    assert main(["db", "upgrade", "--db", empty_url]) == 0
    open_database(empty_url).dispose()


def test_a_newer_schema_is_refused(postgres_url: str) -> None:
    engine = open_database(postgres_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    engine.dispose()
    with pytest.raises(DatabaseError, match=r"newer version of Dossier \(schema 0099_from_the_future\)"):
        open_database(postgres_url)


def test_a_database_of_another_program_is_left_alone(empty_url: str) -> None:
    engine = open_database(empty_url, create=True)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE alembic_version"))
    engine.dispose()
    with pytest.raises(DatabaseError, match=r"is not a Dossier database; it was left untouched\."):
        open_database(empty_url, create=True)


def test_the_schema_on_postgresql_matches_the_models(empty_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    engine = open_database(empty_url, create=True)  # migrated from empty
    try:
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    finally:
        engine.dispose()
    # The stored search words and the search, trigram and expression indexes are the migrations' own.
    extra_columns = sorted((diff[2], diff[3].name) for diff in diffs if diff[0] == "remove_column")
    assert extra_columns == [("contact", "search_words"), ("note", "search_words")]
    assert sorted(diff[1].name for diff in diffs if diff[0] != "remove_column") == [
        "ix_campaign_name_trgm",
        "ix_contact_company_key",
        "ix_contact_email_domain",
        "ix_contact_search",
        "ix_email_template_name_trgm",
        "ix_email_template_subject_trgm",
        "ix_event_search",
        "ix_note_search",
        "ix_segment_name_trgm",
    ]
    assert {diff[0] for diff in diffs} == {"remove_column", "remove_index"}


# Live changes


def next_poll(watch: ServerWatch, seconds: float = 3.0) -> tuple[bool, bool]:
    """The first poll that sees a change (notifications arrive a moment after the commit), or no change."""
    deadline = time.monotonic() + seconds
    while True:
        seen = watch.poll()
        if seen[0] or time.monotonic() > deadline:
            return seen
        time.sleep(0.02)


def test_notifications_tell_another_programs_commits_from_our_own(postgres_url: str, make_contact) -> None:
    ours, theirs = open_database(postgres_url), open_database(postgres_url)
    try:
        ada = make_contact(ours, firstname="Ada", email="ada@example.com")
        watch = ServerWatch(ours)
        assert next_poll(watch, 0.3) == (False, False)
        note(ours, ada, "mine")
        assert next_poll(watch) == (True, True)  # changed, and all of it ours
        note(theirs, ada, "a teammate's")
        assert next_poll(watch) == (True, False)
        assert next_poll(watch, 0.3) == (False, False)
        watch.close()
    finally:
        ours.dispose()
        theirs.dispose()


# Copying between SQLite and PostgreSQL


def _tables(engine: Engine) -> dict[str, list[dict]]:
    with engine.connect() as conn:
        return {
            table.name: [stored_row(row) for row in conn.execute(table.select().order_by(*table.primary_key))]
            for table in tables()
        }


def _csv(engine: Engine) -> str:
    out = io.StringIO()
    export_csv(engine, out)
    return out.getvalue()


def test_a_round_trip_sqlite_postgresql_sqlite_gives_identical_exports(tmp_path: Path, empty_url: str, capsys) -> None:
    source = tmp_path / "source.db"
    build_demo(source, contacts=60, seed=7)
    back = tmp_path / "back.db"
    assert main(["db", "copy", str(source), empty_url]) == 0
    assert main(["db", "copy", empty_url, str(back)]) == 0
    err = capsys.readouterr().err
    assert "every table's row count matches" in err and password_of(empty_url) not in err

    first, server, last = open_database(source), open_database(empty_url), open_database(back)
    try:
        assert _tables(last) == _tables(first)
        assert _tables(server) == _tables(first)
        assert _csv(last) == _csv(server) == _csv(first)
        assert len(list(csv.reader(io.StringIO(_csv(first))))) == 61
        assert [c.id for c in search_contacts(server, "a")] == [c.id for c in search_contacts(first, "a")]
        # New rows on the server continue after the copied ids.
        added = note(server, 1, "after the copy")
        assert added.id > max(row["id"] for row in _tables(first)["note"])
    finally:
        for engine in (first, server, last):
            engine.dispose()


def test_a_copy_into_a_database_with_contacts_is_refused_and_changes_nothing(
    tmp_path: Path, postgres_url: str, make_contact, capsys
) -> None:
    target = open_database(postgres_url)
    make_contact(target, firstname="Kept")
    target.dispose()
    source = tmp_path / "source.db"
    build_demo(source, contacts=60, seed=1)
    assert main(["db", "copy", str(source), postgres_url]) == 1
    assert "The destination is not empty: it has rows in contact (1)" in capsys.readouterr().err
    target = open_database(postgres_url)
    with target.connect() as conn:
        assert conn.execute(text("SELECT firstname FROM contact")).scalars().all() == ["Kept"]
    target.dispose()


def test_a_dropped_connection_is_one_sentence_and_the_next_change_reconnects(
    postgres: PostgresServer, postgres_url: str, make_contact
) -> None:
    import sqlalchemy.exc

    from store.db import describe_error

    engine = open_database(postgres_url)
    try:
        with pytest.raises(sqlalchemy.exc.DBAPIError) as info, engine.begin() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
            postgres._admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            conn.execute(text("SELECT 1"))
        assert describe_error(info.value) == (
            "The database server cannot be reached; the change was not saved. Try again when it is back."
        )
        assert make_contact(engine, firstname="After") > 0  # the pool checks connections before handing them out
    finally:
        engine.dispose()


def test_dossier_config_shows_a_server_url_masked(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("DOSSIER_DB", "postgresql://ann:s3cret-Pw@db.example/crm")
    assert main(["config"]) == 0
    out = capsys.readouterr().out
    assert "# database: postgresql://ann:***@db.example/crm" in out and "s3cret-Pw" not in out


def test_the_listener_comes_back_after_the_server_drops_it(
    postgres: PostgresServer, postgres_url: str, make_contact
) -> None:
    engine = open_database(postgres_url)
    watch = ServerWatch(engine)
    try:
        postgres._admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'dossier-live' "
            "AND datname = %s",
            (make_url(postgres_url).database,),
        )
        assert next_poll(watch) == (True, False)  # listening again; whatever was missed is looked at once
        theirs = open_database(postgres_url)
        make_contact(theirs, firstname="Teammate")
        theirs.dispose()
        assert next_poll(watch) == (True, False)
        assert next_poll(watch, 0.3) == (False, False)
    finally:
        watch.close()
        engine.dispose()


def test_db_password_keeps_the_password_in_the_keyring(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt: "typed-Secret-9")
    assert main(["db", "password", "postgresql://ann@db.example/crm"]) == 0
    assert memory_keyring.secrets == {("dossier", "postgresql://ann@db.example/crm"): "typed-Secret-9"}
    err = capsys.readouterr().err
    assert "Stored the password for postgresql://ann@db.example/crm in the system keyring." in err
    assert "typed-Secret-9" not in err


def test_db_password_needs_a_terminal(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["db", "password", "postgresql://ann@db.example/crm"]) == 1
    assert "asks for the password at a terminal" in capsys.readouterr().err


def test_a_merge_made_on_sqlite_is_undone_on_postgresql_after_a_copy(
    tmp_path: Path, empty_url: str, make_contact
) -> None:
    from sqlmodel import Session

    from store.memberships import set_membership
    from store.merge.merging import merge_contacts, preview_merge
    from store.merge.undo import unmerge
    from store.models import Segment

    now = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
    file = open_database(tmp_path / "team.db", create=True)
    ada = make_contact(file, firstname="Ada", email="ada@example.com")
    twin = make_contact(file, firstname="Ada", lastname="L.", email="ada.l@example.com")
    with Session(file) as session:
        segment = Segment(name="Newsletter")
        session.add(segment)
        session.commit()
        segment_id = segment.id
    for contact in (ada, twin):  # both members: the merge folds them, keeping the twin's row (0/1 flags)
        set_membership(file, "segment", segment_id, contact, True, actor="me", now=now)
    note(file, twin, "kept through the copy")
    merged = merge_contacts(file, preview_merge(file, ada, twin, now=now), actor="me", now=now)
    server = open_database(empty_url, create=True)
    copy_database(file, server)
    try:
        unmerge(server, merged.merge_id, actor="me", now=now)
        unmerge(file, merged.merge_id, actor="me", now=now)
        on_server, on_file = _tables(server), _tables(file)
        assert on_server["segment_membership"] == on_file["segment_membership"]
        assert {row["contact_id"] for row in on_server["segment_membership"]} == {ada, twin}
        assert on_server["contact"] == on_file["contact"]
        assert on_server["note"] == on_file["note"]
    finally:
        file.dispose()
        server.dispose()


def test_a_nul_character_is_kept_as_a_visible_symbol_in_text_and_json(
    postgres_url: str, make_contact, add_events
) -> None:
    from store.timeline import TimelineFilter, timeline_page

    engine = open_database(postgres_url)
    try:
        ada = make_contact(engine, firstname="Nul\x00Byte")
        when = datetime(2026, 11, 20, tzinfo=UTC)
        add_events(engine, ada, [{"type": "form.submitted", "occurred_at": when, "details": {"k\x00": "a\x00b"}}])
        [row] = timeline_page(engine, ada, flt=TimelineFilter(text="a␀b"), limit=10)
        assert row.details == {"k␀": "a␀b"}
        assert search_contacts(engine, "nul")[0].name == "Nul␀Byte"
    finally:
        engine.dispose()


def test_dossier_demo_builds_on_a_server_and_refuses_a_second_time(empty_url: str, capsys) -> None:
    assert main(["demo", "--db", empty_url, "--contacts", "30", "--no-open"]) == 0
    assert "Built postgresql://dossier:***@" in capsys.readouterr().err
    engine = open_database(empty_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM contact")).scalar() == 30
    finally:
        engine.dispose()
    assert main(["demo", "--db", empty_url, "--contacts", "30", "--no-open"]) == 1
    assert "The destination is not empty" in capsys.readouterr().err


def test_another_programs_alembic_database_is_not_taken_for_a_newer_dossier(empty_url: str) -> None:
    from store.server import make_server_engine, parse_url

    engine = make_server_engine(parse_url(empty_url))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)"))
        conn.execute(text("INSERT INTO alembic_version VALUES ('4f2a9c1e7d3b')"))
    engine.dispose()
    with pytest.raises(DatabaseError, match=r"is not a Dossier database; it was left untouched\."):
        open_database(empty_url)
