"""Text cut for want of room always ends in "…": one-line status lines and labels, table cells, the History
type column. Without the mark a cut word reads as a whole one ("Campaign membershi", an email address cut
into a plausible wrong one)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable, Label, Static

from tests.tui.conftest import screen_text, settle, type_text

ADA = 1


def one_line_statics(screen) -> list[Static]:
    """Our Statics and Labels held to one line by their own height or their row's (Textual's own widgets,
    such as tabs and the header title, look after themselves)."""

    def fixed_one(widget) -> bool:
        height = widget.styles.height
        return height is not None and height.is_cells and height.value == 1

    return [
        widget
        for widget in screen.query(Static)
        if type(widget) in (Static, Label) and widget.region.height and (fixed_one(widget) or fixed_one(widget.parent))
    ]


def unmarked(screen) -> list[str]:
    return [
        f"{type(w).__name__}#{w.id} .{' .'.join(w.classes)}"
        for w in one_line_statics(screen)
        if (w.styles.text_wrap, w.styles.text_overflow) != ("nowrap", "ellipsis")
    ]


async def test_every_one_line_status_and_label_ends_in_an_ellipsis(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        found = []
        for keys in (["1"], ["2"], ["3"], ["4"], ["s"], ["E"], ["c"]):
            await pilot.press(*keys)
            await settle(pilot)
            found += one_line_statics(app.screen)
            assert unmarked(app.screen) == [], keys
            if keys[0] in "sEc":
                await pilot.press("escape")
                await settle(pilot)
        ids = {w.id for w in found} | {c for w in found for c in w.classes}
        assert {"filter-state", "notes-state", "locations-title", "switches--count", "email-to"} <= ids


async def test_the_list_status_ends_in_an_ellipsis(app_factory):
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert unmarked(app.screen) == []
        assert any(w.id == "list-status" for w in one_line_statics(app.screen))


async def test_a_long_history_search_is_cut_with_an_ellipsis(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, *"a search far longer than the room", "enter")
        line = next(line for line in screen_text(app).splitlines() if "Filtered" in line)
        assert line.rstrip().endswith("…"), line


async def test_table_cells_end_in_an_ellipsis(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        # The contact list's own table cuts with an ellipsis too: tests/test_windowed_table.py.
        table = app.screen.query_one("#locations", DataTable)
        assert table.row_count
        for row in range(table.row_count):
            for value in table.get_row_at(row):
                assert isinstance(value, Text) and value.no_wrap and value.overflow == "ellipsis", value


async def test_a_type_name_too_long_for_its_column_ends_in_an_ellipsis(app_factory):
    app = app_factory(contact_id=ADA)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a", "space", "escape")  # off Onboarding: a "Campaign membership" event
        await settle(pilot)
        text = screen_text(app)
        assert "Campaign membersh… Removed from campaign: Onboarding" in text
