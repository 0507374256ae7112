"""Changes made in Dossier to contacts that came from Mautic, on their way there (store/sync/outbox.py,
services/mautic/push.py), against the fake Mautic: they arrive as the right requests, wait while Mautic is
down (across a restart), and a refusal or a conflict is kept with its reason."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from services.mautic import MauticClient
from services.mautic.push import push_changes
from store.db import open_database
from store.do_not_contact import set_do_not_contact
from store.interchange.mautic_sync import source_name, sync_mautic
from store.memberships import set_membership
from store.notes import add_note, delete_note, update_note
from store.sync.outbox import CONFLICT, REFUSED, changes, release, waiting
from tests.mautic import FakeMautic
from tests.test_mautic_sync import one

pytestmark = pytest.mark.sqlite_only
T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def fake() -> Iterator[FakeMautic]:
    with FakeMautic(version="5") as server:
        server.now = T0
        yield server


@pytest.fixture
def synced(engine: Engine, fake: FakeMautic) -> dict[str, int]:
    ada = fake.add_contact(firstname="Ada", email="ada@example.com")
    news = fake.add_segment("Newsletter", "newsletter")
    locked = fake.add_segment("Staff only", "staff", published=False)
    note = fake.add_note(ada, "First call", type="call", date_time=T0)
    run_sync(engine, fake)
    local = one(engine, "SELECT contact_id FROM sync_state")
    group = lambda name: one(engine, "SELECT id FROM segment WHERE name = :n", n=name)  # noqa: E731
    return {"ada": ada, "local": local, "news": news, "news_local": group("Newsletter"), "locked": locked,
            "locked_local": group("Staff only"), "note": note}  # fmt: skip


def client(fake: FakeMautic) -> MauticClient:
    return MauticClient(fake.url, "api", "secret", timeout=2, retries=1, clock=lambda: fake.now, sleep=fake.advance)


def run_sync(engine: Engine, fake: FakeMautic) -> None:
    with client(fake) as source:
        sync_mautic(engine, source, origin=source_name(fake.url), now=fake.now)


def push(engine: Engine, fake: FakeMautic, now: datetime | None = None):
    source_id = one(engine, "SELECT id FROM sync_source")
    with client(fake) as source:
        return push_changes(engine, source, source_id, origin=source_name(fake.url), now=now or fake.now)


def posted(fake: FakeMautic, method: str, path_part: str) -> list[Any]:
    return [r for r in fake.requests if r.method == method and path_part in r.path]


def test_a_new_edited_and_deleted_note_arrive_as_mautic_requests(engine, fake, synced) -> None:
    note = add_note(
        engine, synced["local"], type="general", text="Sent the quote", date_time=None, author="sam", now=T0
    )
    assert push(engine, fake).sent == 1
    [created] = posted(fake, "POST", "/api/notes/new")
    assert created.body["lead"] == synced["ada"] and created.body["text"] == "Sent the quote"
    remote = one(engine, "SELECT remote_key FROM note WHERE id = :i", i=note.id)
    assert remote is not None
    edited = update_note(
        engine,
        note.id,
        type="general",
        text="Sent the quote v2",
        date_time=None,
        author="sam",
        expected_version=1,
        now=T0,
    )
    assert push(engine, fake).sent == 1
    assert posted(fake, "PATCH", "/edit")[-1].body["text"] == "Sent the quote v2"
    delete_note(engine, edited.id, actor="sam", now=T0)
    assert push(engine, fake).sent == 1
    assert posted(fake, "DELETE", f"/api/notes/{remote.rpartition(':')[2]}/delete")
    assert waiting(engine) == {}
    # The next sync reads Mautic's notes back and adds nothing twice.
    fake.advance(60)
    run_sync(engine, fake)
    assert one(engine, "SELECT count(*) FROM note") == 1


def test_a_segment_switch_and_a_do_not_contact_change_arrive(engine, fake, synced) -> None:
    set_membership(engine, "segment", synced["news_local"], synced["local"], True, actor="sam", now=T0)
    set_do_not_contact(engine, synced["local"], "email", True, reason="manual", comments="asked", actor="sam", now=T0)
    assert push(engine, fake).sent == 2
    assert posted(fake, "POST", f"/api/segments/{synced['news']}/contact/{synced['ada']}/add")
    [dnc] = posted(fake, "POST", f"/api/contacts/{synced['ada']}/dnc/email/add")
    assert dnc.body == {"reason": 3, "comments": "asked"}
    set_do_not_contact(engine, synced["local"], "email", False, actor="sam", now=T0)
    assert push(engine, fake).sent == 1
    assert posted(fake, "POST", f"/api/contacts/{synced['ada']}/dnc/email/remove")


def test_changes_wait_while_mautic_is_down_across_a_restart(engine, fake, synced, db_path: Path) -> None:
    add_note(engine, synced["local"], type="general", text="Offline note", date_time=None, author="sam", now=T0)
    url = fake.url
    fake.stop()
    source_id = one(engine, "SELECT id FROM sync_source")
    with MauticClient(url, "api", "secret", timeout=1, retries=1, sleep=lambda _s: None) as down:
        summary = push_changes(engine, down, source_id, origin=source_name(url), now=T0)
    assert (summary.sent, summary.waiting) == (0, 1) and "reach" in summary.problem
    engine.dispose()
    reopened = open_database(db_path)  # Dossier restarted: the change is still queued
    assert waiting(reopened) == {"pending": 1}
    fake.start()
    with MauticClient(fake.url, "api", "secret", timeout=2, sleep=lambda _s: None) as up:
        later = push_changes(reopened, up, source_id, origin=source_name(fake.url), now=T0 + timedelta(hours=1))
    assert later.sent == 1 and waiting(reopened) == {}
    reopened.dispose()


def test_a_refusal_is_kept_with_mautics_sentence(engine, fake, synced) -> None:
    set_membership(engine, "segment", synced["locked_local"], synced["local"], True, actor="sam", now=T0)
    summary = push(engine, fake)
    assert summary.refused == 1
    [refused] = changes(engine, states=(REFUSED,))
    assert "403" in refused.message or "access" in refused.message


def test_a_note_changed_in_both_places_is_a_conflict_until_the_user_chooses(engine, fake, synced) -> None:
    note_id = one(engine, "SELECT id FROM note")
    update_note(engine, note_id, type="call", text="Mine", date_time=T0, author="sam", expected_version=1, now=T0)
    fake.edit_note(synced["note"], text="Theirs")
    assert push(engine, fake).conflicts == 1
    [conflict] = changes(engine, states=(CONFLICT,))
    assert "Changed in Mautic too" in conflict.message
    assert not posted(fake, "PATCH", "/edit")  # nothing overwritten blindly
    release(engine, conflict.id, force=True)  # the user keeps theirs... no: keeps mine
    assert push(engine, fake).sent == 1
    assert posted(fake, "PATCH", "/edit")[-1].body["text"] == "Mine"


def test_a_change_on_a_local_survivor_goes_to_the_mautic_record_merged_into_it(engine, fake, synced) -> None:
    from sqlmodel import Session

    from store.merge.merging import merge_contacts, preview_merge
    from store.models import Contact

    with Session(engine) as session:
        record = Contact(firstname="Ada", email="ada@home.example")
        session.add(record)
        session.commit()
        mine = record.id
    assert mine is not None
    # Dossier's own record of Ada survives; the one from Mautic is merged into it (Mautic's stays as it is).
    merge_contacts(engine, preview_merge(engine, mine, synced["local"], now=T0), actor="sam", now=T0)
    add_note(engine, mine, type="general", text="After the merge", date_time=None, author="sam", now=T0)
    assert push(engine, fake).sent == 1
    [created] = posted(fake, "POST", "/api/notes/new")
    assert (created.body["lead"], created.body["text"]) == (synced["ada"], "After the merge")
