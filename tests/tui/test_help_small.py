"""F1 at 80x24, the size support staff get over SSH: every key of the contact page can be scrolled to."""

from __future__ import annotations

from tests.tui.conftest import screen_text, settle
from tui.screens.help import HelpScreen


async def test_every_key_of_the_contact_page_is_reachable_in_the_help_at_80x24(app_factory) -> None:
    app = app_factory(contact_id=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        first = screen_text(app)
        assert "Command palette" in first and "Esc closes" in first  # the hint stays on screen
        assert "Changes waiting for Mautic" not in first  # the last key is below: the list scrolls
        await pilot.press("pagedown", "pagedown", "pagedown")
        await settle(pilot)
        last = screen_text(app)
        assert "Changes waiting for Mautic" in last and "Help" in last and "Email" in last
