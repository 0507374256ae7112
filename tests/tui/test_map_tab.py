"""Pilot tests: the Map tab shows where a contact has been, and is absent when nothing is known."""

from __future__ import annotations

from textual.widgets import TabbedContent

from tests.tui.conftest import screen_text, settle
from widgets.activity_chart import ActivityChart
from widgets.world_map import WorldMap


async def test_map_tab_lists_locations_and_draws_markers(app_factory):
    app = app_factory(contact_id=1)  # Ada was seen in London
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "Map" in screen_text(app)
        await pilot.press("3")
        await settle(pilot)
        tabs = app.screen.query_one(TabbedContent)
        assert tabs.active == "map"
        text = screen_text(app)
        assert "1 place · from IP geolocation" in text
        assert "London, United Ki…" in text and "51.514, -0.093" in text  # cut with a mark, all columns shown
        world = app.screen.query_one(WorldMap)
        assert [(m.label, m.selected) for m in world.markers] == [("London", True)]
        await pilot.press("enter")  # centre on London
        await settle(pilot)
        assert abs(world.viewport.lat - 51.514) < 0.01


async def test_map_tab_is_hidden_without_locations(app_factory):
    app = app_factory(contact_id=2)  # Grace: no IP location
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "Map" not in screen_text(app).split("History")[1].split("\n")[0]
        await pilot.press("3")
        await settle(pilot)
        assert app.screen.query_one(TabbedContent).active == "history"


async def test_every_place_cell_sits_under_its_heading(app_factory):
    from textual.widgets import DataTable

    app = app_factory(contact_id=1)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        table = app.screen.query_one("#locations", DataTable)
        headings = [str(column.label) for column in table.columns.values()]
        row = dict(zip(headings, (str(cell) for cell in table.get_row_at(0)), strict=True))
        assert row == {
            "Place": "London, United Kingdom",
            "Lat, lon": "51.514, -0.093",
            "IP": "81.2.69.142",
            "Last seen": row["Last seen"],
            "Distance": "—",
        }
        assert row["Last seen"].startswith("2026-")
        assert not app.screen.query_one("#location-detail").display  # every value has its column


async def test_at_80_columns_the_place_list_keeps_its_first_columns_and_spells_out_the_rest(app_factory):
    from textual.widgets import DataTable

    app = app_factory(contact_id=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        table = app.screen.query_one("#locations", DataTable)
        headings = [str(column.label) for column in table.columns.values()]
        assert headings[:2] == ["Place", "Last seen"] and len(headings) < 5
        region = app.screen.query_one("#locations-column").region
        lines = screen_text(app).split("\n")[region.y : region.bottom]
        text = "\n".join(line[region.x : region.right] for line in lines)
        for heading in headings:
            assert heading in text  # each shown column whole inside the list, none off its edge
        below = " ".join(line.strip() for line in text.split("\n")[3:])  # the detail line, wrapped at the list's edge
        assert "Lat, lon 51.514, -0.093 · IP 81.2.69.142 · Distance —" in below


async def test_on_the_map_tab_m_charts_by_month_and_v_moves_to_the_map(app_factory):
    from tui.dialogs.memberships import MembershipsDialog

    app = app_factory(contact_id=1)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("m")  # as on every other tab: the chart by month
        await settle(pilot)
        assert app.screen.chart_period == "month"
        assert app.screen.query_one(ActivityChart).series.period == "month"  # the chart drawn by month
        world = app.screen.query_one(WorldMap)
        assert not world.has_focus
        await pilot.press("v")
        await settle(pilot)
        assert world.has_focus
        await pilot.press("shift+tab", "tab")  # Tab too moves from the places to the map
        await settle(pilot)
        assert world.has_focus
        await pilot.press("a")  # the campaigns, from the map too
        await settle(pilot)
        assert isinstance(app.screen, MembershipsDialog)
