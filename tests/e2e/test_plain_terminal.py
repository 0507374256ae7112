"""End to end in a plain terminal (`LANG=C LC_ALL=C TERM=xterm`, 80x24): every byte the app sends is ASCII,
and the list, a contact page with its chart and the map still read."""

from __future__ import annotations

import os
import shlex
import shutil
import time
from pathlib import Path

import pytest

from tests.e2e.test_tmux import Terminal, pytestmark  # noqa: F401  (the same skips: tmux and dossier installed)
from tests.tui.sample import build_sample


class RecordedTerminal(Terminal):
    """A tmux pane whose raw output, every byte the program writes, is copied to a file from the start."""

    def __init__(self, command: str, record: Path, width: int, height: int) -> None:
        go = record.with_suffix(".go")
        # The program waits until the recording runs, so not one byte goes unrecorded.
        waiting = f"while [ ! -e {shlex.quote(str(go))} ]; do sleep 0.05; done; {command}"
        super().__init__(f"sh -c {shlex.quote(waiting)}", width, height)
        self.tmux("pipe-pane", "-o", "-t", self.name, f"cat >> {shlex.quote(str(record))}")
        time.sleep(0.2)  # pipe-pane starts its shell asynchronously
        go.touch()


@pytest.fixture
def plain_terminal(tmp_path: Path):
    opened: list[Terminal] = []

    def open_terminal(args: str, record: Path) -> Terminal:
        env = "LANG=C LC_ALL=C TERM=xterm TZ=UTC DOSSIER_NETWORK__OFFLINE=1"
        env += f" DOSSIER_CONFIG={shlex.quote(str(tmp_path / 'none.toml'))}"
        # A tmux server started elsewhere has its own environment: the code under test is named explicitly.
        if os.environ.get("PYTHONPATH"):
            env += f" PYTHONPATH={shlex.quote(os.environ['PYTHONPATH'])}"
        dossier = shlex.quote(shutil.which("dossier") or "dossier")
        command = f"env -u LC_CTYPE -u DOSSIER_CHARSET {env} {dossier} {args}; echo EXITED $?; sleep 30"
        term = RecordedTerminal(command, record, 80, 24)
        opened.append(term)
        return term

    yield open_terminal
    for term in opened:
        term.close()


def test_a_plain_terminal_gets_only_ascii_and_still_reads(plain_terminal, tmp_path: Path):
    db = build_sample(tmp_path / "plain.db")
    record = tmp_path / "raw-output"
    term = plain_terminal(f"--db {shlex.quote(str(db))}", record)

    term.wait_for("48 contacts")
    screen = term.wait_for("Siobhan O'Brien")  # the count and the rows come from two queries, either first
    assert "Jose Nunez" in screen and "Siobhan O'Brien" in screen  # accents dropped, names kept
    assert "Name" in screen and "Email" in screen

    term.keys("Enter")  # Ada Lovelace, the most recently active
    term.wait_for("Visited /")
    screen = term.wait_for("## Eng ")  # the chart with its ASCII legend (short names at 80)
    assert "** Pts " in screen
    assert "Ada Lovelace" in screen and "History" in screen and "Notes" in screen

    term.keys("3")  # the Map tab
    screen = term.wait_for("from IP geolocation")
    assert "London, United Ki" in screen and "Last seen" in screen  # the place list's first columns at 80
    assert "Lat, lon 51.514, -0.093" in screen and "81.2.69.142" in screen  # the rest, spelled out under it
    assert "@" in screen and "#" in screen  # the ASCII map: a marker on land

    term.keys("Escape")
    term.wait_for("48 contacts")
    term.keys("/")
    term.keys("yamada")
    term.wait_for("1 contact matches 'yamada'")
    term.keys("Enter")  # back to the table
    term.keys("Enter")  # open the contact
    screen = term.wait_for("taro@yamada.example  ")  # on the page, uncut
    assert "????" in screen  # a name in a script ASCII cannot spell is marked, not hidden
    term.keys("C-q")
    term.wait_for("EXITED 0")

    sent = record.read_bytes()
    assert b"\x1b[" in sent  # the recording holds the app's real output, escape sequences and all
    offending = sorted({byte for byte in sent if byte > 0x7F})
    assert not offending, f"non-ASCII bytes reached the terminal: {bytes(offending)!r}"
