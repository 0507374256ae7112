"""A world map of where a contact has been: land from the shipped mask, a marker per location, the travel path.

Data in: `WorldMap(markers, path, viewport)` or the `markers`, `path` and `viewport` reactives. Keys: `+`/`-`
zoom, arrows pan, `0` fits every marker, `b` switches braille and ASCII, `p` shows or hides the path. ASCII
is where the app draws in ASCII (widgets/charset.py: the terminal shows ASCII only).
(Not `a`: the contact page that holds the map opens the campaigns with `a`.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.segment import Segment
from textual.binding import Binding
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from widgets.charset import draws_ascii
from widgets.map_canvas import MapMarker, Viewport, degrees_per_cell, fit, render_map

__all__ = ["MapMarker", "Viewport", "WorldMap"]

PAN_FRACTION = 0.25  # of the visible span per arrow key
ZOOM_STEP = 1.5


class WorldMap(Widget, can_focus=True):
    """An equirectangular world map with markers; the selected marker is highlighted."""

    DEFAULT_CSS = """
    WorldMap { height: 1fr; background: $surface; }
    WorldMap > .world-map--land { color: $success; }
    WorldMap > .world-map--sea { color: $primary-muted; }
    WorldMap > .world-map--path { color: $text-secondary; }
    WorldMap > .world-map--marker { color: $warning; text-style: bold; }
    WorldMap > .world-map--selected { color: $accent; text-style: bold reverse; }
    WorldMap > .world-map--label { color: $foreground; }
    """
    COMPONENT_CLASSES = {
        "world-map--land",
        "world-map--sea",
        "world-map--path",
        "world-map--marker",
        "world-map--selected",
        "world-map--label",
    }
    BINDINGS = [
        Binding("plus,equals_sign", "zoom(1)", "Zoom in", id="world_map.zoom_in"),
        Binding("minus", "zoom(-1)", "Zoom out", id="world_map.zoom_out"),
        Binding("left", "pan(0, -1)", "Pan west", show=False, id="world_map.pan_west"),
        Binding("right", "pan(0, 1)", "Pan east", show=False, id="world_map.pan_east"),
        Binding("up", "pan(1, 0)", "Pan north", show=False, id="world_map.pan_north"),
        Binding("down", "pan(-1, 0)", "Pan south", show=False, id="world_map.pan_south"),
        Binding("0", "fit", "Fit markers", id="world_map.fit"),
        Binding("b", "toggle_ascii", "ASCII map", id="world_map.ascii"),
        Binding("p", "toggle_path", "Path", id="world_map.path"),
    ]

    markers: reactive[tuple[MapMarker, ...]] = reactive(())
    path: reactive[tuple[tuple[float, float], ...]] = reactive(())
    viewport: reactive[Viewport] = reactive(Viewport)
    ascii_mode: reactive[bool] = reactive(False)
    show_path: reactive[bool] = reactive(True)

    def __init__(
        self,
        markers: Sequence[MapMarker] = (),
        path: Sequence[tuple[float, float]] = (),
        viewport: Viewport | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.set_reactive(WorldMap.markers, tuple(markers))
        self.set_reactive(WorldMap.path, tuple(path))
        # Until a viewport is given or the user moves the map, it keeps fitting the markers as they or the size change.
        self._auto_fit = viewport is None
        self.set_reactive(WorldMap.viewport, viewport or Viewport())
        self._cache_key: tuple[object, ...] = ()
        self._rows: list[Strip] = []

    def on_mount(self) -> None:
        if draws_ascii(self):
            self.ascii_mode = True

    def on_resize(self) -> None:
        if self._auto_fit:
            self.viewport = self._fitted()

    def watch_markers(self) -> None:
        if self._auto_fit:
            self.viewport = self._fitted()

    def centre_on(self, lat: float, lon: float) -> None:
        """Move the centre to a point, keeping the zoom."""
        self._move(Viewport(lat, lon, self.viewport.zoom))

    def action_zoom(self, direction: int) -> None:
        self._move(self.viewport.zoomed(ZOOM_STEP if direction > 0 else 1 / ZOOM_STEP))

    def action_pan(self, north: int, east: int) -> None:
        width, height = self.size
        dx, dy = degrees_per_cell(self.viewport, width, height)
        self._move(self.viewport.panned(north * dy * height * PAN_FRACTION, east * dx * width * PAN_FRACTION))

    def action_fit(self) -> None:
        self._auto_fit = True
        self.viewport = self._fitted()

    def action_toggle_ascii(self) -> None:
        self.ascii_mode = not self.ascii_mode

    def action_toggle_path(self) -> None:
        self.show_path = not self.show_path

    def _move(self, viewport: Viewport) -> None:
        self._auto_fit = False
        self.viewport = viewport

    def _fitted(self) -> Viewport:
        return fit(self.markers, *self.size) if self.size.area else Viewport()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache_key = ()  # a new theme means new colours

    def render_line(self, y: int) -> Strip:
        key = (self.size, self.viewport, self.markers, self.path, self.show_path, self.ascii_mode)
        if key != self._cache_key:
            self._rows = self._render_rows()
            self._cache_key = key
        return self._rows[y] if y < len(self._rows) else Strip.blank(self.size.width, self.rich_style)

    def _render_rows(self) -> list[Strip]:
        width, height = self.size
        path = self.path if self.show_path else ()
        rows = render_map(self.viewport, width, height, self.markers, path, ascii_mode=self.ascii_mode)
        base = self.rich_style
        styles = {
            role: base + self.get_component_rich_style(f"world-map--{role}", partial=True)
            for role in ("land", "sea", "path", "marker", "selected", "label")
        }
        return [Strip([Segment(text, styles[role]) for text, role in row], width) for row in rows]
