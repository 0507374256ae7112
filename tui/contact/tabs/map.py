"""The Map tab: every place the contact was seen (from IP geolocation) and a world map of them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import DataTable, Static

from plain.literal import one_line
from plain.words import plural
from store.geo import LocationRow, locations_for_contact
from store.rows import ContactDetail
from tui.background import in_thread
from tui.cells import cell
from tui.contact.tabs.base import ContactTab

if TYPE_CHECKING:
    from widgets.world_map import WorldMap


def place(row: LocationRow) -> str:
    return ", ".join(part for part in (row.city, row.country) if part) or "Unknown place"


class MapTab(ContactTab):
    """Where the contact was seen. Shown only while a place is known. Enter on a location centres the map on
    it; `v` moves to the map, whose own keys zoom (+/-), pan and fit (0)."""

    TAB_ID, TITLE, KEY, FOCUS, ORDER = "map", "Map", "3", "#locations", 30

    BINDINGS = [
        # Not `m`: on the contact page `m` charts by month, on this tab as on the others.
        Binding(
            "v", "focus_map", "To the map", show=False, tooltip="Move to the map (zoom with + and -)", id="map.focus"
        ),
    ]

    def __init__(self, contact_id: int) -> None:
        super().__init__(contact_id)
        self.rows: list[LocationRow] = []

    def content(self) -> ComposeResult:
        from widgets.world_map import WorldMap  # built when the tab is first shown: not before the page paints

        table: DataTable = DataTable(id="locations", cursor_type="row", zebra_stripes=True)
        for title, key, width in self.COLUMNS:
            table.add_column(title, key=key, width=width)
        with Horizontal(id="map-pane"):
            with Vertical(id="locations-column"):
                yield Static(id="locations-title")
                yield table
            yield WorldMap(id="world-map")

    def available(self, detail: ContactDetail, located: bool) -> bool:
        return located

    def unavailable_reason(self) -> str:
        return "No location is known for this contact."

    # (heading, key, width): the cells of a row are built by key, so a heading always sits over its data.
    COLUMNS = (
        ("Place", "place", 22),
        ("Lat, lon", "coords", 16),
        ("IP", "ip", 15),
        ("Last seen", "seen", 10),
        ("From previous", "distance", 13),
    )

    def load(self) -> None:
        engine = self.ctx.engine
        in_thread(self, lambda: locations_for_contact(engine, self.contact_id), self._show, group="map")

    def _show(self, rows: list[LocationRow]) -> None:
        self.rows = rows
        table = self.query_one("#locations", DataTable)
        table.clear()
        now = self.ctx.clock()
        for index, row in enumerate(rows):
            distance = f"{row.distance_km:,.0f} km" if row.distance_km is not None else "—"
            cells = {
                "place": cell(place(row)),
                "coords": cell(f"{row.latitude:.3f}, {row.longitude:.3f}"),
                "ip": cell(", ".join(row.ips)),
                "seen": cell(row.last_seen.astimezone(now.tzinfo).strftime("%Y-%m-%d")),
                "distance": cell(distance, right=True),
            }
            table.add_row(
                *(cells[key] for _, key, _ in self.COLUMNS),
                key=str(index),
            )
        count = f"{plural(len(rows), 'place')} · from IP geolocation"
        self.query_one("#locations-title", Static).update(Content.styled(count, "$text-muted"))
        self._draw(selected=0 if rows else None)

    def _world(self) -> WorldMap:
        from widgets.world_map import WorldMap

        return self.query_one("#world-map", WorldMap)

    def _draw(self, selected: int | None) -> None:
        from widgets.world_map import MapMarker

        world = self._world()
        world.markers = tuple(
            MapMarker(row.latitude, row.longitude, one_line(row.city or row.country), selected=index == selected)
            for index, row in enumerate(self.rows)
        )
        world.path = tuple((row.latitude, row.longitude) for row in reversed(self.rows))

    @on(DataTable.RowSelected, "#locations")
    def _centre(self, event: DataTable.RowSelected) -> None:
        index = int(event.row_key.value or 0)
        row = self.rows[index]
        self._draw(selected=index)
        self._world().centre_on(row.latitude, row.longitude)

    def action_focus_map(self) -> None:
        self.screen.set_focus(self._world())
