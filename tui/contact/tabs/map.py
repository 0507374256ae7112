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

        with Horizontal(id="map-pane"):
            with Vertical(id="locations-column"):
                yield Static(id="locations-title")
                yield DataTable(id="locations", cursor_type="row", zebra_stripes=True)
                yield Static(id="location-detail")
            yield WorldMap(id="world-map")

    def available(self, detail: ContactDetail, located: bool) -> bool:
        return located

    def unavailable_reason(self) -> str:
        return "No location is known for this contact."

    # (heading, key, width): the cells of a row are built by key, so a heading always sits over its data.
    COLUMNS = (
        ("Place", "place", 18),
        ("Lat, lon", "coords", 16),
        ("IP", "ip", 15),
        ("Last seen", "seen", 10),
        ("Distance", "distance", 9),
    )
    # Where the columns do not all fit (80 columns), the first of these do; the highlighted place's other
    # values are written out in full on the line under the table, so nothing is out of reach.
    PRIORITY = ("place", "seen", "ip", "coords", "distance")

    def fitting(self, width: int) -> tuple[tuple[str, str, int], ...]:
        """The columns that fit in `width` cells, chosen by priority, in their own order (Place always)."""
        room, chosen = width - 2, set()  # room for a vertical scroll bar
        for key in self.PRIORITY:
            size = next(size for _, name, size in self.COLUMNS if name == key) + 2  # a cell's padding
            if size <= room or not chosen:
                chosen.add(key)
                room -= size
        return tuple(column for column in self.COLUMNS if column[1] in chosen)

    def on_resize(self) -> None:
        self.call_after_refresh(self._lay_out)

    def _lay_out(self) -> None:
        if not self.query("#locations"):  # a resize before the tab's widgets are built: nothing to lay out yet
            return
        table = self.query_one("#locations", DataTable)
        columns = self.fitting(self.query_one("#locations-column").size.width)
        if [str(key.value) for key in table.columns] != [key for _, key, _ in columns]:
            row = table.cursor_row
            table.clear(columns=True)
            for title, key, width in columns:
                table.add_column(title, key=key, width=width)
            self._fill(table)
            if self.rows:
                table.move_cursor(row=min(row, len(self.rows) - 1))
        self._describe(table.cursor_row)

    def load(self) -> None:
        engine = self.ctx.engine
        in_thread(self, lambda: locations_for_contact(engine, self.contact_id), self._show, group="map")

    def _show(self, rows: list[LocationRow]) -> None:
        self.rows = rows
        count = f"{plural(len(rows), 'place')} · from IP geolocation"
        self.query_one("#locations-title", Static).update(Content.styled(count, "$text-muted"))
        table = self.query_one("#locations", DataTable)
        if table.columns:
            self._fill(table)
        self._lay_out()
        self._draw(selected=0 if rows else None)

    def _values(self, row: LocationRow) -> dict[str, str]:
        distance = f"{row.distance_km:,.0f} km" if row.distance_km is not None else "—"
        return {
            "place": place(row),
            "coords": f"{row.latitude:.3f}, {row.longitude:.3f}",
            "ip": ", ".join(row.ips),
            "seen": row.last_seen.astimezone(self.ctx.clock().tzinfo).strftime("%Y-%m-%d"),
            "distance": distance,
        }

    def _fill(self, table: DataTable) -> None:
        table.clear()
        keys = [str(key.value) for key in table.columns]
        for index, row in enumerate(self.rows):
            values = self._values(row)
            table.add_row(*(cell(values[key], right=key == "distance") for key in keys), key=str(index))

    def _describe(self, index: int) -> None:
        """The highlighted place's values that have no column here, in full on one line (none: no line)."""
        detail = self.query_one("#location-detail", Static)
        shown = {str(key.value) for key in self.query_one("#locations", DataTable).columns}
        hidden = [(title, key) for title, key, _ in self.COLUMNS if key not in shown]
        if not hidden or not 0 <= index < len(self.rows):
            detail.display = False
            return
        values = self._values(self.rows[index])
        words = " · ".join(f"{title} {values[key]}" for title, key in hidden)
        detail.update(Content.styled(one_line(words), "$text-muted"))
        detail.display = True

    @on(DataTable.RowHighlighted, "#locations")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._describe(event.cursor_row)

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
