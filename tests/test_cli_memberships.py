"""`dossier segments|campaigns CONTACT` and `dossier segment|campaign add|remove NAME CONTACT`: output, JSON,
what they change and record, and their one-sentence errors."""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, event, text
from sqlalchemy.pool import Pool
from sqlmodel import Session

from cli.registry import build_parser, commands
from store.contacts import ContactNotFound
from store.db import DatabaseError
from store.memberships import GroupNotFound
from store.models import Campaign, CampaignMembership, Segment, SegmentMembership
from tests.cli_helpers import run_command

# The commands are the same on both databases; the store suite runs on PostgreSQL too.
pytestmark = pytest.mark.sqlite_only

HOSTILE = "[@click=app.quit]x[/] \x1b[31mred"


def parser() -> argparse.ArgumentParser:
    return build_parser(commands())


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = run_command(*argv)
    out, err = capsys.readouterr()
    return code, out, err


@dataclass
class Crm:
    path: Path
    engine: Engine
    ada: int
    old_ada: int
    news: int
    old_import: int
    hostile: int
    onboarding: int


@pytest.fixture
def crm(engine: Engine, db_path: Path, make_contact, monkeypatch: pytest.MonkeyPatch) -> Crm:
    monkeypatch.setenv("DOSSIER_USER__NAME", "kim")
    ada = make_contact(engine, firstname="Ada", lastname="Lovelace", email="ada@example.com")
    old_ada = make_contact(engine, firstname="Ada", email="ada@old.example", merged_into_id=ada)
    with Session(engine, expire_on_commit=False) as session:
        news = Segment(name="Newsletter")
        old_import = Segment(name="Old import", is_published=False)
        hostile = Segment(name=HOSTILE)
        onboarding = Campaign(name="Onboarding")
        session.add_all([news, old_import, hostile, onboarding])
        session.flush()
        session.add(SegmentMembership(segment_id=news.id, contact_id=ada, manually_added=True))
        session.add(SegmentMembership(segment_id=old_import.id, contact_id=ada, manually_removed=True))
        session.commit()
    return Crm(db_path, engine, ada, old_ada, news.id, old_import.id, hostile.id, onboarding.id)  # type: ignore[arg-type]


def events(engine: Engine) -> list[tuple]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT contact_id, type, label, details, actor FROM event ORDER BY id"))
        return [(*row[:3], json.loads(row[3]), row[4]) for row in rows]


# Listing


def test_segments_lists_every_segment_current_ones_first(crm: Crm, capsys) -> None:
    code, out, err = run(capsys, "segments", crm.ada, "--db", crm.path)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"on   {crm.news}  Newsletter  (added by hand)",
        f"off  {crm.hostile}  [@click=app.quit]x[/] ␛[31mred",
        f"off  {crm.old_import}  Old import  (removed by hand, unpublished)",
    ]


def test_segments_json(crm: Crm, capsys) -> None:
    code, out, err = run(capsys, "segments", "ADA@example.com", "--db", crm.path, "--json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert document[0] == {
        "id": crm.news,
        "name": "Newsletter",
        "member": True,
        "published": True,
        "manually_added": True,
        "manually_removed": False,
    }
    assert document[1]["name"] == HOSTILE
    assert document[2] == {
        "id": crm.old_import,
        "name": "Old import",
        "member": False,
        "published": False,
        "manually_added": False,
        "manually_removed": True,
    }


def test_campaigns_of_a_merged_contact_are_the_survivors(crm: Crm, capsys) -> None:
    run(capsys, "campaign", "add", "Onboarding", crm.ada, "--db", crm.path)
    code, out, err = run(capsys, "campaigns", "ada@old.example", "--db", crm.path, "--json")
    assert code == 0
    assert err == f"Contact {crm.old_ada} was merged into contact {crm.ada}; using the survivor.\n"
    assert [(c["name"], c["member"]) for c in json.loads(out)] == [("Onboarding", True)]


def test_no_groups_at_all(engine: Engine, db_path: Path, make_contact, capsys) -> None:
    ada = make_contact(engine, firstname="Ada")
    assert run(capsys, "campaigns", ada, "--db", db_path) == (0, "", "There are no campaigns yet.\n")
    assert run(capsys, "campaigns", ada, "--db", db_path, "--json") == (0, "[]\n", "")


# Changing


def test_segment_add_and_remove_record_who_did_it(crm: Crm, capsys) -> None:
    code, out, err = run(capsys, "segment", "add", "old IMPORT", crm.ada, "--db", crm.path)
    assert (code, out, err) == (0, f"Contact {crm.ada} is in segment Old import.\n", "")
    code, out, err = run(capsys, "segment", "remove", str(crm.news), "ada@example.com", "--db", crm.path)
    assert (code, out, err) == (0, f"Contact {crm.ada} is not in segment Newsletter.\n", "")
    with crm.engine.connect() as conn:
        rows = conn.execute(text("SELECT segment_id, manually_added, manually_removed FROM segment_membership"))
        assert [tuple(row) for row in rows] == [(crm.old_import, 0, 0)]
    assert events(crm.engine) == [
        (
            crm.ada,
            "segment_membership",
            "Added to segment: Old import",
            {"action": "added", "segment": "Old import", "id": crm.old_import, "by": "kim", "manual": True},
            "kim",
        ),
        (
            crm.ada,
            "segment_membership",
            "Removed from segment: Newsletter",
            {"action": "removed", "segment": "Newsletter", "id": crm.news, "by": "kim", "manual": True},
            "kim",
        ),
    ]


