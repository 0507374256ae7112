"""The `dossier` command for scripts: search, show and config, their JSON, exit codes and one-line errors."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from cli.main import main
from store.db import open_database
from store.models import Segment, SegmentMembership
from store.settings import load_settings, masked

# The commands are the same on both databases; the store suite runs on PostgreSQL too.
pytestmark = pytest.mark.sqlite_only

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
HOSTILE_FIRST = "Eve\x1b[31m"
HOSTILE_LAST = "[bold]Mallory[/]"
DETAIL_KEYS = [
    "id",
    "name",
    "firstname",
    "lastname",
    "email",
    "phone",
    "mobile",
    "company",
    "position",
    "address1",
    "address2",
    "city",
    "region",
    "zipcode",
    "country",
    "website",
    "points",
    "stage",
    "owner",
    "tags",
    "avatar_source",
    "date_added",
    "date_modified",
    "last_active",
    "custom_fields",
    "do_not_contact",
    "segments",
    "campaigns",
    "event_count",
    "note_count",
    "locations",
    "social_profiles",
    "merged_from",
    "origin",
    "origin_id",
    "synced_at",
]


@dataclass
class Crm:
    path: Path
    jane: int
    john: int
    old_jane: int
    eve: int


@pytest.fixture(scope="module")
def crm(new_database, make_contact, add_events) -> Iterator[Crm]:
    """A small database shared by this module's tests; none of the commands here writes to it."""
    db_path = new_database("crm")
    engine = open_database(db_path)
    try:
        yield build_crm(engine, db_path, make_contact, add_events)
    finally:
        engine.dispose()


def build_crm(engine: Engine, db_path: Path, make_contact, add_events) -> Crm:
    jane = make_contact(
        engine,
        firstname="Jane",
        lastname="Doe",
        email="jane.doe@example.com",
        company="Acme Corp",
        city="Springfield",
        points=10,
        stage="Lead",
        tags=["vip"],
        last_active=T0,
        date_added=T0,
    )
    john = make_contact(engine, firstname="John", lastname="Smith", email="john@smith.test", company="Acme Industries")
    old_jane = make_contact(engine, firstname="Jane", lastname="Doe", email="jane@old.test", merged_into_id=jane)
    eve = make_contact(
        engine,
        firstname=HOSTILE_FIRST,
        lastname=HOSTILE_LAST,
        email="eve@evil.test",
        company="Evil\x07Corp\nLtd",
        custom_fields={"motto": "\x1b]0;pwned\x07", "clear": "\x1b[2J"},
        date_added=T0,
    )
    add_events(engine, jane, [{"type": "page.hit", "occurred_at": T0}, {"type": "email.read", "occurred_at": T0}])
    with Session(engine) as session:
        segment = Segment(name="Leads")
        session.add(segment)
        session.flush()
        session.add(SegmentMembership(segment_id=segment.id, contact_id=jane))
        session.commit()
    return Crm(path=db_path, jane=jane, john=john, old_jane=old_jane, eve=eve)


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_error_line(err: str, start: str) -> None:
    assert err.startswith(start)
    assert err.endswith("\n")
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert "\x1b" not in err


# search


def test_search_json(crm: Crm, capsys) -> None:
    code, out, err = run(capsys, "search", "jane", "--db", crm.path, "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == [
        {
            "id": crm.jane,
            "name": "Jane Doe",
            "email": "jane.doe@example.com",
            "company": "Acme Corp",
            "city": "Springfield",
            "points": 10,
            "last_active": "2026-01-15T12:00:00+00:00",
        }
    ]


def test_search_json_lists_every_match_newest_first(crm: Crm, capsys) -> None:
    code, out, _ = run(capsys, "search", "acme", "--db", crm.path, "--json")
    assert code == 0
    assert [(row["id"], row["name"]) for row in json.loads(out)] == [(crm.john, "John Smith"), (crm.jane, "Jane Doe")]


def test_search_limit(crm: Crm, capsys) -> None:
    code, out, _ = run(capsys, "search", "acme", "--db", crm.path, "--json", "--limit", "1")
    assert code == 0
    assert [row["id"] for row in json.loads(out)] == [crm.john]


def test_search_text(crm: Crm, capsys) -> None:
    code, out, err = run(capsys, "search", "acme", "--db", crm.path)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"{crm.john:>8}  John Smith  <john@smith.test>  Acme Industries  ",
        f"{crm.jane:>8}  Jane Doe  <jane.doe@example.com>  Acme Corp  Springfield",
    ]


