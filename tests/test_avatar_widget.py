"""The Avatar widget: half-block images, the identicon and initials fallbacks, captions and NO_COLOR."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from rich.segment import Segment
from textual.app import App, ComposeResult

from widgets.avatar import Avatar, decode_image, identicon_image

RED, BLUE = (255, 0, 0), (0, 0, 255)


def split_png(size: tuple[int, int] = (6, 6)) -> bytes:
    """Top half red, bottom half blue."""
    width, height = size
    image = Image.new("RGB", size, RED)
    image.paste(BLUE, (0, height // 2, width, height))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


class AvatarApp(App):
    def __init__(self, avatar: Avatar) -> None:
        super().__init__()
        self.avatar = avatar

    def compose(self) -> ComposeResult:
        yield self.avatar


def rows(avatar: Avatar) -> list[list[Segment]]:
    return [list(avatar.render_line(y)) for y in range(avatar.content_size.height)]


def cells(avatar: Avatar) -> list[list[tuple[str, tuple | None, tuple | None]]]:
    """Each cell as (character, foreground RGB, background RGB)."""
    grid = []
    for line in rows(avatar):
        row = []
        for segment in line:
            style = segment.style
            fg = style.color.get_truecolor() if style and style.color else None
            bg = style.bgcolor.get_truecolor() if style and style.bgcolor else None
            row += [(char, tuple(fg) if fg else None, tuple(bg) if bg else None) for char in segment.text]
        grid.append(row)
    return grid


def text(avatar: Avatar) -> list[str]:
    return ["".join(segment.text for segment in line) for line in rows(avatar)]


def test_identicon_is_deterministic_and_mirrored() -> None:
    one = identicon_image("ada@example.com", 10)
    assert one.size == (10, 10)
    assert one.tobytes() == identicon_image("  ADA@example.com ", 10).tobytes()
    assert one.tobytes() != identicon_image("grace@example.com", 10).tobytes()
    for y in range(10):
        assert [one.getpixel((x, y)) for x in range(10)] == [one.getpixel((9 - x, y)) for x in range(10)]
    colours = {colour for _, colour in one.getcolors() if colour[3]}
    assert len(colours) == 1


def test_identicons_differ_across_many_seeds() -> None:
    images = {identicon_image(f"person{n}@example.com", 5).tobytes() for n in range(50)}
    assert len(images) > 45


async def test_an_image_is_drawn_with_half_blocks() -> None:
    avatar = Avatar(caption=False)
    app = AvatarApp(avatar)
    async with app.run_test(size=(20, 6)) as pilot:
        avatar.styles.width, avatar.styles.height = 6, 3
        assert avatar.show_image(split_png((6, 6)))
        await pilot.pause()
        grid = cells(avatar)
        assert avatar.showing_image
        assert all(bg == RED for _, _, bg in grid[0])
        assert grid[1] == [("▀", RED, BLUE)] * 6
        assert all(bg == BLUE for _, _, bg in grid[2])


async def test_a_wide_image_keeps_its_aspect_ratio_and_is_centred() -> None:
    avatar = Avatar(caption=False)
    app = AvatarApp(avatar)
    async with app.run_test(size=(20, 6)) as pilot:
        avatar.styles.width, avatar.styles.height = 8, 4
        avatar.show_image(split_png((16, 4)))  # 4:1, drawn 8 pixels wide and 2 high
        await pilot.pause()
        background = tuple(avatar.background_colors[1].rgb)
        grid = cells(avatar)
        assert all(cell[2] == background for row in (0, 2, 3) for cell in grid[row])
        assert [char for char, _, _ in grid[1]] == ["▀"] * 8
        assert grid[1] == [("▀", RED, BLUE)] * 8


async def test_the_identicon_fallback_uses_the_seed_colour() -> None:
    avatar = Avatar()
    app = AvatarApp(avatar)
    async with app.run_test(size=(20, 6)) as pilot:
        avatar.show_fallback("ada@example.com", "AL")
        avatar.status = "offline"
        await pilot.pause()
        assert not avatar.showing_image
        colour = next(c[:3] for _, c in identicon_image("ada@example.com", 5).getcolors() if c[3])
        picture = cells(avatar)[:-1]
        assert any(colour in (fg, bg) for row in picture for _, fg, bg in row)
        assert any(char == "▀" for row in picture for char, _, _ in row)
        assert text(avatar)[-1].strip() == "offline"


async def test_without_an_email_the_initials_are_shown() -> None:
    avatar = Avatar()
    app = AvatarApp(avatar)
    async with app.run_test(size=(20, 6)) as pilot:
        avatar.show_fallback("", "AL")
        await pilot.pause()
        assert text(avatar) == ["        ", "   AL   ", "        ", "        "]


async def test_bad_bytes_keep_the_current_picture() -> None:
    avatar = Avatar()
    app = AvatarApp(avatar)
    async with app.run_test(size=(20, 6)) as pilot:
        avatar.show_fallback("", "GH")
        assert avatar.show_image(b"\x89PNG\r\n\x1a\nnot really") is False
        await pilot.pause()
        assert not avatar.showing_image
        assert "GH" in text(avatar)[1]


async def test_the_caption_gives_way_in_a_small_tile() -> None:
    avatar = Avatar()
    app = AvatarApp(avatar)
    async with app.run_test(size=(20, 6)) as pilot:
        avatar.styles.width, avatar.styles.height = 4, 2
        avatar.show_fallback("ada@example.com", "AL")
        avatar.status = "no Gravatar — identicon"
        await pilot.pause()
        assert len(text(avatar)) == 2
        assert all("Gravatar" not in line for line in text(avatar))
        avatar.styles.width, avatar.styles.height = 8, 4
        await pilot.pause()
        assert text(avatar)[-1] == "no Grav…"  # cut, and marked as cut


async def test_data_in_the_caption_and_initials_is_literal() -> None:
    avatar = Avatar()
    app = AvatarApp(avatar)
    async with app.run_test(size=(20, 6)) as pilot:
        avatar.styles.width = 12
        avatar.show_fallback("", "[b]\x1b")
        avatar.status = "[red]x"
        await pilot.pause()
        assert "[b]␛" in text(avatar)[1]
        assert text(avatar)[-1].strip() == "[red]x"


async def test_no_color_shows_initials_instead_of_a_picture(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    avatar = Avatar()
    app = AvatarApp(avatar)
    async with app.run_test(size=(20, 6)) as pilot:
        avatar.show_fallback("ada@example.com", "AL")
        avatar.show_image(split_png())
        avatar.status = "Gravatar"
        await pilot.pause()
        assert avatar.showing_image
        assert text(avatar) == ["        ", "   AL   ", "        ", "Gravatar"]


@pytest.mark.parametrize(("width", "height"), [(1, 1), (2, 1), (3, 2), (1, 5), (0, 0)])
async def test_tiny_tiles_do_not_break(width: int, height: int) -> None:
    avatar = Avatar()
    app = AvatarApp(avatar)
    async with app.run_test(size=(20, 6)) as pilot:
        avatar.styles.width, avatar.styles.height = width, height
        avatar.status = "offline"
        avatar.show_fallback("ada@example.com", "AL")
        await pilot.pause()
        assert len(text(avatar)) == height
        avatar.show_image(split_png())
        await pilot.pause()
        assert all(len(line) == width for line in text(avatar))


async def test_a_picture_decoded_elsewhere_can_be_shown() -> None:
    avatar = Avatar(caption=False)
    app = AvatarApp(avatar)
    async with app.run_test(size=(20, 6)) as pilot:
        avatar.styles.width, avatar.styles.height = 6, 3
        picture = decode_image(split_png((6, 6)))
        assert picture is not None
        assert avatar.show_image(picture)
        await pilot.pause()
        assert cells(avatar)[1] == [("▀", RED, BLUE)] * 6