def test_adding_twice_is_not_an_error_and_records_once(crm: Crm, capsys) -> None:
    for _ in range(2):
        code, out, err = run(capsys, "campaign", "add", "onboarding", crm.ada, "--db", crm.path)
        assert (code, out, err) == (0, f"Contact {crm.ada} is in campaign Onboarding.\n", "")
    assert len(events(crm.engine)) == 1


def test_campaign_remove_keeps_the_row(crm: Crm, capsys) -> None:
    run(capsys, "campaign", "add", "Onboarding", crm.ada, "--db", crm.path)
    code, out, _ = run(capsys, "campaign", "remove", "Onboarding", crm.ada, "--db", crm.path)
    assert (code, out) == (0, f"Contact {crm.ada} is not in campaign Onboarding.\n")
    with Session(crm.engine) as session:
        row = session.get(CampaignMembership, (crm.onboarding, crm.ada))
        assert row is not None
        assert (row.manually_added, row.manually_removed, row.date_last_exited is not None) == (False, True, True)
    assert [e[2] for e in events(crm.engine)] == ["Added to campaign: Onboarding", "Removed from campaign: Onboarding"]


def test_a_hostile_name_is_printed_literally(crm: Crm, capsys) -> None:
    code, out, _ = run(capsys, "segment", "add", str(crm.hostile), crm.ada, "--db", crm.path)
    assert code == 0
    assert out == f"Contact {crm.ada} is in segment [@click=app.quit]x[/] ␛[31mred.\n"
    assert "\x1b" not in out


# Errors


def test_an_unknown_name_is_one_sentence(crm: Crm, capsys) -> None:
    with pytest.raises(GroupNotFound) as info:
        run(capsys, "segment", "add", "Nope", crm.ada, "--db", crm.path)
    assert str(info.value) == "No segment is named 'Nope' or has that id; `dossier segments CONTACT` lists them."
    assert events(crm.engine) == []


@pytest.mark.parametrize(
    "argv",
    [
        ("segments", "nobody@example.com"),
        ("campaigns", "999"),
        ("segment", "add", "Newsletter", "nobody@example.com"),
        ("campaign", "remove", "Onboarding", "999"),
    ],
)
def test_an_unknown_contact_is_one_sentence(crm: Crm, capsys, argv: tuple[str, ...]) -> None:
    with pytest.raises(ContactNotFound, match=r"^No contact has the (id 999|email address 'nobody@example.com')\.$"):
        run(capsys, *argv, "--db", crm.path)
    assert events(crm.engine) == []


def test_a_missing_database_is_not_created(tmp_path: Path, capsys) -> None:
    with pytest.raises(DatabaseError, match="There is no Dossier database at"):
        run(capsys, "segments", "1", "--db", tmp_path / "none.db")
    assert not (tmp_path / "none.db").exists()


@pytest.fixture
def impatient_connections() -> Iterator[None]:
    """Every new connection gives up on a lock after 50 ms instead of 5 s."""

    def short_timeout(dbapi_conn, _record, _proxy) -> None:
        dbapi_conn.execute("PRAGMA busy_timeout = 50")

    event.listen(Pool, "checkout", short_timeout)
    yield
    event.remove(Pool, "checkout", short_timeout)


def test_a_locked_database_is_one_sentence_and_changes_nothing(crm: Crm, capsys, impatient_connections) -> None:
    holder = sqlite3.connect(crm.path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        with pytest.raises(DatabaseError) as info:
            run(capsys, "segment", "add", "Old import", crm.ada, "--db", crm.path)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert str(info.value) == "The database is busy (another program is writing to it); try again in a moment."
    assert events(crm.engine) == []


def test_add_and_remove_need_a_name_and_a_contact(capsys) -> None:
    with pytest.raises(SystemExit):
        parser().parse_args(["segment", "add", "Newsletter"])
    with pytest.raises(SystemExit):
        parser().parse_args(["campaign", "join", "Onboarding", "1"])
    assert "invalid choice: 'join'" in capsys.readouterr().err


def test_the_commands_never_load_textual(crm: Crm) -> None:
    # Scripts call these often: they should start fast, without the TUI's imports.
    code = (
        "import sys\n"
        "from cli.main import main\n"
        f"main(['segment', 'add', 'Old import', '{crm.ada}', '--db', sys.argv[1]])\n"
        "print('textual' in sys.modules)\n"
    )
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-c", code, str(crm.path)], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"Contact {crm.ada} is in segment Old import.", "False"]