def test_search_uses_dossier_db_without_db_option(crm: Crm, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOSSIER_DB", str(crm.path))
    code, out, _ = run(capsys, "search", "john", "--json")
    assert code == 0
    assert [row["id"] for row in json.loads(out)] == [crm.john]


@pytest.mark.parametrize("query", ["zzz", "'", "Jane Zzz"])
def test_search_without_a_match(crm: Crm, capsys, query: str) -> None:
    code, out, err = run(capsys, "search", query, "--db", crm.path)
    assert (code, out) == (1, "")
    assert err == f"No contact matches {query!r}.\n"


def test_search_json_without_a_match(crm: Crm, capsys) -> None:
    code, out, _ = run(capsys, "search", "zzz", "--db", crm.path, "--json")
    assert code == 1
    assert json.loads(out) == []


def test_search_text_shows_hostile_strings_literally(crm: Crm, capsys) -> None:
    code, out, _ = run(capsys, "search", "eve", "--db", crm.path)
    assert code == 0
    assert out == f"{crm.eve:>8}  Eve␛[31m [bold]Mallory[/]  <eve@evil.test>  Evil␇Corp Ltd  \n"


# show


def test_show_json_by_id(crm: Crm, capsys) -> None:
    code, out, err = run(capsys, "show", crm.jane, "--db", crm.path, "--json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert list(document) == DETAIL_KEYS
    assert document["id"] == crm.jane
    assert (document["name"], document["email"], document["company"]) == (
        "Jane Doe",
        "jane.doe@example.com",
        "Acme Corp",
    )
    assert (document["points"], document["stage"], document["tags"]) == (10, "Lead", ["vip"])
    assert document["segments"] == ["Leads"]
    assert (document["event_count"], document["note_count"]) == (2, 0)
    assert document["last_active"] == "2026-01-15T12:00:00+00:00"
    assert document["merged_from"] is None
    assert "note" not in document


@pytest.mark.parametrize("ref", ["jane.doe@example.com", "JANE.DOE@example.COM"])
def test_show_json_by_email(crm: Crm, capsys, ref: str) -> None:
    code, out, _ = run(capsys, "show", ref, "--db", crm.path, "--json")
    assert code == 0
    assert json.loads(out)["id"] == crm.jane


@pytest.mark.parametrize("by", ["id", "email"])
def test_show_json_of_a_merged_away_contact_answers_with_the_survivor(crm: Crm, capsys, by: str) -> None:
    ref = crm.old_jane if by == "id" else "jane@old.test"
    code, out, err = run(capsys, "show", ref, "--db", crm.path, "--json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert document["id"] == crm.jane
    assert document["email"] == "jane.doe@example.com"
    assert document["merged_from"] == crm.old_jane
    assert document["note"] == f"Contact {crm.old_jane} was merged into contact {crm.jane}."


def test_show_text_of_a_merged_away_contact(crm: Crm, capsys) -> None:
    code, out, err = run(capsys, "show", crm.old_jane, "--db", crm.path)
    assert code == 0
    assert err == f"Contact {crm.old_jane} was merged into contact {crm.jane}; showing the survivor.\n"
    assert out.splitlines()[:2] == ["Name:           Jane Doe", "Email:          jane.doe@example.com"]


def test_show_text(crm: Crm, capsys) -> None:
    code, out, err = run(capsys, "show", crm.jane, "--db", crm.path)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Name:           Jane Doe",
        "Email:          jane.doe@example.com",
        "Company:        Acme Corp",
        "Location:       Springfield",
        "Points:         10",
        "Stage:          Lead",
        "Tags:           vip",
        "Segments:       Leads",
        "Added:          2026-01-15T12:00:00+00:00",
        "Last active:    2026-01-15T12:00:00+00:00",
        "Events:         2",
        "Notes:          0",
    ]


def test_show_text_renders_hostile_strings_literally(crm: Crm, capsys) -> None:
    code, out, _ = run(capsys, "show", crm.eve, "--db", crm.path)
    assert code == 0
    assert "\x1b" not in out
    assert "\x07" not in out
    lines = out.splitlines()
    assert lines[0] == "Name:           Eve␛[31m [bold]Mallory[/]"
    assert "Company:        Evil␇Corp Ltd" in lines
    assert "  motto:        ␛]0;pwned␇" in lines


def test_show_json_escapes_control_characters(crm: Crm, capsys) -> None:
    code, out, _ = run(capsys, "show", crm.eve, "--db", crm.path, "--json")
    assert code == 0
    assert "\x1b" not in out
    assert "\x07" not in out
    document = json.loads(out)
    assert (document["firstname"], document["lastname"]) == (HOSTILE_FIRST, HOSTILE_LAST)


def test_show_text_renders_hostile_custom_field_keys_literally(engine: Engine, db_path: Path, make_contact, capsys):
    contact_id = make_contact(engine, firstname="Kim", custom_fields={"key\x1b[2J": "value"})
    code, out, _ = run(capsys, "show", contact_id, "--db", db_path)
    assert code == 0
    assert "\x1b" not in out


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("999", "dossier: No contact has the id 999.\n"),
        ("nobody@example.com", "dossier: No contact has the email address 'nobody@example.com'.\n"),
        ("hello", "dossier: 'hello' is neither a contact id nor an email address.\n"),
    ],
)
def test_show_unknown_contact(crm: Crm, capsys, ref: str, message: str) -> None:
    code, out, err = run(capsys, "show", ref, "--db", crm.path)
    assert (code, out) == (1, "")
    assert err == message
    assert_one_error_line(err, "dossier: ")


