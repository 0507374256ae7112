"""The activity chart: totals, axes and labels at every size, theme colours, NO_COLOR, literal labels."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from textual.app import App, ComposeResult
from textual.color import Color

from widgets.activity_chart import ActivityChart, span
from widgets.activity_plot import BOTH, compact, layer, nice, plot, tick_positions, value_ticks

WEEKS = ["Jun 1", "Jun 8", "Jun 15", "Jun 22", "Jun 29", "Jul 6", "Jul 13", "Jul 20", "Jul 27", "Aug 3"]
WEEKS += ["Aug 10", "Aug 17", "Aug 24", "Aug 31", "Sep 7", "Sep 14", "Sep 21", "Sep 28", "Oct 5", "Oct 12"]
WEEKS += ["Oct 19", "Oct 26", "Nov 2", "Nov 9", "Nov 16", "Nov 23"]


@dataclass(frozen=True)
class Bucket:
    label: str
    engagements: int
    points: int


@dataclass(frozen=True)
class Series:
    buckets: list[Bucket] = field(default_factory=list)
    period: str = "week"

    @property
    def total_engagements(self) -> int:
        return sum(b.engagements for b in self.buckets)

    @property
    def total_points(self) -> int:
        return sum(b.points for b in self.buckets)


def weekly(engagements: list[int] | None = None, points: list[int] | None = None) -> Series:
    engagements = engagements or [(n * 7) % 23 for n in range(26)]
    points = points or [(5 if n % 3 else -5) for n in range(26)]
    return Series([Bucket(*row) for row in zip(WEEKS, engagements, points, strict=True)])


BUSY = weekly()
EMPTY = weekly([0] * 26, [0] * 26)
MONTHLY = Series([Bucket(m, n, 10 * n) for n, m in enumerate(["Jun", "Jul", "Aug", "Sep", "Oct", "Nov"], 1)], "month")


class ChartApp(App):
    CSS = "ActivityChart { height: 1fr; }"

    def __init__(self, series: Series | None = None) -> None:
        super().__init__()
        self.series = series

    def compose(self) -> ComposeResult:
        yield ActivityChart(self.series)


def screen_text(app: App) -> str:
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


def test_compact_numbers_fit_a_tick_label() -> None:
    assert [compact(n) for n in (0, 950, -40, 1234, 4000, 12_345, -1500, 3_400_000)] == [
        "0",
        "950",
        "-40",
        "1.2k",
        "4k",
        "12k",
        "-1.5k",
        "3.4M",
    ]


def test_span_names_the_range_in_months_when_long() -> None:
    assert span("week", 26) == "6 months"
    assert span("month", 6) == "6 months"
    assert span("month", 1) == "month"
    assert span("week", 4) == "4 weeks"


def test_tick_positions_always_label_the_newest_bucket_evenly() -> None:
    assert tick_positions(26, 70, 6) == [0, 5, 10, 15, 20, 25]
    assert tick_positions(6, 100, 3) == [0, 1, 2, 3, 4, 5]
    assert tick_positions(26, 5, 6) == [25]
    assert tick_positions(1, 50, 6) == [0]
    assert tick_positions(0, 50, 6) == []


def test_nice_limits_are_round_numbers_at_or_above() -> None:
    assert [nice(n) for n in (0, 1, 7, 10, 11, 32, 145, 8100)] == [0, 1, 8, 10, 15, 40, 150, 10_000]


def test_value_ticks_are_round_and_keep_zero_in_range() -> None:
    assert value_ticks([3, 9, 4], 6) == (0, 10, [0, 10])
    assert value_ticks([5, -12, 20], 6) == (-15, 20, [-15, 0, 20])
    assert value_ticks([5, -12, 20], 2) == (-15, 20, [-15, 20])
    assert value_ticks([0, 0], 6) == (0, 1, [0, 1])


def test_plot_is_deterministic_and_the_size_asked() -> None:
    first = plot(BUSY.buckets, 60, 10)
    assert first == plot(BUSY.buckets, 60, 10)
    assert len(first) == 10
    assert all(sum(len(run) for run, _ in line) == 60 for line in first)
    assert not any("\x1b" in run for line in first for run, _ in line)  # plain text: the widget colours it


async def test_totals_axes_and_labels() -> None:
    app = ChartApp(BUSY)
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert f"Engagements {BUSY.total_engagements}" in text
        assert f"Points {BUSY.total_points}" in text
        assert "weekly" in text
        assert "Jun 8" in text and "Jul 6" in text and "Nov 23" in text  # every fourth week back from now
        assert "30┤" in text and "0┤" in text and "├5" in text and "├0" in text and "├-5" in text
        assert "▄" in text or "▀" in text  # engagements: blocks
        assert any("\u2801" <= char <= "\u28ff" for char in text)  # points: braille dots


async def test_loading_then_data_then_monthly() -> None:
    app = ChartApp()
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        assert "Loading activity…" in screen_text(app)
        chart = app.query_one(ActivityChart)
        chart.set_series(MONTHLY)
        await pilot.pause()
        text = screen_text(app)
        assert "▄▀ Engagements 21 · ⠤⠒ Points 210 · = both · monthly" in text  # points are ten times the engagements
        assert all(month in text for month in ("Jun", "Jul", "Aug", "Sep", "Oct", "Nov"))
        assert chart.series is MONTHLY


async def test_an_empty_series_still_draws_its_axes() -> None:
    app = ChartApp(EMPTY)
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "No activity in the last 6 months · weekly" in text
        assert "0┤" in text and "├0" in text and "└" in text
        assert "Nov 23" in text
        assert "0┤──────" in text and BOTH not in text  # both lines flat on zero: a rule, not "= both" unexplained


@pytest.mark.parametrize(("width", "height"), [(40, 8), (5, 2), (1, 1), (20, 5), (19, 4), (200, 50)])
async def test_any_size_draws_without_error(width: int, height: int) -> None:
    app = ChartApp(BUSY)
    async with app.run_test(size=(width, height)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        first = text.split("\n")[0]
        assert first.strip()  # the totals line, in whatever form fits
        chart_drawn = "┤" in text
        assert chart_drawn == (width >= 20 and height >= 5)
        if width >= 40:
            assert first.startswith("▄▀ Eng") and "⠤⠒ P" in first


async def test_resizing_redraws_at_the_new_size() -> None:
    app = ChartApp(BUSY)
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        for width, height in ((40, 8), (5, 2), (120, 30), (20, 5)):
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            lines = screen_text(app).split("\n")
            assert len(lines) == height
            assert all(len(line) == width for line in lines)
        assert "Nov 23" in screen_text(app)


def painted(app: App) -> list[tuple[int, int, str, tuple[int, int, int] | None]]:
    """Every cell of the screen below the totals line: row, column, character and colour."""
    cells = []
    for row, strip in enumerate(app.screen._compositor.render_strips()):
        column = 0
        for segment in strip:
            colour = segment.style.color if segment.style else None
            triplet = tuple(colour.get_truecolor()) if colour is not None and not colour.is_default else None
            for char in segment.text:
                cells.append((row, column, char, triplet))
                column += 1
    return [cell for cell in cells if cell[0] > 0]


def is_block(char: str) -> bool:
    return "\u2580" <= char <= "\u259f"


def is_braille(char: str) -> bool:
    return "\u2801" <= char <= "\u28ff"


async def test_colours_come_from_the_theme_and_follow_it() -> None:
    app = ChartApp(BUSY)
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        for theme in ("textual-dark", "nord"):
            app.theme = theme
            await pilot.pause()
            accent = Color.parse(app.theme_variables["accent"]).rgb
            success = Color.parse(app.theme_variables["success"]).rgb
            cells = painted(app)
            assert {colour for _, _, char, colour in cells if is_block(char)} == {accent}
            assert {colour for _, _, char, colour in cells if is_braille(char)} == {success}


async def test_no_color_keeps_the_lines_apart_by_their_marks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without colour, every cell a points line passes through reads as points (dots) or as both (`=`):
    engagements drawn over it would leave a block there, and a monochrome reader would see one line."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = ChartApp(BUSY)
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "▄▀ Engagements" in text and "⠤⠒ Points" in text
        chart = {(row, column): char for row, column, char, _ in painted(app)}
        for shown, mark in (("points", is_braille), ("engagements", is_block)):
            for row, line in enumerate(layer(BUSY.buckets, 60, 9, shown), 1):
                for column, char in enumerate(line):
                    if mark(char):
                        assert mark(chart[row, column]) or chart[row, column] == BOTH, (shown, row, column)


HALF = weekly([2 * ((n * 7) % 21) for n in range(26)], [(n * 7) % 21 for n in range(26)])


def test_a_line_of_the_same_shape_on_its_own_scale_is_not_hidden() -> None:
    # Points at half the engagements: limits 30 and 15, so on their two axes the lines are one.
    parts = [part for line in plot(HALF.buckets, 36, 8) for _, part in line]
    assert "both" in parts
    assert "engagements" not in parts  # wherever engagements are, the points are too: none drawn as one line


async def test_the_legend_names_the_mark_where_both_lines_run() -> None:
    app = ChartApp(HALF)
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        first, chart = screen_text(app).split("\n", 1)
        assert f"· {BOTH} both" in first and BOTH in chart
    apart = weekly([10] * 26, [0] * 26)
    app = ChartApp(apart)
    async with app.run_test(size=(80, 12)) as pilot:
        await pilot.pause()
        first, chart = screen_text(app).split("\n", 1)
        assert "both" not in first and BOTH not in chart  # only when a cell holds both


BIG = weekly([1376 + n for n in range(26)], [-(10**5) + n for n in range(26)])


@pytest.mark.parametrize("width", [36, 30, 26])
async def test_the_legend_keeps_its_marks_and_names_when_narrow(width: int) -> None:
    app = ChartApp(BIG)
    async with app.run_test(size=(width, 10)) as pilot:
        await pilot.pause()
        first = screen_text(app).split("\n")[0]
        assert first.startswith("▄▀ E") and "⠤⠒ P" in first, first


async def test_labels_are_shown_literally() -> None:
    hostile = Series([Bucket("[b]x[/b]", 1, 1), Bucket("\x1b[31mred", 2, 2)])
    app = ChartApp(hostile)
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "[b]x[/b]" in text
        assert "␛[31mred" in text
