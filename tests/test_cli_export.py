"""`dossier export ics` and note text in `dossier search`, through the CLI entry point."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest

from cli.main import main
from store.notes import add_note

# The commands are the same on both databases; the store suite runs on PostgreSQL too.
pytestmark = pytest.mark.sqlite_only

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_export_ics_writes_every_dated_note(engine, db_path: Path, make_contact, tmp_path: Path, capsys) -> None:
    ada = make_contact(engine, firstname="Ada", lastname="Lovelace", email="ada@example.com")
    add_note(engine, ada, type="call", text="Renewal call", date_time=NOW, author="sam", now=NOW)
    add_note(engine, ada, type="general", text="No date", date_time=None, author="sam", now=NOW)
    out = tmp_path / "cal.ics"
    assert main(["export", "ics", "--db", str(db_path), "--out", str(out)]) == 0
    assert capsys.readouterr().err == f"Exported 1 calendar event to {out}.\n"
    calendar = icalendar.Calendar.from_ical(out.read_bytes())
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Call: Ada Lovelace"
    assert str(event["DESCRIPTION"]) == "Renewal call"
    assert event["DTSTART"].dt == NOW


def test_export_ics_rejects_a_reversed_range(db_path: Path, engine, capsys) -> None:
    code = main(["export", "ics", "--db", str(db_path), "--from", "2026-12-01", "--to", "2026-11-01"])
    assert code == 1
    assert capsys.readouterr().err == "dossier: The last day (2026-11-01) is before the first day (2026-12-01).\n"


def test_search_finds_a_contact_by_the_text_of_a_note(engine, db_path: Path, make_contact, capsys) -> None:
    ada = make_contact(engine, firstname="Ada", lastname="Lovelace", email="ada@example.com")
    make_contact(engine, firstname="Grace", lastname="Hopper", email="grace@example.com")
    add_note(engine, ada, type="general", text="Talked about the renewal", date_time=None, author="sam", now=NOW)
    assert main(["search", "renewal", "--db", str(db_path), "--json"]) == 0
    assert [row["name"] for row in json.loads(capsys.readouterr().out)] == ["Ada Lovelace"]


def test_export_contact_json_has_everything(engine, db_path: Path, make_contact, add_events, tmp_path: Path) -> None:
    ada = make_contact(engine, firstname="Ada", lastname="Lovelace", email="ada@example.com")
    add_note(engine, ada, type="call", text="Renewal [b]call[/b]", date_time=NOW, author="sam", now=NOW)
    out = tmp_path / "ada.json"
    assert main(["export", "contact", str(ada), "--db", str(db_path), "--format", "json", "--out", str(out)]) == 0
    document = json.loads(out.read_text())
    assert document["name"] == "Ada Lovelace"
    assert [n["text"] for n in document["notes"]] == ["Renewal [b]call[/b]"]
    assert [e["type"] for e in document["events"]] == ["note.added"]
    assert set(document["memberships"]) == {"segment", "campaign"}


HOSTILE = "Eve\x1b]0;pwned\x07\x1b[2J\x9b31m"


@pytest.mark.parametrize("export", [["export", "csv"], ["export", "vcard"]])
def test_exports_to_standard_output_show_escapes_as_symbols(
    engine, db_path: Path, make_contact, capsys, export
) -> None:
    make_contact(engine, firstname=HOSTILE, lastname="Mallory", email="eve@evil.example", company="\x1b[5mCorp")
    assert main([*export, "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert "Eve␛]0;pwned␇␛[2J" in out.replace("\\;", ";")  # vCard escapes ; as \;
    assert not [c for c in out if (ord(c) < 0x20 and c not in "\r\n") or 0x7F <= ord(c) < 0xA0]


def test_formula_cells_are_guarded_and_come_back_on_import(engine, db_path: Path, make_contact, tmp_path, capsys):
    hostile = {
        "firstname": '=HYPERLINK("https://evil.example","click")',
        "lastname": "+1+cmd|' /C calc'!A0",
        "company": "@SUM(1+1)",
        "position": "-2+3",
        "city": "'=already quoted",
        "address1": "\tindented",
    }
    make_contact(engine, email="formula@example.com", points=-5, **hostile)
    out = tmp_path / "contacts.csv"
    assert main(["export", "csv", "--db", str(db_path), "--out", str(out)]) == 0
    import csv

    [row] = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    for field in ("firstname", "lastname", "company", "position", "city"):
        assert row[field] == "'" + hostile[field], field  # a spreadsheet shows each as text, never runs it
    assert row["address1"] == "'\tindented" and row["points"] == "-5"  # a number is not a formula
    other = tmp_path / "other.db"
    assert main(["import", "csv", str(out), "--db", str(other)]) == 0
    from store.db import open_database

    back = open_database(other)
    try:
        with back.connect() as conn:
            from sqlalchemy import text

            got = conn.execute(text("SELECT firstname, lastname, company, position, city, points FROM contact")).one()
    finally:
        back.dispose()
    assert tuple(got) == (*(hostile[f] for f in ("firstname", "lastname", "company", "position", "city")), -5)


@pytest.mark.parametrize(
    "command",
    [
        ["search", "a", "--json"],
        ["show", "1", "--json"],
        ["duplicates", "--json"],
        ["export", "contact", "1"],
        ["export", "csv"],
        ["export", "vcard"],
        ["export", "ics"],
    ],
)
def test_a_reader_that_stops_early_is_no_error(engine, db_path: Path, make_contact, command) -> None:
    import subprocess
    import sys

    for n in range(400):
        make_contact(engine, firstname=f"Ada{n}", lastname="A" * 200, email=f"ada{n}@example.com")
    add_note(engine, 1, type="call", text="x" * 5000, date_time=NOW, author="sam", now=NOW)
    for n in range(300):
        add_note(engine, 1, type="call", text=f"call {n} " + "y" * 500, date_time=NOW, author="sam", now=NOW)
    code = f"import sys; from cli.main import main; sys.exit(main({[*command, '--db', str(db_path)]!r}))"
    result = subprocess.run(
        f"{sys.executable} -c {code!r} | head -c 10", shell=True, capture_output=True, text=True, check=False
    )
    assert len(result.stdout) == 10
    assert result.stderr.count("Traceback") == 0 and "Cannot write" not in result.stderr, result.stderr


def test_a_read_only_command_never_writes_into_an_empty_file(tmp_path: Path, capsys) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    for command in (["search", "x"], ["show", "1"], ["export", "csv"]):
        assert main([*command, "--db", str(empty)]) == 1
        assert "is an empty file, not a Dossier database yet; it was left untouched" in capsys.readouterr().err
    assert empty.read_bytes() == b""


def test_a_new_database_and_its_folder_are_private(tmp_path: Path, capsys) -> None:
    path = tmp_path / "new-folder" / "crm.db"
    csv_file = tmp_path / "one.csv"
    csv_file.write_text("firstname,email\nAda,ada@example.com\n", encoding="utf-8")
    assert main(["import", "csv", str(csv_file), "--db", str(path)]) == 0
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


def test_demo_without_db_never_touches_the_crm(tmp_path: Path, monkeypatch, capsys) -> None:
    crm = tmp_path / "crm.db"
    monkeypatch.setenv("DOSSIER_DB", str(crm))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert main(["demo", "--contacts", "5", "--no-open"]) == 0
    assert not crm.exists()
    assert (tmp_path / "data" / "dossier" / "demo.db").exists()
    assert "Built " + str(tmp_path / "data" / "dossier" / "demo.db") + ": 5 contacts" in capsys.readouterr().err
