"""What `dossier` prints where the locale is not UTF-8: ASCII to a terminal, UTF-8 to a pipe, never a traceback."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tui.sample import build_sample

pytestmark = pytest.mark.sqlite_only


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory.mktemp("plain") / "sample.db", extra_contacts=0)


def _environ(**extra: str) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONIO", "PYTHONUTF8"))}
    return {**environ, "PYTHONPATH": os.pathsep.join(sys.path), **extra}


def in_terminal(args: list[str], **extra: str) -> tuple[int, bytes]:
    """Run `dossier ARGS` with a pseudo-terminal for its standard output and error; its exit code and bytes."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "cli.main", *args], stdout=follower, stderr=follower, env=_environ(**extra)
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the other side is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.wait(timeout=30), b"".join(chunks)


def test_show_in_a_c_locale_terminal_is_transliterated(sample: Path) -> None:
    code, out = in_terminal(["show", "jose.nunez@ejemplo.example", "--db", str(sample)], LANG="C")
    assert code == 0
    assert out.isascii()
    assert b"Jose Nunez" in out and b"Telefonica" in out


def test_search_with_lc_all_c_and_cjk(sample: Path) -> None:
    code, out = in_terminal(["search", "yamada", "--db", str(sample)], LC_ALL="C", LANG="en_US.UTF-8")
    assert code == 0
    assert out.isascii()
    assert b"taro@yamada.example" in out and b"ShanTian TaiLang" in out


def test_json_in_a_c_locale_terminal_is_escaped_and_exact(sample: Path) -> None:
    code, out = in_terminal(["show", "jose.nunez@ejemplo.example", "--json", "--db", str(sample)], LANG="C")
    assert code == 0
    assert out.isascii()
    assert json.loads(out.decode())["name"] == "José Núñez"


def test_a_utf8_terminal_gets_the_names_as_they_are(sample: Path) -> None:
    code, out = in_terminal(["show", "jose.nunez@ejemplo.example", "--db", str(sample)], LANG="C.UTF-8")
    assert code == 0
    assert "José Núñez" in out.decode()


def test_the_override_forces_ascii(sample: Path) -> None:
    code, out = in_terminal(["search", "jose", "--db", str(sample)], LANG="C.UTF-8", DOSSIER_CHARSET="ascii")
    assert code == 0 and out.isascii() and b"Jose Nunez" in out


def test_a_pipe_gets_utf8_whatever_the_locale(sample: Path) -> None:
    # A Latin-1 standard output (as under a de_DE.ISO-8859-1 locale) used to stop at 山田 with a traceback.
    result = subprocess.run(
        [sys.executable, "-m", "cli.main", "search", "yamada", "--db", str(sample)],
        capture_output=True,
        env=_environ(LANG="C", PYTHONIOENCODING="latin-1"),
    )
    assert result.returncode == 0, result.stderr
    assert "山田 太郎" in result.stdout.decode("utf-8")
    assert b"Traceback" not in result.stderr


def test_a_bad_override_is_one_line(sample: Path) -> None:
    code, out = in_terminal(["search", "jose", "--db", str(sample)], DOSSIER_CHARSET="latin1")
    assert code == 1
    assert out.strip() == b"dossier: DOSSIER_CHARSET must be 'ascii' or 'unicode', not 'latin1'."
