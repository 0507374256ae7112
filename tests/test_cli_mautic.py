"""`dossier import mautic` end to end: the real client against a fake Mautic on 127.0.0.1, into a real file."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli.main import main
from tests.mautic_api import HOSTILE_COMPANY, FakeMautic

# The commands are the same on both databases; the store suite runs on PostgreSQL too.
pytestmark = pytest.mark.sqlite_only

USER, PASSWORD = "api-user", "s3cret-Pa55word"


@pytest.fixture
def fake() -> Iterator[FakeMautic]:
    with FakeMautic.sample(n_contacts=12, events_per_contact=6, seed=3, require_auth=(USER, PASSWORD)) as server:
        yield server


@pytest.fixture(autouse=True)
def password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOSSIER_MAUTIC_PASSWORD", PASSWORD)


def run(fake: FakeMautic, db: Path, *extra: str) -> int:
    return main(["import", "mautic", "--url", fake.url, "--user", USER, "--db", str(db), "--timeout", "5", *extra])


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def count(db: Path, table: str) -> int:
    return rows(db, f"SELECT count(*) FROM {table}")[0][0]


def test_imports_everything_and_prints_a_summary(fake: FakeMautic, tmp_path: Path, capsys) -> None:
    db = tmp_path / "crm.db"

    assert run(fake, db) == 0

    out = capsys.readouterr().out
    events = sum(len(events) for events in fake.events.values())
    assert f"Imported 12 of 12 contacts from {fake.url}: 12 created, 0 updated, 0 unchanged, 0 failed; " in out
    assert f"{events} events" in out and "3 email templates" in out
    assert count(db, "contact") == 12 and count(db, "event") == events
    assert count(db, "email_template") == len(fake.emails)
    assert count(db, "segment_membership") == sum(len(m) for m in fake.segment_members.values())
    assert count(db, "campaign_membership") == sum(len(m) for m in fake.campaign_members.values())
    assert count(db, "note") == sum(len(n) for n in fake.notes.values())
    assert rows(db, "SELECT company FROM contact WHERE external_id = '7'") == [(HOSTILE_COMPANY,)]
    types = {kind for (kind,) in rows(db, "SELECT DISTINCT type FROM event")}
    assert {"email.read", "form.submitted"} <= types  # Mautic's type names are kept


def test_segments_served_under_either_key_are_imported(tmp_path: Path) -> None:
    with FakeMautic.sample(n_contacts=6, segments_key="segments", keyed_by_id=False) as fake:
        assert run(fake, tmp_path / "crm.db") == 0
        expected = sum(len(m) for m in fake.segment_members.values())
    assert expected > 0
    assert count(tmp_path / "crm.db", "segment_membership") == expected


def test_a_second_run_changes_nothing_then_picks_up_a_changed_contact(fake: FakeMautic, tmp_path: Path, capsys) -> None:
    db = tmp_path / "crm.db"
    run(fake, db)
    capsys.readouterr()
    before = fake.paths.__len__()

    assert run(fake, db) == 0
    assert "0 created, 0 updated, 12 unchanged" in capsys.readouterr().out
    assert not any("/activity" in path for path in fake.paths[before:])  # unchanged contacts cost no requests

    fake.touch(4, "city", "Lisbon")
    assert run(fake, db) == 0
    assert "0 created, 1 updated, 11 unchanged" in capsys.readouterr().out
    assert rows(db, "SELECT city FROM contact WHERE external_id = '4'") == [("Lisbon",)]
    assert count(db, "contact") == 12


def test_a_connection_drop_stops_the_import_and_the_next_run_resumes(fake: FakeMautic, tmp_path: Path, capsys) -> None:
    db = tmp_path / "crm.db"
    fake.drop_on("/contacts/16/activity", times=1, partial=True)

    assert run(fake, db, "--retries", "1") == 1

    captured = capsys.readouterr()
    assert "Stopped after 5 contacts (5 created" in captured.out
    assert "Run the same command again to resume." in captured.out
    assert "dropp" in captured.err and "Traceback" not in captured.err
    assert count(db, "contact") == 5  # whole contacts only: 1, 4, 7, 10, 13
    assert rows(
        db, "SELECT count(*) FROM event e JOIN contact c ON c.id = e.contact_id WHERE c.external_id = '16'"
    ) == [(0,)]

    before = len(fake.paths)
    assert run(fake, db) == 0
    assert "7 created, 0 updated, 5 unchanged" in capsys.readouterr().out
    activity = [path for path in fake.paths[before:] if path.endswith("/activity")]
    assert activity[0].endswith("/contacts/16/activity")  # the contacts done before were not fetched again
    assert count(db, "contact") == 12
    assert count(db, "event") == sum(len(events) for events in fake.events.values())


def test_rate_limits_and_server_errors_are_retried(fake: FakeMautic, tmp_path: Path, capsys) -> None:
    fake.fail_next(429, retry_after=0)
    fake.fail_next(500)

    assert run(fake, tmp_path / "crm.db") == 0
    assert "12 created" in capsys.readouterr().out


def test_wrong_credentials_give_one_sentence_and_create_nothing(
    fake: FakeMautic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("DOSSIER_MAUTIC_PASSWORD", "wrong-password")
    db = tmp_path / "crm.db"

    assert run(fake, db) == 1

    err = capsys.readouterr().err
    assert err.startswith("dossier: Mautic at 127.0.0.1:") and "user name or password" in err
    assert err.count("\n") == 1 and "wrong-password" not in err
    assert not db.exists()


@pytest.mark.parametrize(
    ("setup", "words"),
    [
        (lambda fake: setattr(fake, "api_enabled", False), "enable the API"),
        (lambda fake: setattr(fake, "prefix", "/mautic"), "was not found there (404)"),
    ],
)
def test_a_disabled_api_or_a_wrong_url_is_explained(tmp_path: Path, capsys, setup, words: str) -> None:
    with FakeMautic.sample(n_contacts=2, require_auth=(USER, PASSWORD)) as fake:
        url = fake.url
        setup(fake)
        code = main(["import", "mautic", "--url", url, "--user", USER, "--db", str(tmp_path / "crm.db")])
    assert code == 1
    assert words in capsys.readouterr().err


def test_without_a_password_or_a_terminal_it_says_how_to_give_one(
    fake: FakeMautic, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.delenv("DOSSIER_MAUTIC_PASSWORD")

    assert run(fake, tmp_path / "crm.db") == 1
    assert "Set DOSSIER_MAUTIC_PASSWORD" in capsys.readouterr().err
