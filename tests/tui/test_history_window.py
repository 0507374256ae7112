"""Pilot tests: a long History is a window of pages. `G` jumps to the oldest event and `g` back to the newest
without loading the pages between, scrolling loads the neighbouring pages and drops the far ones, the day of
the events in view always shows, and Esc in the History search means what it means in the list search."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from textual.widgets import Input

import store.timeline
import tui.contact.tabs.history
from store.db import open_database
from store.settings import load_settings
from tests.tui.conftest import screen_text, settle, type_text
from tests.tui.sample import NOW
from tui.factory import make_app
from widgets.timeline import Timeline
from widgets.timeline_entry import day_heading

EVENTS = 1_200  # one every two hours: 100 days of twelve events
PAGE = 20


@pytest.fixture(scope="module")
def long_history(tmp_path_factory: pytest.TempPathFactory, make_contact, add_events) -> tuple[Path, int]:
    path = tmp_path_factory.mktemp("history") / "long.db"
    engine = open_database(path, create=True)
    contact_id = make_contact(engine, firstname="Busy", lastname="Bee", email="busy@example.test")
    rows = [
        {"type": "page.hit", "occurred_at": NOW - timedelta(hours=2 * n), "label": f"Visit number {n}"}
        for n in range(EVENTS)
    ]
    add_events(engine, contact_id, rows)
    engine.dispose()
    return path, contact_id


@pytest.fixture
def app(long_history, monkeypatch):
    path, contact_id = long_history
    monkeypatch.setattr(Timeline, "WINDOW", 4 * PAGE)
    ui = {"cursor_blink": False, "live_interval": 0, "page_size": PAGE}
    settings = load_settings(ui=ui, network={"offline": True})
    return make_app(settings, path, contact_id=contact_id, clock=lambda: NOW)


def pages_read(monkeypatch) -> list[dict]:
    """Every timeline_page call the History tab makes from now on, by its keyword arguments."""
    calls: list[dict] = []
    real = store.timeline.timeline_page

    def counted(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(tui.contact.tabs.history, "timeline_page", counted)
    return calls


def numbers(app) -> list[int]:
    """The visit numbers in the window, in order (0 is the newest event)."""
    tl = app.screen.query_one(Timeline)
    return [int(row.entry.label.rsplit(" ", 1)[1]) for row in tl._rows.values()]


def highlighted(app) -> int:
    entry = app.screen.query_one(Timeline).highlighted_entry
    assert entry is not None
    return int(entry.label.rsplit(" ", 1)[1])


async def test_G_jumps_to_the_oldest_event_and_g_back_to_the_newest(app, monkeypatch) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        calls = pages_read(monkeypatch)
        await pilot.press("G")
        await settle(pilot)
        assert highlighted(app) == EVENTS - 1
        assert "Visit number 1199" in screen_text(app)
        assert calls[0]["oldest"] is True
        assert len(calls) <= 2  # the oldest page, and perhaps the one just newer; never the 58 between
        await pilot.press("g")
        await settle(pilot)
        assert highlighted(app) == 0
        assert "Visit number 0" in screen_text(app)
        assert app.screen.query_one(Timeline).event_count <= 4 * PAGE


async def test_scrolling_up_from_the_oldest_loads_newer_pages_and_keeps_the_window_bounded(app) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        for _ in range(12):
            await pilot.press("pageup")
            await settle(pilot)
        shown = numbers(app)
        assert shown == list(range(shown[0], shown[0] + len(shown)))  # one run: nothing skipped or repeated
        assert shown[0] < EVENTS - 5 * PAGE  # well past the first page loaded
        assert len(shown) <= 4 * PAGE
        assert highlighted(app) in shown
        for _ in range(12):
            await pilot.press("pagedown")
            await settle(pilot)
        shown = numbers(app)
        assert shown == list(range(shown[0], shown[0] + len(shown)))
        assert len(shown) <= 4 * PAGE


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_the_day_of_the_events_in_view_shows_deep_in_history(app, size) -> None:
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        tl = app.screen.query_one(Timeline)
        for _ in range(3):
            await pilot.press("pageup")
            await settle(pilot)
            top = tl._lines[round(tl.scroll_y)][0]
            row = tl._rows.get(tl.get_option_at_index(top).id or "")
            assert row is not None, "the first line in view is an event (no heading of its own there)"
            day = day_heading(row.entry.occurred_at.astimezone().date(), NOW.astimezone().date())
            lines = screen_text(app).splitlines()
            bar = next(i for i, line in enumerate(lines) if "Search history" in line)
            assert lines[bar + 1].strip() == day


async def test_escape_clears_the_history_search_as_it_clears_the_list_search(app_factory) -> None:
    app = app_factory()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await type_text(pilot, "slash", *"ada")
        await pilot.press("escape")
        await settle(pilot)
        listed = app.screen.query_one("#search", Input)
        assert listed.value == "" and app.focused is app.screen.query_one("#contacts")
        await pilot.press("enter")  # open the first contact
        await settle(pilot)
        await type_text(pilot, "slash", *"zürich")
        tl = app.screen.query_one(Timeline)
        assert "matching “zürich”" in screen_text(app)
        filtered = tl.event_count
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one("#history-search", Input).value == ""
        assert app.focused is tl
        assert "All events" in screen_text(app)
        assert tl.event_count > filtered
