"""The world map: the land mask, where points are projected, fitting, zooming and panning, the braille and ASCII
renderings, literal labels, and the widget's keys at 80x24 and 120x40."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from widgets.charset import ASCII_CLASS
from widgets.land_mask import decode, land_mask
from widgets.map_canvas import MAX_ZOOM, MapMarker, Viewport, cell_of, fit, land_rows, project, render_map
from widgets.world_map import WorldMap

PARIS = MapMarker(48.8566, 2.3522, "Paris")
LONDON = MapMarker(51.5074, -0.1278, "London")
SYDNEY = MapMarker(-33.8688, 151.2093, "Sydney")
NEW_YORK = MapMarker(40.7128, -74.0060, "New York")
HOSTILE = "[b]x[/b] \x1b[31m[@click=app.quit]"
W, H = 76, 18


def text(rows: list[list[tuple[str, str]]]) -> list[str]:
    return ["".join(chunk for chunk, _ in row) for row in rows]


def roles_at(rows: list[list[tuple[str, str]]], x: int, y: int) -> tuple[str, str]:
    """The character and role of one cell."""
    col = 0
    for chunk, role in rows[y]:
        if col <= x < col + len(chunk):
            return chunk[x - col], role
        col += len(chunk)
    raise IndexError(x)


def test_the_land_mask_knows_land_from_sea() -> None:
    mask = land_mask()
    assert (mask.width, mask.height) == (1440, 720)
    assert mask.is_land(48.85, 2.35)  # Paris
    assert mask.is_land(-25.0, 134.0)  # the middle of Australia
    assert not mask.is_land(0, -30)  # the Atlantic
    assert not mask.is_land(-40, -150)  # the South Pacific
    assert not mask.is_land(95, 0)


def test_a_file_that_is_not_a_mask_is_refused() -> None:
    with pytest.raises(ValueError):
        decode(b"PNG\x00\x00\x00\x00\x00")


def test_projection_puts_places_where_they_belong() -> None:
    world = Viewport()
    london, paris = project(LONDON.lat, LONDON.lon, world, W, H), project(PARIS.lat, PARIS.lon, world, W, H)
    assert london[0] < paris[0] and london[1] < paris[1]  # north-west of Paris
    sydney = project(SYDNEY.lat, SYDNEY.lon, world, W, H)
    assert sydney[0] > 0.75 * W and sydney[1] > 0.6 * H
    assert project(0, 0, world, W, H) == (W / 2, H / 2)


def test_longitude_is_taken_the_short_way_round() -> None:
    pacific = Viewport(0, 180, 2)
    west, east = project(0, 170, pacific, W, H), project(0, -170, pacific, W, H)
    assert west[0] < W / 2 < east[0]


def test_zoom_spreads_points_from_the_centre_and_pan_moves_them() -> None:
    centre = Viewport(50, 1)
    near = Viewport(50, 1, 4)
    x1, _ = project(PARIS.lat, PARIS.lon, centre, W, H)
    x4, _ = project(PARIS.lat, PARIS.lon, near, W, H)
    assert x4 - W / 2 == pytest.approx(4 * (x1 - W / 2))
    east = near.panned(0, 10)
    assert project(PARIS.lat, PARIS.lon, east, W, H)[0] < x4  # looking east moves things left
    north = near.panned(5, 0)
    assert project(PARIS.lat, PARIS.lon, north, W, H)[1] > project(PARIS.lat, PARIS.lon, near, W, H)[1]
    assert Viewport(zoom=MAX_ZOOM).zoomed(2).zoom == MAX_ZOOM
    assert Viewport().zoomed(0.5).zoom == 1
    assert Viewport(lon=170).panned(0, 20).lon == pytest.approx(-170)


def test_fit_shows_every_marker() -> None:
    assert fit([]) == Viewport()
    europe = fit([PARIS, LONDON], W, H)
    assert europe.zoom > 2
    for marker in (PARIS, LONDON):
        x, y = cell_of(marker.lat, marker.lon, europe, W, H)
        assert 0 <= x < W and 0 <= y < H
    assert fit([PARIS]).zoom > 1
    pacific = fit([(35.7, 139.7), (37.8, -122.4)], W, H)  # Tokyo and San Francisco: across the antimeridian
    assert abs(pacific.lon) > 150


def test_markers_land_on_their_cells_with_labels() -> None:
    markers = [LONDON, PARIS, MapMarker(SYDNEY.lat, SYDNEY.lon, "Sydney", selected=True)]
    rows = render_map(Viewport(), W, H, markers)
    x, y = cell_of(SYDNEY.lat, SYDNEY.lon, Viewport(), W, H)
    assert roles_at(rows, x, y) == ("●", "selected")
    assert text(rows)[y][x + 2 : x + 8] == "Sydney"
    x, y = cell_of(LONDON.lat, LONDON.lon, Viewport(), W, H)
    assert roles_at(rows, x, y)[1] == "marker"
    assert all(len(line) == W for line in text(rows))


def test_a_long_label_ends_in_an_ellipsis() -> None:
    tenerife = MapMarker(28.5, -16.3, "Santa Cruz de Tenerife, Spain")
    braille = "".join(text(render_map(Viewport(), W, H, [tenerife])))
    assert "Santa Cruz de Ten…" in braille and "Santa Cruz de Tene" not in braille
    plain = "".join(text(render_map(Viewport(), W, H, [tenerife], ascii_mode=True)))
    assert "Santa Cruz de Ten." in plain


def test_a_map_without_markers_still_draws_land_and_sea() -> None:
    rows = render_map(Viewport(), W, H)
    roles = {role for row in rows for _, role in row}
    assert roles == {"land", "sea"}
    assert len(rows) == H


def test_ascii_uses_only_sea_land_and_marker_characters() -> None:
    rows = text(render_map(Viewport(), W, H, [PARIS, SYDNEY], ascii_mode=True))
    for label in ("Paris", "Sydney"):
        for line in rows:
            if label in line:
                rows[rows.index(line)] = line.replace(label, "")
    assert set("".join(rows)) <= set(".#@ ")
    assert "".join(rows).count("@") == 2
    x, y = cell_of(0, -30, Viewport(), W, H)
    assert rows[y][x] == "."


def test_continents_are_recognisable_at_80x24() -> None:
    rows = land_rows(Viewport(), W, H, True)

    def land(lat: float, lon: float) -> bool:
        x, y = cell_of(lat, lon, Viewport(), W, H)
        return rows[y][x] == "#"

    assert land(50, 10) and land(0, 20) and land(-25, 134) and land(40, -100) and land(-10, -55) and land(60, 100)
    assert not land(30, -40) and not land(-20, 80) and not land(0, -140)


def test_hostile_labels_stay_literal() -> None:
    line = "".join(text(render_map(Viewport(), 120, 40, [MapMarker(0, 0, HOSTILE)])))
    assert "\x1b" not in line
    assert "[b]x[/b]" in line


def test_the_path_joins_places_in_order() -> None:
    path = [(LONDON.lat, LONDON.lon), (SYDNEY.lat, SYDNEY.lon)]
    with_path = render_map(Viewport(), W, H, [LONDON, SYDNEY], path)
    assert sum(role == "path" for row in with_path for _, role in row) > 0
    ascii_path = text(render_map(Viewport(), W, H, [], path, ascii_mode=True))
    assert "".join(ascii_path).count("*") > 20


class MapApp(App):
    def compose(self) -> ComposeResult:
        yield WorldMap([PARIS, MapMarker(LONDON.lat, LONDON.lon, "London", selected=True)], id="map")


def screen_lines(app: App) -> list[str]:
    return ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_widget_fits_its_markers_and_answers_keys(size: tuple[int, int]) -> None:
    app = MapApp()
    async with app.run_test(size=size) as pilot:
        world_map = app.query_one(WorldMap)
        world_map.focus()
        await pilot.pause()
        fitted = world_map.viewport
        assert fitted.zoom > 2
        assert any("London" in line for line in screen_lines(app))
        await pilot.press("plus")
        assert world_map.viewport.zoom == pytest.approx(fitted.zoom * 1.5)
        await pilot.press("right")
        assert world_map.viewport.lon > fitted.lon
        await pilot.press("0")
        assert world_map.viewport == fitted
        await pilot.press("b")
        await pilot.pause()
        assert world_map.ascii_mode
        assert "@" in "".join(screen_lines(app))
        await pilot.press("p")
        assert not world_map.show_path


async def test_ascii_is_chosen_when_the_app_draws_in_ascii() -> None:
    app = MapApp()
    async with app.run_test(size=(80, 24)) as pilot:
        app.add_class(ASCII_CLASS)  # what DossierApp does when the terminal shows ASCII only
        await app.mount(WorldMap(id="second"))
        await pilot.pause()
        assert app.query_one("#second", WorldMap).ascii_mode
        assert not app.query_one("#map", WorldMap).ascii_mode  # mounted before: a user's choice is not undone
        assert not "".join(screen_lines(app)).isascii()  # the first map is still braille


def test_a_path_across_the_antimeridian_is_drawn_only_where_it_is_short() -> None:
    tokyo_to_san_francisco = [(35.7, 139.7), (37.8, -122.4)]
    pacific = render_map(Viewport(35, 180, 2), W, H, [], tokyo_to_san_francisco, ascii_mode=True)
    assert "".join(text(pacific)).count("*") > 10
    greenwich = render_map(Viewport(), W, H, [], tokyo_to_san_francisco, ascii_mode=True)
    assert "*" not in "".join(text(greenwich))
