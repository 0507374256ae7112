"""Pilot tests: on a terminal that shows ASCII only, the app draws its own ASCII forms (map, chart, toggles,
frames, key names), so the ASCII output stream has little left to guess; what it sends still reads."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from textual.scrollbar import ScrollBar

from plain.ascii import ascii_cells
from store.settings import load_settings
from tests.tui.conftest import screen_text, settle
from tests.tui.sample import NOW
from tui.factory import make_app
from widgets.world_map import WorldMap

# Glyphs that carry a picture (braille dots, shades, half blocks and quadrants: the map, the chart, the avatar,
# Textual's ▐X▌ toggles and thick frames), which the output stream could only turn into shades or blanks.
# The thin eighth blocks of "tall" frames and scroll bars are bands of colour: a blank is their ASCII form.
GUESSED = {chr(code) for code in range(0x2800, 0x2900)} | set("█▓▒░▀▄▌▐▖▗▘▙▚▛▜▝▞▟")


@pytest.fixture
def ascii_app(sample_db):
    def build(contact_id: int | None = None):
        settings = load_settings(ui={"cursor_blink": False, "live_interval": 0}, network={"offline": True})
        return make_app(settings, sample_db, contact_id=contact_id, clock=lambda: NOW, ascii=True)

    return build


def sent(app) -> str:
    """The screen as the terminal gets it: through the ASCII output stream."""
    shown = ascii_cells(screen_text(app))
    assert shown.isascii()
    return shown


def drawn_by_guess(app) -> set[str]:
    """The characters on screen the stream would have to guess at, outside scroll bars (drawn by colour,
    a blank is what they should become)."""
    visible = app.screen._compositor.visible_widgets.items()
    bars = [region for widget, (region, _clip) in visible if isinstance(widget, ScrollBar)]
    lines = screen_text(app).split("\n")
    return {
        char
        for y, line in enumerate(lines)
        for x, char in enumerate(line)
        if char in GUESSED and not any(bar.contains(x, y) for bar in bars)
    }


async def test_the_list_reads_in_ascii(ascii_app):
    app = ascii_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = sent(app)
        assert "Jose Nunez" in text and "Telefonica" in text and "Siobhan O'Brien" in text
        assert "+----" in text  # the search box's frame
        assert not drawn_by_guess(app)


async def test_a_contact_page_chart_and_map_in_ascii(ascii_app):
    app = ascii_app(contact_id=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = sent(app)
        assert "Ada Lovelace" in text and "History" in text
        assert "## Eng " in text and "** Pts " in text  # chart markers that differ without colour
        assert "enter Expand" in text  # key names, not ⏎
        assert "/ Search history..." in text  # a compact input stays one line, unframed
        assert not drawn_by_guess(app)
        await pilot.press("3")
        await settle(pilot)
        assert app.screen.query_one(WorldMap).ascii_mode
        text = sent(app)
        assert "London" in text and "@" in text
        assert not drawn_by_guess(app)


async def test_toggles_and_dialog_frames_in_ascii(ascii_app):
    app = ascii_app(contact_id=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")  # History's type filter
        await settle(pilot)
        text = sent(app)
        assert "[ ] Email read" in text and "+------" in text
        await pilot.press("space")
        await settle(pilot)
        assert "[X] Email read" in sent(app)
        assert not drawn_by_guess(app)
        await pilot.press("escape", "n")  # a new note: the type is a set of radio buttons
        await settle(pilot)
        text = sent(app)
        assert "(*) General" in text and "( ) Email" in text
        assert not drawn_by_guess(app)


async def test_help_names_keys_in_ascii(ascii_app):
    app = ascii_app(contact_id=1)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        text = screen_text(app)
        assert "enter" in text and "⏎" not in text


async def test_a_unicode_terminal_keeps_the_usual_forms(app_factory):
    app = app_factory(contact_id=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert "▐ ▌ Email read" in screen_text(app)


async def test_in_ascii_no_width_is_mended_for_marks_the_stream_drops(ascii_app):
    # The width filter gives back a cell for each spacing vowel sign a terminal draws; in ASCII the stream
    # drops such a mark in the cells Rich gave it (none), so mending would pull the rest of the line left.
    from tui.terminal_widths import TerminalWidths

    app = ascii_app()
    async with app.run_test(size=(80, 24)):
        assert not any(isinstance(line_filter, TerminalWidths) for line_filter in app.get_line_filters())
    name = "अनुष्का शर्मा"
    assert len(ascii_cells(name)) == cell_len(name)  # the stream keeps the cells Rich laid the name out in
