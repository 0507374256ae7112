"""A contact's engagements and points per week or month: a two-axis line chart (drawn in activity_plot)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from plain.literal import one_line
from widgets.activity_plot import ASCII_MARKERS, BOTH, MARKERS, ActivityBucket, compact, plot
from widgets.charset import draws_ascii

SWATCHES = {"engagements": "▄▀", "points": "⠤⠒", "both": BOTH}
# Where the app draws in ASCII (widgets/charset.py): one character a cell, still two different ones.
ASCII_SWATCHES = {"engagements": "##", "points": "**", "both": BOTH}
MIN_CHART = (20, 5)  # below this many cells only the totals line is shown


class ActivityData(Protocol):
    """What the chart needs: the buckets oldest first, their period ("week" or "month") and totals."""

    @property
    def buckets(self) -> Sequence[ActivityBucket]: ...
    @property
    def period(self) -> str: ...
    @property
    def total_engagements(self) -> int: ...
    @property
    def total_points(self) -> int: ...


def span(period: str, count: int) -> str:
    """How long `count` periods are, in words: 26 weeks read as "6 months"."""
    if period == "month":
        return "month" if count == 1 else f"{count} months"
    months = round(count * 7 / 30.44)
    if count >= 8:
        return f"{months} months"
    return "week" if count == 1 else f"{count} weeks"


class ActivityChart(Widget):
    """Engagements and points over time, with their totals above; give it data with `set_series`."""

    DEFAULT_CSS = """
    ActivityChart {
        height: 10;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        & > .activity-chart--engagements { color: $accent; }
        & > .activity-chart--points { color: $success; }
        & > .activity-chart--both { color: $warning; }
        & > .activity-chart--axis { color: $text-muted; }
    }
    """
    COMPONENT_CLASSES = {
        "activity-chart--engagements",
        "activity-chart--points",
        "activity-chart--both",
        "activity-chart--axis",
    }

    def __init__(self, series: ActivityData | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._series = series
        self._cache: tuple[tuple[int, int], Text] | None = None

    @property
    def series(self) -> ActivityData | None:
        return self._series

    def set_series(self, series: ActivityData | None) -> None:
        """Show new numbers (None: nothing loaded yet)."""
        self._series = series
        self._cache = None
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache = None  # a new theme means new colours

    def _style(self, name: str) -> Style:
        """The colour of a part of the chart, from the theme (resolved against the background)."""
        return Style(color=self.get_component_rich_style(f"activity-chart--{name}").color)

    def _legend(self, series: ActivityData, overlap: bool) -> list[Text]:
        """The totals with each line's swatch and name, longest form first; the swatches stay in every form,
        so which line is which never depends on colour or on the width."""
        every = {"week": "weekly", "month": "monthly"}.get(series.period, one_line(series.period))
        engagements, points = series.total_engagements, series.total_points
        swatches = ASCII_SWATCHES if draws_ascii(self) else SWATCHES
        swatch = {name: (glyphs, self._style(name)) for name, glyphs in swatches.items()}
        both = (" · ", swatch["both"], " both") if overlap else ()

        def form(eng: str, pts: str, values: tuple[str, str], *tail: Any) -> Text:
            return Text.assemble(
                swatch["engagements"], f" {eng} ", (values[0], "bold"), " · ",
                swatch["points"], f" {pts} ", (values[1], "bold"), *both, *tail,
            )  # fmt: skip

        full = (f"{engagements:,}", f"{points:,}")
        return [
            form("Engagements", "Points", full, " · ", every),
            form("Engagements", "Points", full),
            form("Eng", "Pts", full),
            form("Eng", "Pts", (compact(engagements), compact(points))),
        ]

    def _totals(self, series: ActivityData, width: int, overlap: bool) -> Text:
        """The totals and legend, in the longest form that fits the width in cells (an ellipsis marks a cut)."""
        if not any(bucket.engagements or bucket.points for bucket in series.buckets):  # nothing to tell apart
            every = {"week": "weekly", "month": "monthly"}.get(series.period, one_line(series.period))
            message = f"No activity in the last {span(series.period, len(series.buckets))}"
            muted = self._style("axis")
            forms = [Text.assemble((message, muted), " · ", every), Text(message, muted), Text("No activity", muted)]
        else:
            forms = self._legend(series, overlap)
        line = next((form for form in forms if form.cell_len <= width), forms[-1]).copy()
        line.truncate(max(0, width), overflow="ellipsis")
        return line

    def render(self) -> Text:
        series = self._series
        if series is None:
            return Text("Loading activity…", style=self._style("axis"))
        width, height = self.content_size
        key = (width, height)
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        idle = not any(bucket.engagements or bucket.points for bucket in series.buckets)
        lines = []
        if series.buckets and width >= MIN_CHART[0] and height >= MIN_CHART[1]:
            # With no activity both lines lie on zero all along: a plain rule says so without a legend.
            markers = ASCII_MARKERS if draws_ascii(self) else MARKERS
            lines = plot(series.buckets, width, height - 1, "─" if idle else BOTH, markers)
        overlap = any(part == "both" for line in lines for _, part in line)
        text = self._totals(series, width, overlap)
        styles = {part: self._style(part) for part in ("axis", "engagements", "points", "both")}
        if idle:
            styles["both"] = styles["axis"]
        for line in lines:
            text.append("\n")
            text.append_text(Text.assemble(*((run, styles[part]) for run, part in line), no_wrap=True))
        self._cache = (key, text)
        return text
