"""The database's own id: made once on first use, then the same on every read, from any connection."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from store.db import open_database
from store.identity import database_id


def test_made_once_then_kept(engine: Engine) -> None:
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM database_meta")).scalar_one() == 0
    first = database_id(engine)
    assert len(first) == 32 and int(first, 16) >= 0
    assert database_id(engine) == first
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name, value FROM database_meta")).all() == [("id", first)]


@pytest.mark.sqlite_only
def test_kept_when_the_database_is_opened_again(db_path: Path, engine: Engine) -> None:
    first = database_id(engine)
    engine.dispose()
    reopened = open_database(db_path)
    try:
        assert database_id(reopened) == first
    finally:
        reopened.dispose()


def test_two_databases_from_one_template_get_different_ids(engine: Engine, tmp_path: Path) -> None:
    other = open_database(tmp_path / "other.db", create=True)
    try:
        assert database_id(other) != database_id(engine)
    finally:
        other.dispose()


@pytest.mark.sqlite_only
def test_a_copy_of_the_database_keeps_its_id(db_path: Path, engine: Engine, tmp_path: Path) -> None:
    from store.db_copy import copy_between

    first = database_id(engine)
    copy_between(db_path, tmp_path / "copy.db")
    copy = open_database(tmp_path / "copy.db")
    try:
        assert database_id(copy) == first  # the same notes keep the same calendar UIDs after `dossier db copy`
    finally:
        copy.dispose()
