"""The activity chart: totals, axes and labels at every size, theme colours, NO_COLOR, literal labels."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from textual.app import App, ComposeResult
from textual.color import Color

from widgets.activity_chart import (
    ActivityChart,
    Palette,
    compact,
    nice,
    plot_ansi,
    span,
    tick_positions,
    value_ticks,
)

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
    palette = Palette((254, 166, 43), (78, 191, 113), 8)
    first = plot_ansi(BUSY, 60, 10, palette)
    assert first == plot_ansi(BUSY, 60, 10, palette)
    lines = first.split("\n")
    assert len(lines) == 10
    assert "\x1b[48" not in first  # no background of its own: the widget's shows through


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
        assert "Engagements 21 · ⠤⠒ Points 210 · monthly" in text
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
            assert f"Engagements {BUSY.total_engagements}" in first


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


async def test_colours_come_from_the_theme_and_follow_it() -> None:
    app = ChartApp(BUSY)
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        chart = app.query_one(ActivityChart)
        palette = chart.palette()
        assert palette.engagements == Color.parse(app.theme_variables["accent"]).rgb
        assert palette.points == Color.parse(app.theme_variables["success"]).rgb
        app.theme = "nord"
        await pilot.pause()
        assert chart.palette().engagements == Color.parse(app.theme_variables["accent"]).rgb != palette.engagements
        colours = {
            segment.style.color.triplet
            for strip in app.screen._compositor.render_strips()
            for segment in strip
            if segment.text.strip() and segment.style and segment.style.color and segment.style.color.triplet
        }
        assert Color.parse(app.theme_variables["accent"]).rgb in {tuple(c) for c in colours}


async def test_no_color_keeps_the_lines_apart_by_their_marks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = ChartApp(BUSY)
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        assert app.query_one(ActivityChart).palette() == Palette(None, None, None)
        text = screen_text(app)
        assert "▄▀ Engagements" in text and "⠤⠒ Points" in text
        assert "▄" in text.split("\n", 1)[1] or "▀" in text.split("\n", 1)[1]
        assert any("\u2801" <= char <= "\u28ff" for char in text.split("\n", 1)[1])


async def test_labels_are_shown_literally() -> None:
    hostile = Series([Bucket("[b]x[/b]", 1, 1), Bucket("\x1b[31mred", 2, 2)])
    app = ChartApp(hostile)
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "[b]x[/b]" in text
        assert "␛[31mred" in text


class AnsiChartApp(ChartApp):
    CSS = ChartApp.CSS + "ActivityChart > .activity-chart--points { color: ansi_bright_magenta; }"


async def test_ansi_colours_stay_palette_numbers_for_16_colour_terminals() -> None:
    app = AnsiChartApp(BUSY)
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        assert app.query_one(ActivityChart).palette().points == 13
        assert "⠤⠒ Points" in screen_text(app)
