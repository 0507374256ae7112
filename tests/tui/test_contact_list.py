"""Pilot tests: the contact list, searching, opening a contact and coming back."""

from __future__ import annotations

from textual.widgets import Input

from tests.tui.conftest import screen_text, settle, type_text
from tests.tui.sample import HOSTILE_COMPANY, HOSTILE_NAME
from tui.contact.screen import ContactScreen
from tui.screens.contact_list import ContactListScreen
from widgets.windowed_table import WindowedTable


def names(app) -> list[str]:
    return [row.name for row in app.screen.query_one("#contacts", WindowedTable).rows]


async def test_list_shows_contacts_most_recently_active_first(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        listed = names(app)
        assert listed[:3] == ["Ada Lovelace", "Grace Hopper", "José Núñez"]
        assert listed[-1] == "Linus Torvalds"  # never active: last
        assert "48 contacts" in screen_text(app)


async def test_search_as_you_type_and_clear(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await type_text(pilot, "slash", "h", "o", "p")
        assert names(app) == ["Grace Hopper"]
        await type_text(pilot, "backspace", "backspace", "backspace", *"jose")
        assert names(app) == ["José Núñez"]  # accents folded
        await pilot.press("escape")  # clears the search
        await settle(pilot)
        assert len(names(app)) == 48
        await pilot.press("escape")
        assert app.focused is app.screen.query_one("#contacts")


async def test_search_with_no_match_says_so(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await type_text(pilot, "slash", *"zzzq")
        assert names(app) == []
        assert "No contact matches 'zzzq'." in screen_text(app)


async def test_keys_move_and_enter_opens_then_escape_returns(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "k")
        table = app.screen.query_one("#contacts", WindowedTable)
        assert table.cursor_row == 1
        await pilot.press("G")
        assert table.cursor_row == table.row_count - 1
        await pilot.press("g", "j", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        assert "Grace Hopper" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ContactListScreen)


async def test_hostile_strings_render_literally(app_factory):
    app = app_factory()
    async with app.run_test(size=(160, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"mallory", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert HOSTILE_NAME in text
        assert HOSTILE_COMPANY in text
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert f"Mallory {HOSTILE_NAME}" in text
        assert "Visited ␛[31m/red␛[0m" in text
        assert "\x1b" not in text
        assert app.is_running


async def test_first_page_loads_more_when_scrolling(app_factory, tmp_path):
    from tests.tui.sample import build_sample

    db = build_sample(tmp_path / "big.db", extra_contacts=250)
    app = app_factory(db=db)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert len(names(app)) == 100
        await pilot.press("G")
        await settle(pilot)
        assert len(names(app)) == 200
        await pilot.press("G")
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        assert len(names(app)) == 258
        assert len(set(names(app))) == 258


async def test_search_input_accepts_letters_bound_to_keys(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"jkgGq")
        assert app.screen.query_one("#search", Input).value == "jkgGq"
        assert app.is_running


async def test_the_columns_fit_the_table_with_no_sideways_scrolling(app_factory):
    for size in ((80, 24), (120, 36), (100, 30)):
        app = app_factory()
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            table = app.screen.query_one("#contacts", WindowedTable)
            assert sum(column.width + 2 for column in table.columns) <= table.scrollable_content_region.width, size
            assert not table.show_horizontal_scrollbar, size
