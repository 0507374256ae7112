"""At 80x24, every key of every screen can be found: in the help (F1), scrolled to if need be, and the footer
is never cut: it keeps F1 and drops whole keys that do not fit."""

from __future__ import annotations

from textual.widgets import DataTable
from textual.widgets._footer import FooterKey

from tests.tui.conftest import screen_text, settle
from tui.contact.screen import ContactScreen
from tui.screens.help import HelpScreen
from widgets.footer import fitting, key_width

SIZE = (80, 24)


def expected_keys(app) -> set[str]:
    """Our own bindings active where the user is (built-in widget keys, without an id, go without saying)."""
    return {
        active.binding.description
        for active in app.screen.active_bindings.values()
        if active.binding.id and active.binding.description
    }


async def help_lists(app, pilot) -> str:
    """All the help's lines, read by scrolling the key list from top to bottom as a user would."""
    await pilot.press("f1")
    await settle(pilot)
    assert isinstance(app.screen, HelpScreen)
    table = app.screen.query_one("#help-keys", DataTable)
    seen = [screen_text(app)]
    for _ in range(table.row_count):
        await pilot.press("pagedown")
        await pilot.pause()
        seen.append(screen_text(app))
    await pilot.press("escape")
    await settle(pilot)
    return "\n".join(seen)


def footer_whole(app) -> None:
    """Every key in the footer lies inside the screen, and F1 is among them."""
    keys = list(app.screen.query(FooterKey))
    assert any(key.action == "help" for key in keys)
    for key in keys:
        assert key.region.right <= SIZE[0], f"{key.description!r} is cut by the screen's edge"


async def check_here(app, pilot, where: str) -> None:
    wanted = expected_keys(app)
    assert wanted, where
    footer_whole(app)
    listed = await help_lists(app, pilot)
    missing = sorted(description for description in wanted if description not in listed)
    assert not missing, f"{where}: not in the help at 80x24: {missing}"


async def test_every_key_of_the_list_and_its_search(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await check_here(app, pilot, "contact list")
        await pilot.press("slash")
        await settle(pilot)
        await check_here(app, pilot, "contact list, search")


async def test_every_key_of_every_contact_tab(app_factory) -> None:
    app = app_factory(contact_id=1)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        page = app.screen
        shown = [tab for tab in page.tabs if tab.available(page.detail, page.located)]
        assert [tab.TAB_ID for tab in shown] == ["history", "notes", "map", "social"]
        for tab in shown:
            await pilot.press(tab.KEY)
            await settle(pilot)
            await check_here(app, pilot, f"contact page, {tab.TITLE}")


async def test_every_key_of_the_calendar(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await check_here(app, pilot, "calendar, month")
        await pilot.press("tab")
        await settle(pilot)
        await check_here(app, pilot, "calendar, agenda")


def test_the_footer_keeps_help_and_drops_whole_keys_in_order() -> None:
    class B:
        def __init__(self, action: str) -> None:
            self.action = action

    keys = [(B("a"), 10), (B("b"), 30), (B("c"), 5), (B("help"), 9)]
    assert [b.action for b in fitting(keys, 30)] == ["a", "help"]  # c fits but would jump the queue
    assert [b.action for b in fitting(keys, 60)] == ["a", "b", "c", "help"]
    assert [b.action for b in fitting(keys, 5)] == ["help"]
    assert key_width("f1", "Help") == len(" f1 Help ")
