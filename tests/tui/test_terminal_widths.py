"""Lines with Indic names reach the terminal as wide as Textual laid them out (see plain/cells.py)."""

from __future__ import annotations

import ctypes
import ctypes.util
import locale
import sys
import unicodedata

import pytest
from rich.cells import cell_len
from rich.segment import Segment
from textual.color import Color

from plain.cells import is_spacing_mark, terminal_surplus
from tests.tui.conftest import screen_text, settle, type_text
from tests.tui.indic_contact import EMAIL, NAME, add_indic_contact
from tui.terminal_widths import TerminalWidths
from widgets.activity_chart import ActivityChart

NAMES = ["अनुष्का शर्मा", "वासिष्ठ यादव", "প্রিয়াঙ্কা", "கார்த்திக்", "Ada Lovelace", "王小明", "Zoë"]


def terminal_len(text: str) -> int:
    """Cells as the terminal counts them (glibc's wcwidth, which tmux, xterm and VTE use)."""
    return cell_len(text) + terminal_surplus(text)


def test_the_surplus_is_what_the_c_library_counts_more() -> None:
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    try:
        previous = locale.setlocale(locale.LC_CTYPE)
        locale.setlocale(locale.LC_CTYPE, "C.UTF-8")
    except locale.Error:
        pytest.skip("no C.UTF-8 locale to ask wcwidth in")
    try:
        for name in NAMES:
            assert libc.wcswidth(ctypes.c_wchar_p(name), len(name)) == terminal_len(name), name
    finally:
        locale.setlocale(locale.LC_CTYPE, previous)
    assert terminal_surplus("अनुष्का शर्मा") == 2 and terminal_surplus("Ada") == 0


def test_every_spacing_mark_lies_in_the_blocks_scanned_for_them() -> None:
    # The table is built from a few blocks (the whole of Unicode took ~65 ms before the first frame): a
    # Unicode database with a spacing mark elsewhere must fail here, not draw a name one cell too wide.
    everywhere = {chr(code) for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) == "Mc"}
    assert len(everywhere) > 400
    assert everywhere == {char for char in everywhere if is_spacing_mark(char)}
    assert not any(is_spacing_mark(chr(code)) for code in range(0x3000) if chr(code) not in everywhere)


def test_the_filter_gives_the_surplus_back_from_the_padding_only() -> None:
    name = " ".join(NAME)
    line = [Segment(name), Segment("      "), Segment("ada@x", None), Segment(" ")]
    repaid = TerminalWidths().apply(line, Color(0, 0, 0))
    text = "".join(segment.text for segment in repaid)
    assert text == name + "    ada@x "  # two cells of padding fewer; the space between the words stays
    assert terminal_len(text) == cell_len("".join(segment.text for segment in line))
    assert TerminalWidths().apply([Segment("Ada   x")], Color(0, 0, 0)) == [Segment("Ada   x")]
    # No padding to spare: the line's last cells make room, so it still ends where it was laid out.
    for line in ("ab" + name, NAME[1] + "山"):  # the last cell to go may be half of a wide character
        tight = TerminalWidths().apply([Segment(line)], Color(0, 0, 0))
        assert terminal_len("".join(segment.text for segment in tight)) == cell_len(line), line


async def test_the_contact_list_columns_line_up_on_a_devanagari_row(app_factory, sample_db) -> None:
    add_indic_contact(sample_db)
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, *"anushka")
        lines = screen_text(app).split("\n")
        heading = next(line for line in lines if "Email" in line and "Name" in line)
        row = next(line for line in lines if EMAIL[:10] in line)
        assert NAME[0] in row
        assert terminal_len(row[: row.index(EMAIL[:10])]) == terminal_len(heading[: heading.index("Email")])
        assert terminal_len(row) == 120


async def test_the_chart_totals_stay_beside_a_devanagari_name(app_factory, sample_db) -> None:
    contact_id = add_indic_contact(sample_db)
    app = app_factory(contact_id=contact_id)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        chart_x = app.screen.query_one(ActivityChart).content_region.x
        lines = screen_text(app).split("\n")
        row = next(line for line in lines if NAME[0] in line and "▄▀" in line)
        assert terminal_len(row[: row.index("▄▀")]) == chart_x
        assert all(terminal_len(line) == 120 for line in lines)
