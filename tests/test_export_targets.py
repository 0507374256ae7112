"""Every exporter, pointed at what it must never write: nothing but the intended regular file ever changes.

`store/out_file.py` is the one way an export writes a path the user named; these tests run each `dossier
export` command (and the store writers behind the calendar's `x`) against the database itself, its WAL,
a hard link to it, symbolic links, a named pipe, /dev/null and a folder, and check every one afterwards.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from cli.main import main
from store.db import open_database
from store.interchange.out_file import OutputError, output_file
from store.notes import add_note

pytestmark = pytest.mark.sqlite_only

EXPORTS = {
    "csv": ["export", "csv"],
    "vcard": ["export", "vcard"],
    "contact": ["export", "contact", "1"],
    "ics": ["export", "ics"],
}


@pytest.fixture
def crm(tmp_path: Path, make_contact) -> Path:
    path = tmp_path / "crm.db"
    engine = open_database(path, create=True)
    contact = make_contact(engine, firstname="Ada", lastname="Lovelace", email="ada@example.com")
    when = datetime(2026, 12, 1, 9, tzinfo=UTC)
    add_note(engine, contact, type="call", text="Renewal", date_time=when, author="", now=when)
    engine.dispose()
    return path


def _fingerprint(path: Path) -> tuple:
    """What a path is, and its content when it is a regular file (a symlink is not followed)."""
    info = os.lstat(path)
    kind = stat.S_IFMT(info.st_mode)
    if stat.S_ISLNK(info.st_mode):
        return kind, os.readlink(path)
    if stat.S_ISREG(info.st_mode):
        return kind, hashlib.sha256(path.read_bytes()).hexdigest(), info.st_ino
    return kind, info.st_ino, info.st_rdev


def _everything(folder: Path) -> dict[str, tuple]:
    return {p.name: _fingerprint(p) for p in sorted(folder.iterdir())}


def _target(kind: str, tmp_path: Path, crm: Path) -> Path:
    """A path of the given kind in `tmp_path` (for /dev/null, the device itself)."""
    if kind == "database":
        return crm
    if kind == "wal":
        return crm.with_name(crm.name + "-wal")
    if kind == "hard link to the database":
        os.link(crm, tmp_path / "alias.db")
        return tmp_path / "alias.db"
    if kind == "symlink to the database":
        (tmp_path / "link.out").symlink_to(crm)
        return tmp_path / "link.out"
    if kind == "symlink to a file":
        (tmp_path / "precious.txt").write_text("precious")
        (tmp_path / "link.out").symlink_to(tmp_path / "precious.txt")
        return tmp_path / "link.out"
    if kind == "dangling symlink":
        (tmp_path / "link.out").symlink_to(tmp_path / "nowhere.txt")
        return tmp_path / "link.out"
    if kind == "named pipe":
        os.mkfifo(tmp_path / "pipe.out")
        return tmp_path / "pipe.out"
    if kind == "folder":
        (tmp_path / "folder.out").mkdir()
        return tmp_path / "folder.out"
    assert kind == "/dev/null"
    return Path("/dev/null")


KINDS = [
    "database",
    "wal",
    "hard link to the database",
    "symlink to the database",
    "symlink to a file",
    "dangling symlink",
    "named pipe",
    "/dev/null",
    "folder",
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("export", sorted(EXPORTS))
def test_an_export_never_writes_what_it_must_not(export: str, kind: str, tmp_path: Path, crm: Path, capsys) -> None:
    if export == "vcard" and kind == "folder":
        pytest.skip("a folder is a valid vCard target (one card per file): tested below")
    target = _target(kind, tmp_path, crm)
    before, device = _everything(tmp_path), _fingerprint(Path("/dev/null"))
    code = main([*EXPORTS[export], "--db", str(crm), "--out", str(target)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("dossier: ") and err.count("\n") == 1, err
    assert _everything(tmp_path) == before
    assert _fingerprint(Path("/dev/null")) == device
    # The database is still whole and opens.
    open_database(crm).dispose()


@pytest.mark.parametrize("export", sorted(EXPORTS))
def test_the_intended_file_is_written_private_and_an_existing_one_keeps_its_mode(
    export: str, tmp_path: Path, crm: Path, capsys
) -> None:
    out = tmp_path / "out.txt"
    assert main([*EXPORTS[export], "--db", str(crm), "--out", str(out)]) == 0
    assert out.stat().st_mode & 0o777 == 0o600  # on a shared machine nobody else reads the export
    assert out.read_text(encoding="utf-8")
    out.chmod(0o640)
    assert main([*EXPORTS[export], "--db", str(crm), "--out", str(out)]) == 0
    assert out.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_a_vcard_folder_refuses_links_inside_it(tmp_path: Path, crm: Path, capsys) -> None:
    book = tmp_path / "book"
    book.mkdir()
    (tmp_path / "precious.txt").write_text("precious")
    (book / "dossier-1.vcf").symlink_to(tmp_path / "precious.txt")
    assert main(["export", "vcard", "--db", str(crm), "--out", f"{book}/"]) == 1
    assert "is a symbolic link" in capsys.readouterr().err
    assert (tmp_path / "precious.txt").read_text() == "precious" and (book / "dossier-1.vcf").is_symlink()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "linked-book").symlink_to(tmp_path / "elsewhere")
    assert main(["export", "vcard", "--db", str(crm), "--out", f"{tmp_path / 'linked-book'}/"]) == 1
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_a_new_vcard_folder_is_private(tmp_path: Path, crm: Path) -> None:
    assert main(["export", "vcard", "--db", str(crm), "--out", f"{tmp_path / 'new-book'}/"]) == 0
    assert (tmp_path / "new-book").stat().st_mode & 0o777 == 0o700
    assert [p.stat().st_mode & 0o777 for p in (tmp_path / "new-book").iterdir()] == [0o600]


def test_a_failed_write_leaves_the_earlier_file_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "calendar.ics"
    out.write_text("the earlier export")
    with pytest.raises(RuntimeError), output_file(out) as stream:
        stream.write("half of a new export")
        raise RuntimeError("the database went away")
    assert out.read_text() == "the earlier export"
    assert [p.name for p in tmp_path.iterdir()] == ["calendar.ics"]


@pytest.mark.parametrize(
    "make",
    [
        lambda folder: folder / "missing-folder" / "x.csv",
        lambda folder: Path("/dev/stdout"),
    ],
)
def test_output_refusals_are_one_sentence(tmp_path: Path, make: Callable[[Path], Path]) -> None:
    with pytest.raises(OutputError) as info, output_file(make(tmp_path)):
        pass
    assert str(info.value).endswith(".") and "\n" not in str(info.value)
