"""The world map as plain text: an equirectangular projection of the land mask, in braille dots or ASCII,
with markers, labels and a travel path. No Textual here, so tests can check every cell.

A terminal cell is about twice as tall as it is wide, so a cell spans twice as many degrees of latitude as
of longitude; at zoom 1 the whole world fits the area.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from plain.literal import one_line
from widgets.land_mask import land_mask

MIN_ZOOM, MAX_ZOOM = 1.0, 64.0
LABEL_WIDTH = 18
# Braille dot bits by (row, column) inside a 2x4 cell.
_DOT_BITS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
Run = tuple[str, str]  # text and its role: "land", "sea", "path", "marker", "selected" or "label"


@dataclass(frozen=True, slots=True)
class MapMarker:
    lat: float
    lon: float
    label: str
    selected: bool = False


@dataclass(frozen=True, slots=True)
class Viewport:
    """What the map shows: its centre and how far it is zoomed in (1 = the whole world)."""

    lat: float = 0.0
    lon: float = 0.0
    zoom: float = 1.0

    def zoomed(self, factor: float) -> Viewport:
        return Viewport(self.lat, self.lon, min(max(self.zoom * factor, MIN_ZOOM), MAX_ZOOM))

    def panned(self, dlat: float, dlon: float) -> Viewport:
        lon = (self.lon + dlon + 180) % 360 - 180
        return Viewport(min(max(self.lat + dlat, -90.0), 90.0), lon, self.zoom)


def degrees_per_cell(viewport: Viewport, width: int, height: int) -> tuple[float, float]:
    """Degrees of longitude and of latitude one cell spans."""
    across = max(360 / max(width, 1), 180 / (2 * max(height, 1))) / viewport.zoom
    return across, 2 * across


def project(lat: float, lon: float, viewport: Viewport, width: int, height: int) -> tuple[float, float]:
    """Where a point falls, in cells from the map's top-left corner (floor them for the cell);
    longitude is taken the short way round from the centre."""
    dx, dy = degrees_per_cell(viewport, width, height)
    dlon = (lon - viewport.lon + 180) % 360 - 180
    return width / 2 + dlon / dx, height / 2 + (viewport.lat - lat) / dy


def cell_of(lat: float, lon: float, viewport: Viewport, width: int, height: int) -> tuple[int, int]:
    x, y = project(lat, lon, viewport, width, height)
    return math.floor(x), math.floor(y)


def fit(points: Sequence[MapMarker | tuple[float, float]], width: int = 76, height: int = 18) -> Viewport:
    """The viewport that shows every point with a margin: the whole world for none, a close view for one."""
    coords = [(p.lat, p.lon) if isinstance(p, MapMarker) else p for p in points]
    if not coords:
        return Viewport()
    lats = [lat for lat, _ in coords]
    lons = sorted(lon % 360 for _, lon in coords)
    # The smallest arc holding every longitude starts just after the widest gap between neighbours.
    gaps = [(lons[(i + 1) % len(lons)] - lons[i]) % 360 for i in range(len(lons))]
    widest = max(range(len(gaps)), key=gaps.__getitem__)
    span_lon = 360 - gaps[widest] if len(lons) > 1 else 0.0
    centre_lon = (lons[(widest + 1) % len(lons)] + span_lon / 2 + 180) % 360 - 180
    span_lat = max(lats) - min(lats)
    if span_lon > 180:
        return Viewport((max(lats) + min(lats)) / 2)  # around the world: the familiar map, centred on Greenwich
    dx, dy = degrees_per_cell(Viewport(), width, height)
    room_lon, room_lat = dx * width * 0.8, dy * height * 0.8
    zoom = min(room_lon / max(span_lon, 1.0), room_lat / max(span_lat, 1.0), 8.0)
    return Viewport((max(lats) + min(lats)) / 2, centre_lon, min(max(zoom, MIN_ZOOM), MAX_ZOOM))


@lru_cache(maxsize=16)
def land_rows(viewport: Viewport, width: int, height: int, ascii_mode: bool) -> tuple[str, ...]:
    """The land and sea of the map, one string per row: braille dots (2x4 samples a cell), or `#` land and
    `.` sea, a cell being land when at least three of its eight samples are."""
    mask = land_mask()
    dx, dy = degrees_per_cell(viewport, width, height)
    left, top = viewport.lon - dx * width / 2, viewport.lat + dy * height / 2
    cols = [mask.col(left + (i + 0.5) * dx / 2) for i in range(width * 2)]
    rows: list[str] = []
    for y in range(height):
        codes = [0] * width
        inside = False
        for sub, (left_bit, right_bit) in enumerate(_DOT_BITS):
            row = mask.row(top - (y * 4 + sub + 0.5) * dy / 4)
            if row is None:
                continue  # beyond a pole
            inside = True
            line = mask.cells[row * mask.width : (row + 1) * mask.width]
            dots = [line[c] for c in cols]
            for x in range(width):
                codes[x] |= (left_bit if dots[2 * x] else 0) | (right_bit if dots[2 * x + 1] else 0)
        if ascii_mode:
            rows.append("".join("#" if code.bit_count() >= 3 else "." for code in codes) if inside else " " * width)
        else:
            rows.append("".join(chr(0x2800 + code) if code else " " for code in codes))
    return tuple(rows)


def _line_cells(start: tuple[float, float], end: tuple[float, float]) -> list[tuple[float, float]]:
    """Evenly spaced points from `start` to `end`, about one per half unit."""
    steps = max(1, math.ceil(2 * max(abs(end[0] - start[0]), abs(end[1] - start[1]))))
    return [
        (start[0] + (end[0] - start[0]) * i / steps, start[1] + (end[1] - start[1]) * i / steps)
        for i in range(steps + 1)
    ]


def _path_layer(
    path: Sequence[tuple[float, float]], viewport: Viewport, width: int, height: int, ascii_mode: bool
) -> dict[tuple[int, int], int]:
    """The path's cells: braille dot bits by cell (ASCII mode uses any non-zero value)."""
    per_x, per_y = (1, 1) if ascii_mode else (2, 4)
    cells: dict[tuple[int, int], int] = {}
    points = [project(lat, lon, viewport, width, height) for lat, lon in path]
    half_world = 180 / degrees_per_cell(viewport, width, height)[0]
    for a, b in itertools.pairwise(points):
        if abs(b[0] - a[0]) > half_world:
            continue  # the two ends sit on either side of the map's edge: the short line runs off it
        for x, y in _line_cells((a[0] * per_x, a[1] * per_y), (b[0] * per_x, b[1] * per_y)):
            dot_x, dot_y = math.floor(x), math.floor(y)
            cell = (dot_x // per_x, dot_y // per_y)
            if 0 <= cell[0] < width and 0 <= cell[1] < height:
                bit = 1 if ascii_mode else _DOT_BITS[dot_y % 4][dot_x % 2]
                cells[cell] = cells.get(cell, 0) | bit
    return cells


def render_map(
    viewport: Viewport,
    width: int,
    height: int,
    markers: Sequence[MapMarker] = (),
    path: Sequence[tuple[float, float]] = (),
    *,
    ascii_mode: bool = False,
) -> list[list[Run]]:
    """The map's rows as runs of (text, role); one character per cell. Labels go to the right of their
    marker (or the left) where they fit without covering another marker or label; the selected one first."""
    grid = [list(row) for row in land_rows(viewport, width, height, ascii_mode)]
    roles = [["land" if ch not in " ." else "sea" for ch in row] for row in grid]
    for (x, y), bits in _path_layer(path, viewport, width, height, ascii_mode).items():
        grid[y][x] = "*" if ascii_mode else chr(0x2800 + bits)
        roles[y][x] = "path"
    placed: list[tuple[int, int, MapMarker]] = []
    for marker in sorted(markers, key=lambda m: m.selected):
        x, y = cell_of(marker.lat, marker.lon, viewport, width, height)
        if 0 <= x < width and 0 <= y < height:
            grid[y][x] = "@" if ascii_mode else "●"
            roles[y][x] = "selected" if marker.selected else "marker"
            placed.append((x, y, marker))
    taken = {(x, y) for x, y, _ in placed}
    for x, y, marker in sorted(placed, key=lambda p: not p[2].selected):
        label = one_line(marker.label).strip()
        if len(label) > LABEL_WIDTH:  # cut, and marked as cut ("." where the map is ASCII)
            label = label[: LABEL_WIDTH - 1] + ("." if ascii_mode else "…")
        if not label:
            continue
        for start in (x + 1, x - len(label) - 1):
            span = range(start, start + len(label) + 1)  # the label and a space before or after it
            if start >= 0 and span.stop <= width and not any((c, y) in taken for c in span):
                text_start = start + 1 if start == x + 1 else start
                for offset, char in enumerate(label):
                    grid[y][text_start + offset] = char
                    roles[y][text_start + offset] = "label"
                taken.update((c, y) for c in span)
                break
    return [_runs(chars, row_roles) for chars, row_roles in zip(grid, roles, strict=True)]


def _runs(chars: list[str], roles: list[str]) -> list[Run]:
    runs: list[Run] = []
    start = 0
    for index in range(1, len(chars) + 1):
        if index == len(chars) or roles[index] != roles[start]:
            runs.append(("".join(chars[start:index]), roles[start]))
            start = index
    return runs