@pytest.mark.parametrize("ref", ["eve\x1b[31m@evil.test", "two\nlines@evil.test"])
def test_show_unknown_hostile_email_is_one_literal_line(crm: Crm, capsys, ref: str) -> None:
    code, _, err = run(capsys, "show", ref, "--db", crm.path)
    assert code == 1
    assert_one_error_line(err, "dossier: No contact has the email address ")


@pytest.mark.parametrize("ref", ["²", "99999999999999999999"])
def test_show_odd_numbers_is_a_one_line_error(crm: Crm, capsys, ref: str) -> None:
    code, _, err = run(capsys, "show", ref, "--db", crm.path)
    assert code == 1
    assert_one_error_line(err, "dossier: ")


# Databases that cannot be used


@pytest.mark.parametrize("command", [["search", "jane"], ["show", "1"], ["show", "1", "--json"]])
def test_a_foreign_sqlite_file_is_refused_and_left_alone(tmp_path: Path, capsys, command: list[str]) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    code, out, err = run(capsys, *command, "--db", path)
    assert (code, out) == (1, "")
    assert err == f"dossier: {path} is not a Dossier database; it was left untouched.\n"
    assert path.read_bytes() == before


def test_a_text_file_is_refused_and_left_alone(tmp_path: Path, capsys) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("call Jane on Monday\n")
    code, out, err = run(capsys, "search", "jane", "--db", path)
    assert (code, out) == (1, "")
    assert err == f"dossier: {path} is not a SQLite database, or it is corrupt; it was left untouched.\n"
    assert path.read_text() == "call Jane on Monday\n"


def test_a_missing_database_is_not_created(tmp_path: Path, capsys) -> None:
    path = tmp_path / "missing.db"
    code, out, err = run(capsys, "show", "1", "--db", path)
    assert (code, out) == (1, "")
    assert err == f"dossier: There is no Dossier database at {path}; run `dossier demo --db {path}` to make one.\n"
    assert not path.exists()


def test_a_missing_argument_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["show"])
    assert info.value.code == 2
    assert "the following arguments are required: contact" in capsys.readouterr().err


def test_subprocess_error_is_one_line_without_a_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    result = subprocess.run(
        [sys.executable, "-m", "cli.main", "search", "x", "--db", str(missing)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"dossier: There is no Dossier database at {missing}; run `dossier demo --db {missing}` to make one.\n"
    )
    assert "Traceback" not in result.stderr
    assert not missing.exists()


# config


def test_config_prints_the_effective_settings_as_toml(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("DOSSIER_UI__PAGE_SIZE", "20")
    code, out, err = run(capsys, "config")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"# config file: {tmp_path / 'no-such-config.toml'} (not present; defaults)"
    assert lines[1] == f"# database: {tmp_path / 'default.db'}"
    for section in ("[user]", "[network]", "[ui]"):
        assert section in lines
    document = tomllib.loads(out)
    assert document == masked(load_settings())
    assert document["ui"] == {"theme": "textual-dark", "page_size": 20, "cursor_blink": True, "live_interval": 1.0}
    assert document["network"] == {"offline": False, "timeout": 5.0}


def test_config_reads_the_file(tmp_path: Path, capsys, monkeypatch) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[user]\nname = "Grace"\n\n[network]\noffline = true\n')
    monkeypatch.setenv("DOSSIER_CONFIG", str(path))
    code, out, _ = run(capsys, "config")
    assert code == 0
    assert out.splitlines()[0] == f"# config file: {path}"
    document = tomllib.loads(out)
    assert document["user"] == {"name": "Grace"}
    assert document["network"]["offline"] is True


def test_config_with_an_invalid_file(tmp_path: Path, capsys, monkeypatch) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[ui]\npage_size = 3\n")
    monkeypatch.setenv("DOSSIER_CONFIG", str(path))
    code, out, err = run(capsys, "config")
    assert (code, out) == (1, "")
    assert err == "dossier: Setting 'ui.page_size' is invalid: Input should be greater than or equal to 10.\n"
