"""Pilot tests: the contact page header and the History tab."""

from __future__ import annotations

from textual.widgets import Input, SelectionList

from tests.tui.conftest import screen_text, settle
from tui.contact.screen import ContactScreen
from tui.dialogs.type_filter import TypeFilterDialog
from tui.screens.help import HelpScreen
from widgets.timeline import Timeline

ADA = 1


def timeline(app) -> Timeline:
    return app.screen.query_one(Timeline)


def event_labels(app) -> list[str]:
    tl = timeline(app)
    return [row.entry.label for row in tl._rows.values()]


async def test_header_shows_who_the_contact_is(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        for expected in [
            "Ada Lovelace",
            "Director at Analytical Engines",
            "ada@analytical.example",
            "+44 20 7946 0000",
            "London, GB",
            "Points 100",
            "Stage Customer",
            "Owner Sam Seller",
            "Tags vip, conference",
            "Segments Newsletter",
            "180 events",
        ]:
            assert expected in text, expected
        assert "VIP" not in text  # manually removed from that segment


async def test_history_is_newest_first_with_day_headers(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Today" in text and "Yesterday" not in text.split("Today")[0]
        assert "All events · 180 events" in text
        tl = timeline(app)
        times = [(row.entry.occurred_at, row.entry.id) for row in tl._rows.values()]
        assert times == sorted(times, reverse=True)


async def test_history_pages_in_as_you_scroll(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert timeline(app).event_count == 100
        await pilot.press("G")
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        tl = timeline(app)
        assert tl.event_count == 180
        assert tl.complete
        ids = [row.entry.id for row in tl._rows.values()]
        assert len(ids) == len(set(ids))
        assert "All events · 180 events" in screen_text(app)


async def test_enter_expands_an_event_to_all_its_details(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # The newest events share a timestamp; the form submission is the second.
        await pilot.press("j", "enter")
        await settle(pilot)
        text = screen_text(app)
        assert "▾" in text
        for expected in ["Form: Contact us", "Values:", "Name: Ada", "City: Zürich", "Message: Call me", "after 5pm"]:
            assert expected in text, expected
        await pilot.press("enter")
        await settle(pilot)
        assert "City: Zürich" not in screen_text(app)


async def test_detail_labels_write_initials_in_capitals(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j", "enter")  # "Accessed from IP", its detail keyed "ip"
        await settle(pilot)
        text = screen_text(app)
        assert "IP: 81.2.69.142" in text and "Ip: " not in text
        await pilot.press("enter", "k", "enter")  # the page hit: "url" and "referrer"
        await settle(pilot)
        text = screen_text(app)
        assert "URL: https://analytical.example/pricing/0" in text and "Referrer: search" in text


async def test_filter_by_type_then_clear(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TypeFilterDialog)
        include = app.screen.query_one("#include", SelectionList)
        assert include.option_count == 6
        include.focus()
        await pilot.press("space")  # the first type (all have 30 events; sorted by name)
        first_type = include.get_option_at_index(0).value
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ContactScreen)
        tl = timeline(app)
        assert {row.entry.type for row in tl._rows.values()} == {first_type}
        assert tl.event_count == 30
        assert "Filtered: only" in screen_text(app)
        await pilot.press("x")
        await settle(pilot)
        assert timeline(app).event_count == 100
        assert "All events" in screen_text(app)


async def test_exclude_types(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        exclude = app.screen.query_one("#exclude", SelectionList)
        exclude.focus()
        await pilot.press("space", "down", "space", "enter")
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        tl = timeline(app)
        assert tl.event_count == 180 - 60
        assert "Filtered: not" in screen_text(app)


async def test_search_history_text(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zürich", "enter")
        await settle(pilot)
        tl = timeline(app)
        assert tl.event_count == 30
        assert {row.entry.type for row in tl._rows.values()} == {"form.submitted"}
        assert "matching “zürich”" in screen_text(app)
        assert app.focused is tl
        await pilot.press("x")
        await settle(pilot)
        assert app.screen.query_one("#history-search", Input).value == ""
        assert timeline(app).event_count == 100


async def test_escape_in_search_returns_to_timeline_then_back_to_list(app_factory):
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press("escape")
        assert app.focused is timeline(app)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ContactScreen)


async def test_help_lists_the_keys_of_the_screen(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for expected in ["Types", "Clear", "Search", "Back", "Refresh", "Expand"]:
            assert expected in text, expected
        await pilot.press("escape")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, ContactScreen)


async def test_command_palette_runs_screen_actions(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"contact: types")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TypeFilterDialog)


async def test_works_at_80x24(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "Ada Lovelace" in text
        assert "Today" in text
        assert "esc Back" in text


async def test_opened_on_a_contact_the_list_loads_when_first_shown(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        under = app.screen_stack[-2]
        assert not under.query("#contacts")  # nothing built or loaded behind the page the user asked for
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is under and under.table.row_count > 0
        assert "Ada Lovelace" in screen_text(app)


async def test_clearing_a_search_is_not_undone_by_its_debounce(app_factory):
    # Enter searches at once; the debounce the typing started must not search again after x cleared it.
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zürich", "enter", "x")
        await pilot.pause(0.5)  # longer than the debounce
        await settle(pilot)
        assert app.screen.query_one("#history-search", Input).value == ""
        assert timeline(app).event_count == 100
