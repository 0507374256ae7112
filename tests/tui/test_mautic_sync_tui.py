"""Pilot tests: what a user changes in the app on a contact from Mautic reaches the fake Mautic (tests/mautic)
with ctrl+r, waits in the outbox while Mautic is down (across a restart of the app), and a refusal is shown with
Mautic's own words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from textual.widgets import Checkbox, Select

from services.mautic import MauticClient
from store.db import open_database
from store.interchange.mautic_sync import source_name, sync_mautic
from store.settings import load_settings
from tests.mautic import FakeMautic
from tests.tui.conftest import screen_text, settle
from tests.tui.test_notes_calendar import type_note
from tui.app import DossierApp
from tui.contact.screen import ContactScreen
from tui.dialogs.compose_email import ComposeEmail
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.memberships import MembershipsDialog
from tui.dialogs.note_editor import NoteEditor
from tui.dialogs.outbox import OutboxDialog
from tui.factory import make_app

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def fake() -> Iterator[FakeMautic]:
    with FakeMautic(version="5") as server:
        server.now = NOW
        yield server


@pytest.fixture
def crm(fake: FakeMautic, new_database) -> tuple[Path, dict[str, int]]:
    """A database holding Ada, synced from the fake: she is in the Newsletter segment and may be emailed."""
    ada = fake.add_contact(firstname="Ada", lastname="Lovelace", email="ada@example.com")
    news = fake.add_segment("Newsletter", "newsletter")
    fake.join_segment(ada, news)
    welcome = fake.add_email("Welcome", "Welcome aboard", text="Hello")
    path = new_database("crm")
    engine = open_database(path)
    with MauticClient(fake.url, "api", "secret", timeout=5) as client:
        sync_mautic(engine, client, origin=source_name(fake.url), now=NOW)
    with engine.connect() as conn:
        local = conn.execute(text("SELECT contact_id FROM sync_state")).scalar_one()
    engine.dispose()
    return path, {"ada": ada, "news": news, "local": local, "welcome": welcome}


def build(url: str, path: Path, contact_id: int) -> DossierApp:
    settings = load_settings(
        ui={"cursor_blink": False, "live_interval": 0},
        network={"offline": True},
        mautic={"url": url, "user": "api", "secret": "secret", "timeout": 2},
    )
    return make_app(settings, path, contact_id=contact_id)


def posted(fake: FakeMautic, method: str, path: str) -> list:
    return [request for request in fake.requests if request.method == method and request.path == path]


async def sync_now(pilot) -> None:
    await pilot.press("ctrl+r")
    await settle(pilot)
    await pilot.app.workers.wait_for_complete()
    await settle(pilot)


async def test_a_note_a_segment_switch_and_do_not_contact_reach_mautic(fake, crm) -> None:
    path, ids = crm
    url = fake.url
    app = build(url, path, ids["local"])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "Mautic" in screen_text(app)  # the header says where the contact comes from
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NoteEditor)
        await type_note(pilot, "Asked for a quote")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, MembershipsDialog)
        await pilot.press("space")  # Newsletter off
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("U")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("tab", "enter")  # the safe answer has the focus: move to "Mark"
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        assert "3 changes waiting for Mautic" in screen_text(app)

        await sync_now(pilot)
        assert "waiting for Mautic" not in screen_text(app)

    [note] = posted(fake, "POST", "/api/notes/new")
    assert note.form["text"] == "Asked for a quote" and int(note.form["lead"]) == ids["ada"]
    assert posted(fake, "POST", f"/api/segments/{ids['news']}/contact/{ids['ada']}/remove")
    assert posted(fake, "POST", f"/api/contacts/{ids['ada']}/dnc/email/add")
    with fake.model.lock:
        contact = fake.model.contacts[ids["ada"]]
        assert [dnc.channel for dnc in contact.dnc] == ["email"]
        assert [n.text for n in fake.model.notes.values() if n.contact == ids["ada"]] == ["Asked for a quote"]


async def test_changes_wait_while_mautic_is_down_and_arrive_after_a_restart(fake, crm) -> None:
    path, ids = crm
    url = fake.url
    # Mautic is down: every connection is dropped. (Stopping the server would free its port for any other
    # test's server to take before the restart.)
    fake.drop_next(times=10_000)
    app = build(url, path, ids["local"])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await type_note(pilot, "Called while Mautic was down")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await sync_now(pilot)
        assert "1 change waiting for Mautic" in screen_text(app)
        said = [notification.message for notification in app._notifications]
        assert any("kept dropping the connection" in message for message in said)  # the failure, in a sentence
    # Dossier is closed; Mautic comes back; a new app sends what waited.
    fake._faults.drop = 0
    app = build(url, path, ids["local"])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "1 change waiting for Mautic" in screen_text(app)
        await sync_now(pilot)
        assert "waiting for Mautic" not in screen_text(app)
    with fake.model.lock:  # arrived once: the dropped attempts made nothing
        assert [note.text for note in fake.model.notes_of(ids["ada"])] == ["Called while Mautic was down"]


async def test_a_change_mautic_refuses_is_shown_with_its_reason(fake, crm) -> None:
    path, ids = crm
    url = fake.url
    app = build(url, path, ids["local"])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await type_note(pilot, "Refused one")
        await pilot.press("ctrl+s")
        await settle(pilot)
        message = "text: This value should not be blank."
        fake.fail_next(400, body={"errors": [{"code": 400, "message": message, "details": {}}]})
        await sync_now(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, OutboxDialog)
        shown = screen_text(app)
        assert "should not be blank" in shown  # Mautic's own words
        assert "new note “Refused one”" in shown  # what the change is, in the words the user wrote


async def choose_mautic_email(pilot, app: DossierApp) -> None:
    """Open the compose dialog (E), pick the template that came from Mautic, tick "Have Mautic send"."""
    await pilot.press("E")
    await settle(pilot)
    assert isinstance(app.screen, ComposeEmail)
    via = app.screen.query_one("#email-via-mautic", Checkbox)
    assert not via.display  # no template chosen: nothing Mautic could send
    select = app.screen.query_one("#email-template", Select)
    options = [(str(label), value) for label, value in select._options if value is not Select.NULL]
    [(_, welcome)] = options
    select.value = welcome
    await settle(pilot)
    assert via.display
    via.focus()
    await pilot.press("space")
    await settle(pilot)
    assert app.screen.query_one("#email-subject").disabled  # Mautic sends its own subject and message


async def test_an_email_sent_through_mautic_is_tracked_there_and_comes_back_in_history(fake, crm) -> None:
    path, ids = crm
    app = build(fake.url, path, ids["local"])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await choose_mautic_email(pilot, app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.app.workers.wait_for_complete()
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        assert any("Mautic sent its email “Welcome”" in n.message for n in app._notifications)
    assert posted(fake, "POST", f"/api/emails/{ids['welcome']}/contact/{ids['ada']}/send")
    engine = open_database(path)
    with engine.connect() as conn:
        sent = conn.execute(
            text("SELECT count(*) FROM event WHERE contact_id = :i AND type = 'email.sent' AND remote_key IS NOT NULL"),
            {"i": ids["local"]},
        ).scalar_one()
    engine.dispose()
    assert sent == 1  # Mautic's record of the send, brought in by the sync that followed


async def test_an_email_mautic_refuses_to_send_keeps_the_dialog_and_says_why(fake, crm) -> None:
    path, ids = crm
    app = build(fake.url, path, ids["local"])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await choose_mautic_email(pilot, app)
        fake.fail_next(404, body={"errors": [{"code": 404, "message": "Item was not found.", "details": []}]})
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.app.workers.wait_for_complete()
        await settle(pilot)
        assert isinstance(app.screen, ComposeEmail)
        assert "Item was not found" in screen_text(app)


def seed_mautic(path: Path) -> None:
    """Make the sample's Ada (contact 1) a contact from Mautic with two changes waiting, one of them refused:
    what the contact header and the outbox dialog show, with no server and nothing that depends on a port."""
    from datetime import timedelta

    from sqlalchemy import insert

    from store.db import writing
    from store.models import SyncState, table_of
    from store.sync.outbox import REFUSED, mark, queue
    from store.sync.sources import ensure_source
    from tests.tui.sample import NOW as SAMPLE_NOW

    engine = open_database(path)
    with writing(engine) as conn:
        origin = "mautic https://crm.example.com"
        ensure_source(conn, origin)
        conn.execute(
            insert(table_of(SyncState)).values(
                source=origin, remote_id="47", contact_id=1, synced_at=SAMPLE_NOW - timedelta(minutes=5)
            )
        )
        note = conn.execute(text("SELECT id FROM note WHERE contact_id = 1 ORDER BY id LIMIT 1")).scalar_one()
        segment = conn.execute(
            text("SELECT segment_id FROM segment_membership WHERE contact_id = 1 ORDER BY segment_id LIMIT 1")
        ).scalar_one()
        queue(conn, 1, "note.edit", {"note_id": note}, SAMPLE_NOW)
        queue(conn, 1, "segment.remove", {"group_id": segment}, SAMPLE_NOW)
        first = conn.execute(text("SELECT min(id) FROM sync_outbox")).scalar_one()
        said = "Mautic at crm.example.com answered 400 (Bad Request) for /api/notes/3/edit (Mautic said: text: "
        mark(conn, first, REFUSED, said + "This value should not be blank.).")
    engine.dispose()
