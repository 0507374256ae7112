"""The windowed table on its own: only rows in view are drawn, cells cut with an ellipsis and never parsed as
markup, the keys and the mouse move the cursor and choose a row."""

from __future__ import annotations

from textual import on
from textual.app import App, ComposeResult

from widgets.table_lines import Column, fit
from widgets.windowed_table import WindowedTable

HOSTILE = "[@click=app.quit]x[/] [b]bold[/b]"
COLUMNS = [Column("Name", 12, style="bold"), Column("Points", 6, "right")]


class TableApp(App):
    def __init__(self, rows: list[tuple[str, int]]) -> None:
        super().__init__()
        self.rows = rows
        self.drawn: list[int] = []  # the points of every row turned into text, in order
        self.chosen: list[int] = []

    def compose(self) -> ComposeResult:
        yield WindowedTable(self._cells, id="table", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(WindowedTable)
        table.set_columns(COLUMNS)
        table.replace(self.rows)
        table.focus()

    def _cells(self, row: tuple[str, int]) -> list[str]:
        self.drawn.append(row[1])
        return [row[0], str(row[1])]

    @on(WindowedTable.Selected, "#table")
    def _chosen(self, message: WindowedTable.Selected) -> None:
        self.chosen.append(message.row)


def screen_lines(app: App) -> list[str]:
    strips = app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip).rstrip() for strip in strips]


def people(count: int) -> list[tuple[str, int]]:
    return [(f"Person {number}", number) for number in range(count)]


def test_fit_pads_or_cuts_with_an_ellipsis_counting_wide_characters_as_two() -> None:
    assert fit("Ada", 5) == ("Ada", 2)
    assert fit("Ada Lovelace", 5) == ("Ada …", 0)
    assert fit("ヤマダ電機", 5) == ("ヤマ…", 0)
    assert fit("ヤマダ電機", 6) == ("ヤマ …", 0)  # half a wide character does not fit: a space instead


async def test_only_the_rows_in_view_are_drawn() -> None:
    app = TableApp(people(100_000))
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        assert screen_lines(app)[:3] == [" Name          Points", " Person 0           0", " Person 1           1"]
        assert set(app.drawn) == set(range(11))  # 12 lines: the header and 11 rows
        app.drawn.clear()
        await pilot.press("ctrl+end")
        await pilot.pause()
        assert set(app.drawn) == set(range(100_000 - 11, 100_000))
        assert screen_lines(app)[-1].startswith(" Person 99999")


async def test_cells_are_literal_and_cut_with_an_ellipsis() -> None:
    app = TableApp([(HOSTILE, 7), ("Grace", 12345)])
    async with app.run_test(size=(40, 6)) as pilot:
        await pilot.pause()
        lines = screen_lines(app)
        assert lines[1] == " [@click=app…       7"
        assert lines[2] == " Grace          12345"
        await pilot.click(offset=(3, 2))
        assert app.chosen == []
        await pilot.click(offset=(3, 2))  # a click on the highlighted row chooses it
        await pilot.click(offset=(3, 1))  # the cut markup is text: clicking it runs no action
        await pilot.pause()
        assert app.chosen == [1]
        assert app.is_running


async def test_keys_move_the_cursor_by_rows_and_pages_and_enter_chooses() -> None:
    app = TableApp(people(50))
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(WindowedTable)
        await pilot.press("down", "down", "up")
        assert table.cursor_row == 1
        await pilot.press("pagedown")
        assert table.cursor_row == 12 and round(table.scroll_y) == 11  # a page is the 11 rows in view
        await pilot.press("pageup", "pageup")
        assert table.cursor_row == 0 and table.scroll_y == 0
        await pilot.press("ctrl+end", "enter")
        assert table.cursor_row == 49
        await pilot.press("ctrl+home", "up")
        assert table.cursor_row == 0
        await pilot.click(offset=(3, 3))
        assert table.cursor_row == 2
        await pilot.press("enter")
        await pilot.pause()
        assert app.chosen == [49, 2]


async def test_new_rows_start_from_the_top_and_more_rows_keep_the_cursor() -> None:
    app = TableApp(people(50))
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(WindowedTable)
        await pilot.press("pagedown", "down")
        table.extend([("Late", 50)])
        await pilot.pause()
        assert table.cursor_row == 12 and table.row_count == 51
        table.replace([("Only", 1)])
        await pilot.pause()
        assert table.cursor_row == 0 and table.scroll_y == 0
        assert screen_lines(app)[1:3] == [" Only               1", ""]
