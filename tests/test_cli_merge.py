"""`dossier merge`, `unmerge` and `duplicates` for scripts: their output, JSON, exit codes and errors."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from store.contacts import ContactNotFound
from store.merge.merging import MergeNotFound, MergeRefused
from tests.cli_helpers import run_command

# The commands are the same on both databases; the store suite runs on PostgreSQL too.
pytestmark = pytest.mark.sqlite_only

T0 = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    """Parse and run a command as `dossier` does; errors propagate for the test to check."""
    code = run_command(*argv)
    out, err = capsys.readouterr()
    return code, out, err


@dataclass
class Crm:
    path: Path
    jane: int
    janet: int
    eve: int


@pytest.fixture
def crm(engine: Engine, db_path: Path, make_contact, add_events, monkeypatch: pytest.MonkeyPatch) -> Crm:
    monkeypatch.setenv("DOSSIER_USER__NAME", "tester")
    jane = make_contact(
        engine, firstname="Jane", lastname="Doe", email="jane@acme.example", company="Acme", points=3, date_modified=T0
    )
    janet = make_contact(engine, firstname="Janet", lastname="Doe", email="Jane+news@acme.example", points=2)
    eve = make_contact(engine, firstname="Eve\x1b[31m", lastname="[b]X[/b]", email="eve@evil.example", company="Acme")
    add_events(engine, janet, [{"type": "page.hit", "occurred_at": T0}, {"type": "page.hit", "occurred_at": T0}])
    return Crm(db_path, jane, janet, eve)


def merged_into(engine: Engine, contact_id: int) -> int | None:
    with engine.connect() as conn:
        return conn.execute(text("SELECT merged_into_id FROM contact WHERE id = :id"), {"id": contact_id}).scalar()


# merge


def test_merge_dry_run_changes_nothing(crm: Crm, engine: Engine, capsys) -> None:
    code, out, err = run(capsys, "merge", crm.jane, crm.janet, "--dry-run", "--db", crm.path)

    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"Merging Janet Doe (#{crm.janet}) into Jane Doe (#{crm.jane}) would keep:"
    assert "  First name: Janet  (other's; survivor Jane, other Janet)" in lines
    assert "  Points: 5  (both; survivor 3, other 2)" in lines
    assert lines[-1] == "It would move 2 events."
    assert merged_into(engine, crm.janet) is None


def test_merge_dry_run_json(crm: Crm, capsys) -> None:
    code, out, _ = run(capsys, "merge", "jane@acme.example", crm.janet, "--dry-run", "--json", "--db", crm.path)

    document = json.loads(out)
    assert code == 0
    assert (document["survivor"]["id"], document["other"]["id"]) == (crm.jane, crm.janet)
    points = next(field for field in document["fields"] if field["name"] == "points")
    assert (points["survivor"], points["other"], points["choice"], points["merged"]) == (3, 2, "both", 5)
    events = next(child for child in document["children"] if child["table"] == "event")
    assert events == {"table": "event", "label": "Events", "survivor": 0, "other": 2, "folded": 0, "moving": 2}
    assert "." in document["fingerprint"]


def test_merge(crm: Crm, engine: Engine, capsys) -> None:
    code, out, err = run(capsys, "merge", crm.jane, crm.janet, "--db", crm.path)

    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"Merged Janet Doe (#{crm.janet}) into Jane Doe (#{crm.jane}) as merge 1.",
        "Moved 2 events.",
        "Undo it with: dossier unmerge 1",
    ]
    assert merged_into(engine, crm.janet) == crm.jane
    with engine.connect() as conn:
        assert conn.execute(text("SELECT merged_by FROM merge_record")).scalar() == "tester"


def test_merge_json(crm: Crm, capsys) -> None:
    code, out, _ = run(capsys, "merge", crm.jane, crm.janet, "--json", "--db", crm.path)

    document = json.loads(out)
    assert code == 0
    assert (document["merge_id"], document["survivor_id"], document["other_id"]) == (1, crm.jane, crm.janet)
    assert document["moved"]["event"] == 2
    assert {"field": "points", "label": "Points", "old": 3, "new": 5} in document["changes"]


def test_merge_shows_hostile_names_literally(crm: Crm, capsys) -> None:
    code, out, _ = run(capsys, "merge", crm.jane, crm.eve, "--dry-run", "--db", crm.path)
    assert code == 0
    assert f"Merging Eve␛[31m [b]X[/b] (#{crm.eve})" in out
    assert "\x1b" not in out


def test_merge_refusals(crm: Crm, capsys) -> None:
    with pytest.raises(MergeRefused, match="cannot be merged with itself"):
        run(capsys, "merge", crm.jane, "jane@acme.example", "--db", crm.path)
    run(capsys, "merge", crm.jane, crm.janet, "--db", crm.path)
    with pytest.raises(MergeRefused, match=f"Contact {crm.janet} was already merged into contact {crm.jane}"):
        run(capsys, "merge", crm.eve, crm.janet, "--db", crm.path)
    with pytest.raises(MergeRefused, match="merge into that one instead"):
        run(capsys, "merge", crm.janet, crm.eve, "--db", crm.path)
    with pytest.raises(ContactNotFound, match="No contact has the id 404"):
        run(capsys, "merge", crm.jane, 404, "--db", crm.path)


# unmerge


def test_unmerge(crm: Crm, engine: Engine, capsys) -> None:
    run(capsys, "merge", crm.jane, crm.janet, "--db", crm.path)

    code, out, _ = run(capsys, "unmerge", 1, "--dry-run", "--db", crm.path)
    assert code == 0
    assert out.splitlines()[:2] == [
        f"Restore Janet Doe (#{crm.janet}) as a separate contact.",
        f"Move back 2 events to Janet Doe (#{crm.janet}).",
    ]
    assert merged_into(engine, crm.janet) == crm.jane

    code, out, err = run(capsys, "unmerge", 1, "--db", crm.path)
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"Undid merge 1: Janet Doe (#{crm.janet}) is a separate contact again.",
        "Moved back 2 events.",
    ]
    assert merged_into(engine, crm.janet) is None
    with pytest.raises(MergeRefused, match="Merge #1 was already undone"):
        run(capsys, "unmerge", 1, "--db", crm.path)


def test_unmerge_json(crm: Crm, capsys) -> None:
    run(capsys, "merge", crm.jane, crm.janet, "--db", crm.path)
    code, out, _ = run(capsys, "unmerge", 1, "--json", "--db", crm.path)
    document = json.loads(out)
    assert code == 0
    assert (document["merge_id"], document["other_id"], document["moved_back"]["event"]) == (1, crm.janet, 2)
    assert document["conflicts"] == []


def test_unmerge_of_an_unknown_merge(crm: Crm, capsys) -> None:
    with pytest.raises(MergeNotFound, match="No merge has the id 5"):
        run(capsys, "unmerge", 5, "--db", crm.path)


def test_unmerge_needs_a_number(crm: Crm, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        run(capsys, "unmerge", "one", "--db", crm.path)
    assert exit_info.value.code == 2
    assert "'one' is not a merge number" in capsys.readouterr().err


# duplicates


def test_duplicates(crm: Crm, capsys) -> None:
    code, out, err = run(capsys, "duplicates", "--db", crm.path)
    assert (code, err) == (0, "")
    assert out == (
        f"{crm.jane:>8}  Jane Doe <jane@acme.example>  &  {crm.janet}  Janet Doe <Jane+news@acme.example>: "
        "same email (normalised); similar name (94%) with the same email domain\n"
    )


def test_duplicates_json(crm: Crm, capsys) -> None:
    code, out, _ = run(capsys, "duplicates", "--json", "--db", crm.path)
    assert code == 0
    assert json.loads(out) == [
        {
            "first": {"id": crm.jane, "name": "Jane Doe", "email": "jane@acme.example", "company": "Acme", "city": ""},
            "second": {
                "id": crm.janet,
                "name": "Janet Doe",
                "email": "Jane+news@acme.example",
                "company": "",
                "city": "",
            },
            "reasons": ["same email (normalised)", "similar name (94%) with the same email domain"],
        }
    ]


def test_duplicates_of_one_contact(crm: Crm, capsys) -> None:
    code, out, _ = run(capsys, "duplicates", "Jane+news@acme.example", "--json", "--db", crm.path)
    assert code == 0
    reasons = ["same email (normalised)", "similar name (94%) with the same email domain"]
    assert [(row["id"], row["reasons"]) for row in json.loads(out)] == [(crm.jane, reasons)]

    code, out, _ = run(capsys, "duplicates", crm.jane, "--db", crm.path)
    assert out == f"{crm.janet:>8}  Janet Doe <Jane+news@acme.example>: {'; '.join(reasons)}\n"


def test_no_duplicates(crm: Crm, capsys) -> None:
    code, out, err = run(capsys, "duplicates", crm.eve, "--db", crm.path)
    assert (code, out, err) == (1, "", "No likely duplicates found.\n")
    run(capsys, "merge", crm.jane, crm.janet, "--db", crm.path)
    code, out, err = run(capsys, "duplicates", "--json", "--db", crm.path)
    assert (code, json.loads(out), err) == (1, [], "No likely duplicates found.\n")


def _duplicates_on_a_terminal(path: Path, *flags: str) -> tuple[str, str]:
    """`dossier duplicates` run with standard error on a pseudo-terminal: (stdout, what the terminal got)."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1]), "COLUMNS": "100", "TERM": "xterm"}
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "duplicates", *flags, "--db", str(path)],
        stdout=subprocess.PIPE,
        stderr=follower,
        env=env,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the command ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    out = process.communicate(timeout=60)[0].decode()
    os.close(leader)
    return out, b"".join(chunks).decode(errors="replace")


def test_duplicates_show_progress_on_a_terminal_only(crm: Crm, capsys) -> None:
    out, terminal = _duplicates_on_a_terminal(crm.path)
    assert "Looking for duplicates" in terminal
    assert "Janet Doe" in out and "Looking" not in out
    out, terminal = _duplicates_on_a_terminal(crm.path, "--json")
    assert terminal == "" and json.loads(out)[0]["second"]["name"] == "Janet Doe"
    # Standard error that is not a terminal (a pipe, a file, here pytest's capture) gets no progress either.
    code, out, err = run(capsys, "duplicates", "--db", crm.path)
    assert (code, err) == (0, "")


def test_merging_a_contact_with_itself_through_main_is_one_line(engine, db_path, make_contact, capsys) -> None:
    from cli.main import main

    ada = make_contact(engine, firstname="Ada", email="ada@example.com")
    assert main(["merge", str(ada), str(ada), "--db", str(db_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("dossier: ") and err.count("\n") == 1
