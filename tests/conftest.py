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


@pytest.fixture
def engine(db_path: Path, migrated_template: bytes) -> Iterator[Engine]:
    """A new, fully migrated, empty Dossier database in `tmp_path` (see test_store_db for migrating from empty)."""
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
