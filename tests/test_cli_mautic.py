"""`dossier import|sync mautic`, `dossier sync status|resolve` and `dossier dnc` as a user runs them: the command
line, the real client and the store against the fake Mautic (tests/mautic) on 127.0.0.1, into a real file.

The command reads the real clock, so the fake's changes are dated with it (`fake.now = datetime.now(UTC)`); the
sample's history lies in 2024, before any run."""

from __future__ import annotations

import io
import json
import sqlite3
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backend import KeyringBackend

from cli.main import main
from services.mautic import MauticClient
from store.settings import MAUTIC_KEYRING_SERVICE
from tests.mautic import FakeMautic
from tests.mautic.sample import HOSTILE_COMPANY, SHARED_EMAIL

# The commands are the same on both databases; the store suite runs on PostgreSQL too.
pytestmark = pytest.mark.sqlite_only

USER, PASSWORD = "api-user", "s3cret-Pa55word"
TABLES = ("contact", "event", "note", "segment_membership", "campaign_membership", "do_not_contact", "contact_ip",
          "sync_state", "segment", "campaign", "email_template")  # fmt: skip


class MemoryKeyring(KeyringBackend):
    """A keyring in memory, so no test reads the user's own."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


@pytest.fixture(autouse=True)
def secrets(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    """The password in the environment, as a cron job would give it, and an empty keyring."""
    monkeypatch.setenv("DOSSIER_MAUTIC__SECRET", PASSWORD)
    previous, memory = keyring.get_keyring(), MemoryKeyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(previous)


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[FakeMautic]:
    version = getattr(request, "param", "5")
    options = {"version": version, "user": USER, "password": PASSWORD}
    with FakeMautic.sample(n_contacts=12, events_per_contact=6, seed=3, **options) as server:
        yield server
        assert server.errors == []


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def sync(capsys: pytest.CaptureFixture[str], fake: FakeMautic, db: Path, *extra: object, first: bool = False):
    """`dossier sync mautic` (or `dossier import mautic`, its first run) against the fake."""
    command = ("import", "mautic") if first else ("sync", "mautic")
    return run(capsys, *command, "--url", fake.url, "--user", USER, "--db", db, "--timeout", 5, *extra)


def rows(db: Path, sql: str, *params: Any) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def counts(db: Path) -> dict[str, int]:
    return {table: rows(db, f"SELECT count(*) FROM {table}")[0][0] for table in TABLES}


def local_id(db: Path, remote: int) -> int:
    return rows(db, "SELECT contact_id FROM sync_state WHERE remote_id = ?", str(remote))[0][0]


def per_contact(fake: FakeMautic, start: int = 0) -> list[str]:
    """The paths of requests about one contact (its activity, segments, campaigns, the contact itself)."""
    return [r.path for r in fake.requests[start:] if r.path.startswith("/api/contacts/") and r.path[14:15].isdigit()]


def named(fake: FakeMautic) -> list[int]:
    """The Mautic ids of the contacts with an email address."""
    return [contact.id for contact in fake.model.contacts.values() if contact.values.get("email")]


def segment_id(fake: FakeMautic, name: str) -> int:
    return next(segment.id for segment in fake.model.segments.values() if segment.name == name)


def assert_one_sentence(err: str, *words: str) -> None:
    assert err.startswith("dossier: ") and err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err and PASSWORD not in err
    for word in words:
        assert word in err


# The first run and the ones after it


@pytest.mark.parametrize("fake", ["4", "5"], indirect=True)
def test_the_first_run_imports_everything_and_prints_a_summary(fake: FakeMautic, tmp_path: Path, capsys) -> None:
    db = tmp_path / "crm.db"

    code, out, err = sync(capsys, fake, db, first=True)

    assert (code, err) == (0, "")
    have = counts(db)
    assert out.startswith(f"Synced with {fake.url}: sent 0 changes; 12 contacts created, 0 updated, 0 unchanged, ")
    assert f"{have['event']:,} events, {have['note']} notes, 4 segments, 3 campaigns, " in out
    assert f"{have['email_template']} email templates" in out
    assert have["contact"] == have["sync_state"] == len(fake.model.contacts) == 12
    assert have["note"] == len(fake.model.notes) and have["event"] > 12 * 3
    assert have["segment_membership"] > 0 and have["campaign_membership"] > 0 and have["do_not_contact"] > 0
    assert rows(db, "SELECT company FROM contact WHERE id = ?", local_id(db, 1)) == [(HOSTILE_COMPANY,)]
    # Two Mautic contacts sharing an address stay two contacts.
    assert rows(db, "SELECT count(*) FROM contact WHERE email = ?", SHARED_EMAIL) == [(2,)]


def test_a_second_run_changes_nothing_then_picks_up_a_change(fake: FakeMautic, tmp_path: Path, capsys) -> None:
    db = tmp_path / "crm.db"
    sync(capsys, fake, db, first=True)
    before, asked = counts(db), len(fake.requests)

    code, out, _err = sync(capsys, fake, db)

    assert code == 0 and "sent 0 changes; 0 contacts created, 0 updated, 0 unchanged, 0 deleted, 0 merged" in out
    assert "; 0 events, 0 notes," in out
    assert counts(db) == before
    assert per_contact(fake, asked) == []  # nothing changed, so nothing was asked about any one contact

    fake.now = datetime.now(UTC)
    fake.edit_contact(1, city="Lisbon")
    fake.page_hit(1, "https://example.com/lisbon", "Lisbon office")
    fake.add_note(1, "Moved to Lisbon", type="call")
    code, out, _err = sync(capsys, fake, db)

    assert code == 0 and "0 contacts created, 1 updated, 0 unchanged" in out and "; 1 event, 1 note," in out
    ada = local_id(db, 1)
    assert rows(db, "SELECT city FROM contact WHERE id = ?", ada) == [("Lisbon",)]
    assert rows(db, "SELECT count(*) FROM event WHERE contact_id = ? AND label LIKE '%Lisbon office%'", ada) == [(1,)]
    assert rows(db, "SELECT type FROM note WHERE contact_id = ? AND text = 'Moved to Lisbon'", ada) == [("call",)]
    assert counts(db)["contact"] == 12


def test_the_settings_name_the_instance_and_the_keyring_holds_the_password(
    fake: FakeMautic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, secrets: MemoryKeyring, capsys
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[mautic]\nurl = "{fake.url}"\nuser = "{USER}"\ntimeout = 5\n', encoding="utf-8")
    monkeypatch.setenv("DOSSIER_CONFIG", str(config))
    monkeypatch.delenv("DOSSIER_MAUTIC__SECRET")
    secrets.set_password(MAUTIC_KEYRING_SERVICE, USER, PASSWORD)

    code, out, _err = run(capsys, "sync", "mautic", "--db", tmp_path / "crm.db")

    assert code == 0 and "12 contacts created" in out


# When the network or the server fails


def drop_when(monkeypatch: pytest.MonkeyPatch, fake: FakeMautic, method: str, call: int) -> None:
    """The connection drops on the first request of the `call`-th call of `MauticClient.method`."""
    original: Callable[..., Any] = getattr(MauticClient, method)
    calls = {"n": 0}

    def dropping(self: MauticClient, *args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == call:
            fake.drop_next()
        return original(self, *args, **kwargs)

    monkeypatch.setattr(MauticClient, method, dropping)


@pytest.mark.parametrize(
    ("method", "call", "done"),
    [("contacts", 2, 200), ("activity", 1, 212), ("contact_segments", 3, 212), ("notes", 1, 212)],
    ids=["contacts", "activity", "memberships", "notes"],
)
def test_a_connection_drop_stops_the_run_and_the_next_run_resumes(
    fake: FakeMautic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, method: str, call: int, done: int
) -> None:
    for _ in range(200):  # anonymous visitors, so the contacts take two pages
        fake.add_contact()
    sync(capsys, fake, tmp_path / "whole.db")
    whole = counts(tmp_path / "whole.db")
    db = tmp_path / "crm.db"
    drop_when(monkeypatch, fake, method, call)
    start = len(fake.requests)

    code, out, err = sync(capsys, fake, db, "--retries", 1)

    assert code == 1
    assert_one_sentence(err, "dropping the connection")
    assert out.startswith(f"Stopped after {done} contacts (sent 0 changes; {done} contacts created")
    assert out.endswith("Run the same command again to resume.\n")
    assert counts(db)["contact"] == done  # whole contacts only
    monkeypatch.undo()
    monkeypatch.setenv("DOSSIER_MAUTIC__SECRET", PASSWORD)
    asked, before, cut = len(fake.requests), per_contact(fake, start), fake.requests[-1].path

    code, out, err = sync(capsys, fake, db)

    assert (code, err) == (0, "")
    assert f"{212 - done} contacts created" in out
    assert counts(db) == whole  # nothing lost, nothing doubled
    if method == "contacts":
        listed = [r.params["where"] for r in fake.requests[asked:] if r.path == "/api/contacts" and "where" in r.params]
        assert listed[0][0]["val"] == "200"  # the contacts read before were not read again
    # No contact's memberships were asked for twice, bar the one the drop cut off.
    assert set(before) & set(per_contact(fake, asked)) <= {cut}


def test_server_errors_and_a_dropped_connection_are_tried_again(fake: FakeMautic, tmp_path: Path, capsys) -> None:
    fake.drop_next()
    fake.fail_next(502)

    code, out, err = sync(capsys, fake, tmp_path / "crm.db")

    assert (code, err) == (0, "") and "12 contacts created" in out
    first = fake.requests[0]
    assert [(r.method, r.uri) for r in fake.requests[:3]] == [(first.method, first.uri)] * 3


def test_a_server_that_keeps_failing_is_one_sentence_and_creates_nothing(
    fake: FakeMautic, tmp_path: Path, capsys
) -> None:
    fake.fail_next(500, times=2)

    code, out, err = sync(capsys, fake, tmp_path / "crm.db", "--retries", 2)

    assert (code, out) == (1, "")
    assert_one_sentence(err, "kept answering 500")
    assert not (tmp_path / "crm.db").exists()


# Telling the user what to fix


def test_wrong_credentials_give_one_sentence_and_create_nothing(
    fake: FakeMautic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("DOSSIER_MAUTIC__SECRET", "wrong-password")
    db = tmp_path / "crm.db"

    code, out, err = sync(capsys, fake, db, first=True)

    assert (code, out) == (1, "")
    assert_one_sentence(err, f"Mautic at {fake.url.removeprefix('http://')} rejected the credentials")
    assert "wrong-password" not in err
    assert not db.exists()
    assert [r.path for r in fake.requests] == ["/api/contacts"]  # one look, then nothing more


@pytest.mark.parametrize(
    ("setup", "suffix", "words"),
    [
        (lambda fake: setattr(fake, "api_enabled", False), "", "enable the API in Configuration → API Settings"),
        (lambda fake: setattr(fake, "basic_auth", False), "", "enable HTTP basic auth"),
        (lambda fake: None, "/mautic", "/mautic the Mautic base URL? /api/contacts was not found there (404)"),
    ],
    ids=["api disabled", "basic auth disabled", "wrong url"],
)
def test_a_disabled_api_or_a_wrong_url_is_explained(
    fake: FakeMautic, tmp_path: Path, capsys, setup: Callable[[FakeMautic], None], suffix: str, words: str
) -> None:
    setup(fake)

    code, out, err = run(capsys, "sync", "mautic", "--url", fake.url + suffix, "--user", USER, "--db", tmp_path / "db")

    assert (code, out) == (1, "")
    assert_one_sentence(err, words)
    assert not (tmp_path / "db").exists()


def test_without_a_password_or_a_terminal_it_says_how_to_give_one(
    fake: FakeMautic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.delenv("DOSSIER_MAUTIC__SECRET")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # a cron job: no terminal to ask on

    code, out, err = sync(capsys, fake, tmp_path / "crm.db")

    assert (code, out) == (1, "")
    assert_one_sentence(err, "Set DOSSIER_MAUTIC__SECRET", f"of {USER}", "keyring (service dossier-mautic)")
    assert fake.requests == [] and not (tmp_path / "crm.db").exists()


def test_without_an_instance_it_says_how_to_name_one(tmp_path: Path, capsys) -> None:
    code, _out, err = run(capsys, "sync", "mautic", "--db", tmp_path / "crm.db")

    assert code == 1
    assert_one_sentence(err, "--url and --user", "mautic.url and mautic.user")


# Changes made here, on their way to Mautic


def test_a_do_not_contact_change_waits_in_the_outbox_then_reaches_mautic(
    fake: FakeMautic, tmp_path: Path, capsys
) -> None:
    db = tmp_path / "crm.db"
    sync(capsys, fake, db, first=True)
    remote = next(c.id for c in fake.model.contacts.values() if c.values.get("email") and not c.dnc)
    ada = local_id(db, remote)

    code, out, _err = run(capsys, "dnc", "add", ada, "--reason", "manual", "--comments", "Asked by phone", "--db", db)

    assert code == 0 and out == f"Contact {ada} is not to be contacted by email.\n"
    code, out, _err = run(capsys, "sync", "status", "--db", db)
    assert code == 0 and f"{fake.url.replace('http://', 'mautic http://')}: last synced " in out
    [waiting] = [line for line in out.splitlines() if "dnc.add" in line]
    assert "pending" in waiting and "(email)" in waiting
    assert not [r for r in fake.requests if "/dnc/" in r.path]  # nothing is sent before a sync

    code, out, _err = sync(capsys, fake, db)

    assert code == 0 and "sent 1 change;" in out
    [sent] = [r for r in fake.requests if r.method == "POST" and r.path == f"/api/contacts/{remote}/dnc/email/add"]
    assert sent.body == {"reason": 3, "comments": "Asked by phone"}
    assert [(row.channel, row.reason, row.comments) for row in fake.model.contacts[remote].dnc] == [
        ("email", 3, "Asked by phone")
    ]
    assert run(capsys, "sync", "status", "--db", db)[1].endswith("Nothing waits for Mautic.\n")

    code, out, _err = run(capsys, "dnc", "remove", ada, "--db", db)
    assert code == 0 and out == f"Contact {ada} is contactable by email.\n"
    assert sync(capsys, fake, db)[0] == 0
    assert [r for r in fake.requests if r.method == "POST" and r.path == f"/api/contacts/{remote}/dnc/email/remove"]
    assert fake.model.contacts[remote].dnc == []
    assert rows(db, "SELECT count(*) FROM do_not_contact WHERE contact_id = ?", ada) == [(0,)]


@pytest.fixture
def refused(fake: FakeMautic, tmp_path: Path, capsys) -> tuple[Path, int, int]:
    """A synced database with a change Mautic refused: a contact added here to a segment Mautic keeps unpublished
    (LeadBundle's segment API answers 403). (database, the contact's Mautic id, the change's number)"""
    db = tmp_path / "crm.db"
    sync(capsys, fake, db, first=True)
    old_list = segment_id(fake, "Old list")
    remote = next(c for c in named(fake) if old_list not in fake.model.member_segments(c))
    assert run(capsys, "segment", "add", "Old list", local_id(db, remote), "--db", db)[0] == 0
    code, out, err = sync(capsys, fake, db)
    assert code == 1 and "sent 0 changes (1 refused, 0 in conflict, 0 waiting)" in out
    assert err == "Some changes need you: dossier sync status lists them, dossier sync resolve settles each.\n"
    [(change,)] = rows(db, "SELECT id FROM sync_outbox")
    return db, remote, change


def in_old_list(db: Path, remote: int) -> bool:
    sql = "SELECT name FROM segment_membership JOIN segment ON segment.id = segment_id WHERE contact_id = ?"
    return ("Old list",) in rows(db, sql, local_id(db, remote))


def test_status_lists_a_refused_change_with_mautics_reason(refused, capsys) -> None:
    db, remote, change = refused

    code, out, _err = run(capsys, "sync", "status", "--db", db)

    assert code == 0
    [line] = [line for line in out.splitlines() if line.split()[:3] == [str(change), "refused", "segment.add"]]
    assert "(Old list) — Mautic at " in line and "refused access" in line
    code, out, _err = run(capsys, "sync", "status", "--db", db, "--json")
    [listed] = json.loads(out)["changes"]
    assert (listed["id"], listed["state"], listed["what"]) == (change, "refused", "Old list")
    assert listed["contact_id"] == local_id(db, remote)


def test_resolving_theirs_drops_the_change_and_brings_mautics_version(refused, fake: FakeMautic, capsys) -> None:
    db, remote, change = refused
    assert in_old_list(db, remote)  # as the user set it here

    code, _out, err = run(capsys, "sync", "resolve", change, "theirs", "--db", db)

    assert code == 0 and err == f"Change {change} was dropped; the next sync brings Mautic's version.\n"
    assert rows(db, "SELECT count(*) FROM sync_outbox") == [(0,)]
    asked = len(fake.requests)
    code, out, _err = sync(capsys, fake, db)
    assert code == 0 and out.startswith(f"Synced with {fake.url}: sent 0 changes; ")
    assert not in_old_list(db, remote)  # Mautic's version: not a member
    assert f"/api/contacts/{remote}/segments" in per_contact(fake, asked)
    assert run(capsys, "sync", "status", "--db", db)[1].endswith("Nothing waits for Mautic.\n")


def test_resolving_mine_sends_it_again(refused, fake: FakeMautic, capsys) -> None:
    db, remote, change = refused
    fake.model.segments[segment_id(fake, "Old list")].published = True  # an administrator published it since

    code, _out, err = run(capsys, "sync", "resolve", change, "mine", "--db", db)

    assert code == 0 and err == f"Change {change} will be sent again at the next sync, overwriting Mautic's version.\n"
    code, out, _err = sync(capsys, fake, db)
    assert code == 0 and "sent 1 change;" in out
    path = f"/api/segments/{segment_id(fake, 'Old list')}/contact/{remote}/add"
    assert [r for r in fake.requests if r.method == "POST" and r.path == path]
    assert segment_id(fake, "Old list") in fake.model.member_segments(remote)
    assert rows(db, "SELECT count(*) FROM sync_outbox") == [(0,)] and in_old_list(db, remote)


@pytest.mark.parametrize("number", [0, 99])
def test_resolving_a_change_that_is_not_held_is_one_sentence(refused, capsys, number: int) -> None:
    db, _remote, _change = refused

    code, _out, err = run(capsys, "sync", "resolve", number, "mine", "--db", db)

    assert code == 1
    assert_one_sentence(err, f"No refused or conflicting change has the number {number}", "dossier sync status")
    assert rows(db, "SELECT state FROM sync_outbox") == [("refused",)]
