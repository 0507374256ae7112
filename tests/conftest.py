"""Shared fixtures: an isolated environment for every test, a fresh database, and small data helpers."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from store.db import open_database
from store.models import Contact, Event
from store.normalize import normalize_email
from tests.postgres import REQUIRED, PostgresServer, connect_or_reason


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test reads the user's config or database, and local time is UTC."""
    for name in list(os.environ):
        if name.startswith("DOSSIER_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DOSSIER_CONFIG", str(tmp_path / "no-such-config.toml"))
    monkeypatch.setenv("DOSSIER_DB", str(tmp_path / "default.db"))
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    # Restore the environment now (not later) so the process time zone can follow it.
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "t.db"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of a freshly migrated database: migrating once per run keeps the suite fast."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    open_database(path, create=True).dispose()
    return path.read_bytes()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """The PostgreSQL test server (tests/postgres.py); skips, or with DOSSIER_TEST_PG_REQUIRED fails, without one."""
    server, reason = connect_or_reason()
    if server is None:
        if REQUIRED:
            pytest.fail(reason)
        pytest.skip(reason)
    yield server
    server.close()


@pytest.fixture
def postgres_url(postgres: PostgresServer) -> Iterator[str]:
    """The URL of a new, fully migrated, empty Dossier database on the PostgreSQL test server."""
    url = postgres.new_database()
    yield url
    postgres.drop(url)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test using `engine` runs on SQLite and on PostgreSQL, unless it is marked `sqlite_only`."""
    if "engine" in metafunc.fixturenames:
        sqlite_only = metafunc.definition.get_closest_marker("sqlite_only") is not None
        metafunc.parametrize("engine", ["sqlite"] if sqlite_only else ["sqlite", "postgresql"], indirect=True)


@pytest.fixture
def engine(request: pytest.FixtureRequest, db_path: Path, migrated_template: bytes) -> Iterator[Engine]:
    """A new, fully migrated, empty Dossier database: a file in `tmp_path`, then the same on PostgreSQL.

    A test about SQLite itself (its files, pragmas, raw sqlite3) is marked `sqlite_only`.
    """
    if request.param == "postgresql":
        engine = open_database(request.getfixturevalue("postgres_url"))
    else:
        db_path.write_bytes(migrated_template)
        engine = open_database(db_path, create=True)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def new_database(tmp_path_factory: pytest.TempPathFactory, migrated_template: bytes) -> Callable[[str], Path]:
    """`new_database(name) -> path` of a migrated, empty database, for module-scoped read-only data sets."""

    def new(name: str) -> Path:
        path = tmp_path_factory.mktemp(name) / f"{name}.db"
        path.write_bytes(migrated_template)
        return path

    return new


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared_engines(
    request: pytest.FixtureRequest, new_database: Callable[[str], Path]
) -> Iterator[Callable[[str], Engine]]:
    """`shared_engines(name) -> engine` of a new database shared by a module's read-only tests, on SQLite then
    on PostgreSQL (the tests using it run once per database)."""
    made: list[tuple[Engine, str | None]] = []

    def make(name: str) -> Engine:
        url = request.getfixturevalue("postgres").new_database() if request.param == "postgresql" else None
        engine = open_database(url or new_database(name))
        made.append((engine, url))
        return engine

    yield make
    for engine, url in made:
        engine.dispose()
        if url:
            request.getfixturevalue("postgres").drop(url)


MakeContact = Callable[..., int]
AddEvents = Callable[[Engine, int, Iterable[dict[str, Any]]], list[int]]


@pytest.fixture(scope="session")
def make_contact() -> MakeContact:
    """`make_contact(engine, **fields) -> id`; `email_normalized` follows `email` unless given."""

    def make(engine: Engine, **fields: Any) -> int:
        fields.setdefault("email_normalized", normalize_email(fields.get("email")))
        with Session(engine, expire_on_commit=False) as session:
            contact = Contact(**fields)
            session.add(contact)
            session.commit()
            assert contact.id is not None
            return contact.id

    return make


@pytest.fixture(scope="session")
def add_events() -> AddEvents:
    """`add_events(engine, contact_id, rows) -> ids`; each row is `Event` fields (type, occurred_at, ...)."""

    def add(engine: Engine, contact_id: int, rows: Iterable[dict[str, Any]]) -> list[int]:
        with Session(engine, expire_on_commit=False) as session:
            events = [Event(contact_id=contact_id, **row) for row in rows]
            session.add_all(events)
            session.commit()
            return [event.id for event in events]  # type: ignore[misc]

    return add
