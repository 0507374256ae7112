"""Two Dossiers on one database (a file, or a PostgreSQL server): a change made in one shows in the other
without a key press."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.changes import DataVersion, LocalCommits, contact_fingerprint
from store.db import open_database
from store.merge.merging import merge_contacts, preview_merge
from store.notes import add_note
from store.settings import load_settings
from tests.postgres import PostgresServer
from tests.tui.conftest import screen_text, settle
from tests.tui.sample import NOW
from tui.contact.screen import ContactScreen
from tui.dialogs.confirm import ConfirmDialog
from tui.factory import make_app

ADA, GRACE = 1, 2


@pytest.fixture(params=["file", "server"])
def live_db(request: pytest.FixtureRequest, sample_db: Path) -> Iterator[Path | str]:
    """The sample database as a file, then copied to a database of its own on the PostgreSQL test server."""
    if request.param == "file":
        yield sample_db
        return
    from store.db_copy import copy_database

    postgres: PostgresServer = request.getfixturevalue("postgres")
    url = postgres.empty_database()
    source, server = open_database(sample_db), open_database(url, create=True)
    copy_database(source, server)
    source.dispose()
    server.dispose()
    yield url
    postgres.drop(url)


def live_app(db: Path | str, contact_id: int | None = None):
    settings = load_settings(ui={"cursor_blink": False, "live_interval": 0.1}, network={"offline": True})
    return make_app(settings, db, contact_id=contact_id, clock=lambda: NOW)


def told(app) -> list[str]:
    """The live-update notices the app has shown."""
    return [n.message for n in app._notifications if n.title == "Live update"]


async def wait_for(pilot, condition, seconds: float = 3.0) -> bool:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


async def test_a_note_written_in_one_app_appears_in_the_other(live_db: Path | str) -> None:
    watcher, writer = live_app(live_db, ADA), live_app(live_db, ADA)
    async with watcher.run_test(size=(120, 36)) as seen, writer.run_test(size=(120, 36)) as typing:
        await settle(seen)
        await settle(typing)
        assert "1 note" in screen_text(watcher)
        await typing.press("n")
        await settle(typing)
        await typing.press(*"Called", "space", *"from", "space", *"upstairs", "ctrl+s")
        await settle(typing)

        assert await wait_for(seen, lambda: "2 notes" in screen_text(watcher))
        assert told(watcher) == ["Updated with changes made elsewhere."]
        assert told(writer) == []  # the writer reloaded itself and is not told about its own note


async def test_a_change_by_another_program_reloads_the_open_contact(live_db: Path | str) -> None:
    app = live_app(live_db, ADA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        other = open_database(live_db)  # another program: its own engine, its own connections
        add_note(other, ADA, type="general", text="From a script", date_time=None, author="cron", now=NOW)
        other.dispose()
        assert await wait_for(pilot, lambda: "2 notes" in screen_text(app))


async def test_a_contact_merged_away_elsewhere_offers_the_survivor(live_db: Path | str) -> None:
    app = live_app(live_db, GRACE)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        other = open_database(live_db)
        merge_contacts(other, preview_merge(other, ADA, GRACE, now=NOW), actor="teammate", now=NOW)
        other.dispose()

        assert await wait_for(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        assert await wait_for(pilot, lambda: "merged this contact into contact #1" in screen_text(app))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen) and app.screen.contact_id == ADA


async def test_changes_to_other_contacts_do_not_reload(live_db: Path | str) -> None:
    app = live_app(live_db, ADA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        other = open_database(live_db)
        add_note(other, GRACE, type="general", text="Not Ada", date_time=None, author="x", now=NOW)
        other.dispose()
        await asyncio.sleep(0.5)
        await pilot.pause()
        assert told(app) == []


def test_data_version_sees_other_connections_and_local_commits_are_counted(sample_db: Path) -> None:
    engine = open_database(sample_db)
    versions, local = DataVersion(sample_db), LocalCommits(engine)
    before = contact_fingerprint(engine, ADA)
    assert not versions.changed()

    add_note(engine, ADA, type="general", text="x", date_time=None, author="me", now=NOW)

    assert versions.changed() and not versions.changed()
    assert local.count == 1
    after = contact_fingerprint(engine, ADA)
    assert after != before and after.notes[0] == before.notes[0] + 1
    assert contact_fingerprint(engine, 999_999) is None
    versions.close()
    engine.dispose()
