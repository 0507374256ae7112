"""A contact's engagements and points per week or month: a two-axis line chart drawn by plotext."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple, Protocol

from rich.color import ColorType
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from plain.literal import one_line
from widgets.charset import draws_ascii

PlotColor = int | tuple[int, int, int] | None
ENGAGEMENT_MARKER, POINTS_MARKER = "hd", "braille"  # solid blocks and fine dots tell the lines apart without colour
SWATCHES = {"engagements": "▄▀", "points": "⠤⠒"}
# Where the app draws in ASCII (widgets/charset.py): one character a cell, still two different ones.
ASCII_MARKERS = {"engagements": "#", "points": "*"}
ASCII_SWATCHES = {"engagements": "##", "points": "**"}
THEME = "dossier-activity"  # no background anywhere, so the widget's own shows through
MIN_CHART = (20, 5)  # below this many cells only the totals line is shown


class ActivityBucket(Protocol):
    """One week or month of the chart."""

    @property
    def label(self) -> str: ...
    @property
    def engagements(self) -> int: ...
    @property
    def points(self) -> int: ...


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


class Palette(NamedTuple):
    """Plotext colours: a palette number (16-colour terminals keep theirs) or an RGB triplet."""

    engagements: PlotColor
    points: PlotColor
    axis: PlotColor


def compact(value: int) -> str:
    """A number short enough for a tick label: 950, 1.2k, 12k, 3.4M."""
    size = abs(value)
    for limit, suffix in ((1_000_000, "M"), (1_000, "k")):
        if size >= limit:
            scaled = value / limit
            digits = f"{scaled:.1f}".removesuffix(".0") if abs(scaled) < 10 else str(round(scaled))
            return digits + suffix
    return str(value)


def span(period: str, count: int) -> str:
    """How long `count` periods are, in words: 26 weeks read as "6 months"."""
    if period == "month":
        return "month" if count == 1 else f"{count} months"
    months = round(count * 7 / 30.44)
    if count >= 8:
        return f"{months} months"
    return "week" if count == 1 else f"{count} weeks"


def tick_positions(count: int, room: int, label_width: int) -> list[int]:
    """Indexes of the buckets to label along `room` cells: the newest, then every so many back, evenly."""
    fits = room // (label_width + 3)
    if fits <= 1 or count <= 1:
        return [count - 1] if count else []
    step = 1 if fits >= count else -(-(count - 1) // (fits - 1))
    return list(range(count - 1, -1, -step))[::-1]


def nice(value: int) -> int:
    """The round number at or above a count, for an axis limit: 32 → 40, 145 → 150, 8,100 → 10,000."""
    if value <= 0:
        return 0
    scale = 10 ** (len(str(value)) - 1)
    return next(limit for tenths in (10, 15, 20, 30, 40, 50, 60, 80, 100) if (limit := tenths * scale // 10) >= value)


def value_ticks(values: Sequence[int], rows: int) -> tuple[int, int, list[int]]:
    """Round axis limits with zero always in range, marked when there are rows enough to keep ticks apart.

    Round limits also keep two series of the same shape from hiding one another on their two axes."""
    low, high = -nice(-min(0, *values)), nice(max(0, *values))
    if low == high:
        high = low + 1
    ticks = {low, high} | ({0} if rows >= 5 else set())
    return low, high, sorted(ticks)


def plot_ansi(data: ActivityData, width: int, height: int, palette: Palette, *, ascii_only: bool = False) -> str:
    """The chart as text with ANSI colours: engagements on the left axis, points on the right (`ascii_only`:
    ASCII markers; plotext's frame is box drawing, which the ASCII output stream draws as + - |)."""
    import plotext  # deferred: importing plotext takes about a tenth of a second

    plotext.terminal.limit(False, False)  # the widget, not the process's terminal, decides the size
    fig: Any = plotext.figure
    fig.clear()
    # A theme is applied as it is, where pixel setters would fill what is unset with plotext's own colours.
    plotext.add_theme(THEME, text=palette.axis)
    fig.theme(THEME)
    fig.plot_size(width, height)
    fig.axes(False, axis="x", side="upper")
    buckets = list(data.buckets)
    xs = list(range(1, len(buckets) + 1))
    room = width - 4  # the frame and the tick marks
    # Points first, so where the two lines meet the engagements, the main series, are drawn on top.
    markers = ASCII_MARKERS if ascii_only else {"engagements": ENGAGEMENT_MARKER, "points": POINTS_MARKER}
    for values, marker, colour, side in (
        ([b.points for b in buckets], markers["points"], palette.points, "right"),
        ([b.engagements for b in buckets], markers["engagements"], palette.engagements, "left"),
    ):
        signal = fig.signal(xs, values, marker=plotext.marker(marker, plotext.pixel(foreground=colour)), yside=side)
        signal.lines()
        fig.draw(signal)
        low, high, ticks = value_ticks(values, height - 2)
        labels = [compact(tick) for tick in ticks]
        fig.ruler("y", side).lim(low, high).ticks(ticks, labels)
        room -= max(len(label) for label in labels)
    names = [one_line(b.label) for b in buckets]
    shown = tick_positions(len(buckets), room, max((len(name) for name in names), default=1))
    fig.ruler("x").lim(1, max(2, len(buckets))).ticks([xs[i] for i in shown], [names[i] for i in shown])
    return fig.build().string().rstrip("\n")


class ActivityChart(Widget):
    """Engagements and points over time, with their totals above; give it data with `set_series`."""

    DEFAULT_CSS = """
    ActivityChart {
        height: 10;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        & > .activity-chart--engagements { color: $accent; }
        & > .activity-chart--points { color: $success; }
        & > .activity-chart--axis { color: $text-muted; }
    }
    """
    COMPONENT_CLASSES = {"activity-chart--engagements", "activity-chart--points", "activity-chart--axis"}

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

    def palette(self) -> Palette:
        """The plotext colours of the current theme; none at all under NO_COLOR."""

        def colour(name: str) -> PlotColor:
            if self.app.no_color:
                return None
            found = self._style(name).color
            if found is None or found.is_default:
                return None
            if found.type in (ColorType.STANDARD, ColorType.EIGHT_BIT) and found.number is not None:
                return found.number
            red, green, blue = found.get_truecolor()
            return red, green, blue

        return Palette(colour("engagements"), colour("points"), colour("axis"))

    def _totals(self, series: ActivityData, width: int) -> Text:
        """The totals and legend, in the longest form that fits the width."""
        every = {"week": "weekly", "month": "monthly"}.get(series.period, one_line(series.period))
        engagements, points = f"{series.total_engagements:,}", f"{series.total_points:,}"
        if not any(bucket.engagements or bucket.points for bucket in series.buckets):
            message = f"No activity in the last {span(series.period, len(series.buckets))}"
            muted = self._style("axis")
            forms = [Text.assemble((message, muted), " · ", every), Text(message, muted), Text("No activity", muted)]
        else:
            swatches = ASCII_SWATCHES if draws_ascii(self) else SWATCHES
            swatch = {name: (glyphs + " ", self._style(name)) for name, glyphs in swatches.items()}
            legend = (swatch["engagements"], "Engagements ", (engagements, "bold"), " · ")
            legend += (swatch["points"], "Points ", (points, "bold"))
            forms = [
                Text.assemble(*legend, " · ", every),
                Text.assemble(*legend),
                Text.assemble("Engagements ", (engagements, "bold"), " · Points ", (points, "bold")),
                Text.assemble((engagements, "bold"), " eng · ", (points, "bold"), " pts"),
            ]
        line = next((form for form in forms if form.cell_len <= width), forms[-1])
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
        text = self._totals(series, width)
        if series.buckets and width >= MIN_CHART[0] and height >= MIN_CHART[1]:
            text.append("\n")
            chart = plot_ansi(series, width, height - 1, self.palette(), ascii_only=draws_ascii(self))
            text.append_text(Text.from_ansi(chart, no_wrap=True))
        self._cache = (key, text)
        return text
