"""End to end: the installed `dossier` command in a real terminal (tmux), driven by keystrokes."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from tests.tui.sample import build_sample

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)"),
    pytest.mark.skipif(shutil.which("dossier") is None, reason="the dossier command is not installed"),
]


class Terminal:
    """A tmux pane on a tmux server of its own: a server started elsewhere (by a developer, by another run)
    would give the pane that server's environment (its PYTHONPATH, its locale), not this test's."""

    def __init__(self, command: str, width: int, height: int) -> None:
        self.name = f"dossier-e2e-{uuid.uuid4().hex[:8]}"
        self.tmux("new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height), command)

    def tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["tmux", "-L", self.name, *args], check=check, capture_output=True, text=True)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-J", "-t", self.name, check=False).stdout

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.name, *keys)

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen()}")

    def close(self) -> None:
        self.tmux("kill-server", check=False)


@pytest.fixture
def terminal(tmp_path: Path):
    opened: list[Terminal] = []

    def open_terminal(args: str, width: int = 120, height: int = 36) -> Terminal:
        env = f"TZ=UTC DOSSIER_NETWORK__OFFLINE=1 DOSSIER_CONFIG={shlex.quote(str(tmp_path / 'none.toml'))}"
        env += " TERM=xterm-256color"
        # `sleep` keeps the pane readable if the app exits early, so a failure shows why.
        term = Terminal(f"env {env} dossier {args}; echo EXITED $?; sleep 30", width, height)
        opened.append(term)
        return term

    yield open_terminal
    for term in opened:
        term.close()


def test_open_search_and_read_a_contact(terminal, tmp_path: Path):
    db = build_sample(tmp_path / "e2e.db")
    term = terminal(f"--db {shlex.quote(str(db))}")
    term.wait_for("48 contacts")
    term.keys("/")
    term.keys("hopper")
    term.wait_for("1 contact matches 'hopper'")
    term.keys("Enter")  # back to the table
    term.keys("Enter")  # open Grace Hopper
    term.wait_for("Visited /docs")
    screen = term.wait_for("Engineer at US Navy")
    assert "Grace Hopper" in screen
    assert "Do not contact: email" in screen
    term.keys("Escape")
    term.wait_for("1 contact matches 'hopper'")  # the list comes back as it was left
    term.keys("q")
    term.wait_for("EXITED 0")


def test_open_a_contact_by_email_at_80x24(terminal, tmp_path: Path):
    db = build_sample(tmp_path / "e2e.db")
    term = terminal(f"--db {shlex.quote(str(db))} ada@analytical.example", width=80, height=24)
    term.wait_for("Submitted form: Contact us")
    term.wait_for("Ada Lovelace")
    term.keys("j", "Enter")
    term.wait_for("City: Zürich")
    term.keys("C-q")
    term.wait_for("EXITED 0")


def test_not_a_database_is_one_clear_line(terminal, tmp_path: Path):
    junk = tmp_path / "junk.db"
    junk.write_text("this is not a database\n" * 10)
    term = terminal(f"--db {shlex.quote(str(junk))}")
    screen = term.wait_for("EXITED 1")
    assert "is not a SQLite database, or it is corrupt" in screen
    assert "Traceback" not in screen
    assert junk.read_text() == "this is not a database\n" * 10
