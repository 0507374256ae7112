"""A plain terminal: deciding from the locale whether it shows Unicode, and ASCII that reads the same."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from rich.cells import cell_len

from plain.ascii import ascii_cells, ascii_stream, ascii_text
from plain.terminal import BadCharsetSetting, is_utf8_locale, shows_unicode


@pytest.mark.parametrize(
    ("environ", "utf8_mode", "unicode"),
    [
        ({"LANG": "en_GB.UTF-8"}, False, True),
        ({"LANG": "C.UTF-8"}, False, True),
        ({"LANG": "de_DE.utf8@euro"}, False, True),
        ({"LC_CTYPE": "UTF-8"}, False, True),  # macOS Terminal sets a bare charset
        ({"LANG": "C"}, False, False),
        ({"LANG": "POSIX"}, False, False),
        ({}, False, False),
        ({"LANG": "de_DE.ISO-8859-1"}, False, False),
        ({"LANG": "ja_JP.eucJP"}, False, False),
        ({"LANG": "en_US"}, False, False),  # no charset: the locale's own, Latin-1
        # LC_ALL wins over LC_CTYPE, which wins over LANG.
        ({"LC_ALL": "C", "LC_CTYPE": "en_US.UTF-8", "LANG": "en_US.UTF-8"}, False, False),
        ({"LC_CTYPE": "C", "LANG": "en_US.UTF-8"}, False, False),
        ({"LC_ALL": "", "LC_CTYPE": "", "LANG": "fr_FR.UTF-8"}, False, True),
        # PEP 538: under LANG=C Python sets LC_CTYPE=C.UTF-8 itself and turns UTF-8 mode on. That is not the user's.
        ({"LANG": "C", "LC_CTYPE": "C.UTF-8"}, True, False),
        ({"LC_CTYPE": "C.UTF-8"}, True, False),
        # ... an uninstalled UTF-8 locale (a server reached over SSH) is coerced the same way: LANG still says UTF-8.
        ({"LANG": "en_US.UTF-8", "LC_CTYPE": "C.UTF-8"}, True, True),
        # The user's own LC_CTYPE=C.UTF-8: Python keeps it and UTF-8 mode stays off.
        ({"LANG": "C", "LC_CTYPE": "C.UTF-8"}, False, True),
        # ... or UTF-8 mode asked for by the user.
        ({"LANG": "C", "LC_CTYPE": "C.UTF-8", "PYTHONUTF8": "1"}, True, True),
        # The override, either way.
        ({"LANG": "en_US.UTF-8", "DOSSIER_CHARSET": "ascii"}, False, False),
        ({"LANG": "C", "DOSSIER_CHARSET": " Unicode "}, True, True),
    ],
)
def test_the_locale_decides(environ: dict[str, str], utf8_mode: bool, unicode: bool) -> None:
    assert shows_unicode(environ, utf8_mode=utf8_mode) is unicode


def test_a_bad_override_is_one_sentence() -> None:
    with pytest.raises(BadCharsetSetting, match="DOSSIER_CHARSET must be 'ascii' or 'unicode', not 'latin1'"):
        shows_unicode({"DOSSIER_CHARSET": "latin1", "LANG": "C"}, utf8_mode=False)


@pytest.mark.parametrize(("lang", "unicode"), [("C", False), ("C.UTF-8", True), ("en_US.UTF-8", True)])
def test_the_decision_in_a_real_interpreter(lang: str, unicode: bool) -> None:
    # The real start-up: Python coerces the C locale (and, here, the missing en_US.UTF-8) before we look.
    environ = {"LANG": lang, "PATH": "/usr/bin:/bin"}
    code = "from plain.terminal import shows_unicode; print(shows_unicode())"
    out = subprocess.run(
        [sys.executable, "-c", code], env={**environ, "PYTHONPATH": ":".join(sys.path)}, capture_output=True, text=True
    )
    assert out.stdout.strip() == str(unicode), out.stderr


def test_locale_names() -> None:
    assert is_utf8_locale("en_US.UTF-8") and is_utf8_locale("C.utf8") and is_utf8_locale("UTF-8")
    assert not is_utf8_locale("C") and not is_utf8_locale("en_US.ISO8859-15") and not is_utf8_locale("utf8ish")


FULL_WIDTH = "\uff26\uff55\uff4c\uff4c"  # "Full" in full-width letters, two cells each
SAMPLES = [
    "Zürich",
    "José Núñez",
    "Straße",
    "Siobhán O'Brien",
    "山田 太郎",
    "김민준",
    FULL_WIDTH,
    "e\u0301",
    "👍🏽 ok",
    "╭─┬─╮│├┼┤╰┴╯━┃═║",
    "▁▂▃▄▅▆▇█▏▎▍▌▋▊▉▐▔▀░▒▓▖▗▘▙",
    "⠀⠁⠃⠇⡇⣇⣧⣷⣿",
    "Loading… · ● ○ ◆ ▸ ▾ ✓ ⇄ ✉ ☎ ♥ ⟳ ↩ ⏎ → ← ↑ ↓ “quoted” — \u2013",
    "\x1b[1;31mred\x1b[0m\x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_cells_keep_every_width_and_are_ascii(text: str) -> None:
    shown = ascii_cells(text)
    assert shown.isascii()
    assert cell_len(shown) == cell_len(text)


@pytest.mark.parametrize("text", SAMPLES)
def test_text_is_ascii(text: str) -> None:
    assert ascii_text(text).isascii()


def test_what_the_cells_read() -> None:
    assert ascii_cells("José Núñez, Zürich, Straße") == "Jose Nunez, Zurich, Strase"
    assert ascii_cells("╭──╮\n│ab│\n╰──╯") == "+--+\n|ab|\n+--+"
    assert ascii_cells("Loading…") == "Loading~"
    assert ascii_cells("Loading…    |") == "Loading...  |"  # blank cells after it make room for the dots
    assert ascii_cells("adalberto_catalan…  Madrid") == "adalberto_catalan~  Madrid"  # a column's gap does not
    assert ascii_cells("a · b — “c”") == 'a - b - "c"'
    assert ascii_cells("⠀⠁⠃⠇⡇⣇⣧⣷⣿") == " ..::++##"  # braille by how many dots it has
    assert ascii_cells("█▓▒░") == "##:."  # shades
    assert ascii_cells("山田") == "????"  # two cells each; a romanisation cut to fit would mislead
    assert ascii_cells(FULL_WIDTH) == "F u l l "


def test_what_the_text_reads() -> None:
    assert ascii_text("José Núñez, Zürich, Straße") == "Jose Nunez, Zurich, Strasse"
    assert ascii_text("山田 太郎") == "ShanTian TaiLang"
    assert ascii_text("Loading… a · b") == "Loading... a - b"


def test_escape_sequences_pass_untouched() -> None:
    sequence = "\x1b[1;31mZ\x1b[0m\x1b]8;;https://example.com/\x1b\\\x1b[?1049h"
    assert ascii_cells(sequence) == sequence
    assert ascii_cells("\x1b[7mZürich\x1b[0m") == "\x1b[7mZurich\x1b[0m"


@pytest.mark.parametrize("cells", [True, False])
def test_a_stream_in_ascii_sends_only_ascii(cells: bool) -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8", write_through=True)
    ascii_stream(stream, cells=cells)
    stream.write("\x1b[1mJosé\x1b[0m ┌─┐ ⣿ 山田 …\n")
    stream.flush()
    sent = raw.getvalue()
    assert sent.isascii()
    assert sent.startswith(b"\x1b[1mJose\x1b[0m +-+ # ")


def test_the_stream_gives_an_ellipsis_its_dots_where_blanks_follow() -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8", write_through=True)
    ascii_stream(stream, cells=True)
    stream.write("\x1b[2mSearching…    \x1b[0m cut…  x Find…\x1b[0;38;2;1;2;3m    |")
    stream.flush()
    assert raw.getvalue() == b"\x1b[2mSearching...  \x1b[0m cut~  x Find.\x1b[0;38;2;1;2;3m..  |"
