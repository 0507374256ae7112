"""`dossier export ics` and note text in `dossier search`, through the CLI entry point."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pytest

from store.notes import add_note
from tui.cli import main

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
    assert capsys.readouterr().err == "dossier: --to must not be before --from.\n"


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
