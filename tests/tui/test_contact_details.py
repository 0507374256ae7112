"""Pilot tests: at 80x24 the header keeps its most important lines and says what it left out; `i` shows the
whole card."""

from __future__ import annotations

import re

from tests.tui.conftest import screen_text, settle
from tui.dialogs.contact_card import ContactCardDialog

ADA = 1  # tags, segments and campaigns: more card than an 80x24 header holds


async def test_at_80x24_the_header_says_what_it_left_out_and_i_shows_it(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert re.search(r"Ada Lovelace   \+\d more · i", text)  # counted beside the name
        assert "Campaigns Onboarding" not in text
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, ContactCardDialog)
        text = screen_text(app)
        for line in ("Ada Lovelace", "Tags vip, conference", "Segments Newsletter", "Campaigns Onboarding", "Added"):
            assert line in text, line
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ContactCardDialog)


async def test_at_120x36_more_of_the_card_shows(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Campaigns Onboarding" in text
