"""The activity chart's drawing: plotext draws each series on the same frame, and the two are laid together
cell by cell, so a cell both lines pass through says so instead of one line hiding the other."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal, Protocol

from plain.literal import one_line

Part = Literal["axis", "engagements", "points", "both"]
# Blocks against fine braille dots tell the lines apart without colour.
MARKERS = {"engagements": "hd", "points": "braille"}
# Where the app draws in ASCII (widgets/charset.py): one character a cell, still two different ones.
ASCII_MARKERS = {"engagements": "#", "points": "*"}
# Where both lines pass through one cell neither glyph may win: points on their own scale often have the
# engagements' shape (half of them, a tenth), and drawn one over the other the lower line vanished without a
# trace. An ASCII mark reads in any font and any terminal, and "=" says what it means: the two are level here.
BOTH = "="
_SGR = re.compile(r"\x1b\[[0-9;]*m")


class ActivityBucket(Protocol):
    """One week or month of the chart."""

    @property
    def label(self) -> str: ...
    @property
    def engagements(self) -> int: ...
    @property
    def points(self) -> int: ...


def compact(value: int) -> str:
    """A number short enough for a tick label: 950, 1.2k, 12k, 3.4M."""
    size = abs(value)
    for limit, suffix in ((1_000_000, "M"), (1_000, "k")):
        if size >= limit:
            scaled = value / limit
            digits = f"{scaled:.1f}".removesuffix(".0") if abs(scaled) < 10 else str(round(scaled))
            return digits + suffix
    return str(value)


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
    """Round axis limits with zero always in range, marked when there are rows enough to keep ticks apart."""
    low, high = -nice(-min(0, *values)), nice(max(0, *values))
    if low == high:
        high = low + 1
    ticks = {low, high} | ({0} if rows >= 5 else set())
    return low, high, sorted(ticks)


def layer(
    buckets: Sequence[ActivityBucket], width: int, height: int, shown: str, markers: dict[str, str] = MARKERS
) -> list[str]:
    """The whole chart as plain lines with only the `shown` series marked; the frame is the same either way."""
    import plotext  # deferred: importing plotext takes about a tenth of a second

    plotext.terminal.limit(False, False)  # the widget, not the process's terminal, decides the size
    fig: Any = plotext.figure
    fig.clear()
    fig.plot_size(width, height)
    fig.axes(False, axis="x", side="upper")
    xs = list(range(1, len(buckets) + 1))
    room = width - 4  # the frame and the tick marks
    series = [
        ("engagements", [b.engagements for b in buckets], "left"),
        ("points", [b.points for b in buckets], "right"),
    ]
    # The hidden series still sets its axis (so both layers share one frame); drawn first, as blanks, so
    # it never wipes a cell of the shown one.
    for name, values, side in sorted(series, key=lambda item: item[0] == shown):
        marker = plotext.marker(markers[name] if name == shown else " ")
        signal = fig.signal(xs, values, marker=marker, yside=side)
        signal.lines()
        fig.draw(signal)
        low, high, ticks = value_ticks(values, height - 2)
        labels = [compact(tick) for tick in ticks]
        fig.ruler("y", side).lim(low, high).ticks(ticks, labels)
        room -= max(len(label) for label in labels)
    names = [one_line(b.label) for b in buckets]
    at = tick_positions(len(buckets), room, max((len(name) for name in names), default=1))
    fig.ruler("x").lim(1, max(2, len(buckets))).ticks([xs[i] for i in at], [names[i] for i in at])
    return _SGR.sub("", fig.build().string()).rstrip("\n").split("\n")


def plot(
    buckets: Sequence[ActivityBucket], width: int, height: int, both: str = BOTH, markers: dict[str, str] = MARKERS
) -> list[list[tuple[str, Part]]]:
    """The chart as lines of (text, part) runs: engagements on the left axis, points on the right, and
    `both` where one cell holds both lines (`markers`: plotext's marker for each series)."""
    lines = []
    for mine, theirs in zip(
        layer(buckets, width, height, "engagements", markers),
        layer(buckets, width, height, "points", markers),
        strict=True,
    ):
        runs: list[tuple[str, Part]] = []
        for engagement, point in zip(mine, theirs, strict=True):
            if engagement == point:
                cell: tuple[str, Part] = (engagement, "axis")
            elif point == " ":
                cell = (engagement, "engagements")
            elif engagement == " ":
                cell = (point, "points")
            else:
                cell = (both, "both")
            if runs and runs[-1][1] == cell[1]:
                runs[-1] = (runs[-1][0] + cell[0], cell[1])
            else:
                runs.append(cell)
        lines.append(runs)
    return lines
