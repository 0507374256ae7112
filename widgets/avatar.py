"""A contact's avatar: a real image drawn with half-blocks, or a fallback drawn locally and deterministically.

Each cell shows two pixels with "▀": the foreground colour is the top pixel, the background the bottom one,
so `w` x `h` cells hold a `w` x `2h` picture of square pixels. With no image the widget draws an identicon
from the email (a 5x5 mirrored pattern, coloured from its SHA-256), or the initials when there is no email.
Under NO_COLOR a picture would be noise, so the initials are shown instead. Where the app draws in ASCII
(widgets/charset.py) a cell is one colour, without the half block: half the height, nothing to guess.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
from typing import TYPE_CHECKING, Any

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from plain.literal import one_line
from widgets.charset import draws_ascii

if TYPE_CHECKING:
    from PIL.Image import Image

_FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "BMP")
_MAX_SIDE = 4096
_WORKING_SIDE = 256  # never drawn larger in a terminal; keeps redraws on resize cheap


def identicon_image(seed: str, size: int) -> Image:
    """A `size` x `size` RGBA identicon for a seed (an email): 5x5 cells mirrored left-right, one colour.

    The same seed (ignoring case and surrounding spaces) always gives the same image; the background is
    transparent so the tile takes the colour of whatever it is drawn on.
    """
    from PIL import Image

    digest = hashlib.sha256(seed.strip().lower().encode("utf-8")).digest()
    hue = int.from_bytes(digest[-2:], "big") / 65536
    saturation = 0.45 + digest[-3] / 255 * 0.3
    red, green, blue = colorsys.hls_to_rgb(hue, 0.55, saturation)
    colour = (round(red * 255), round(green * 255), round(blue * 255), 255)
    grid = Image.new("RGBA", (5, 5), (0, 0, 0, 0))
    for row in range(5):
        for column in range(3):
            if digest[row * 3 + column] % 2 == 0:
                grid.putpixel((column, row), colour)
                grid.putpixel((4 - column, row), colour)
    return grid.resize((max(size, 1), max(size, 1)), Image.Resampling.NEAREST)


def decode_image(data: bytes) -> Image | None:
    """Image bytes as an upright RGBA picture of at most 256 pixels a side, or None if they are unusable."""
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data), formats=_FORMATS) as image:
            if max(image.size) > _MAX_SIDE:
                return None
            image.draft("RGB", (_WORKING_SIDE, _WORKING_SIDE))
            upright = ImageOps.exif_transpose(image).convert("RGBA")
    except Exception:  # Pillow reports bad data with many exception types; the caller keeps its fallback
        return None
    upright.thumbnail((_WORKING_SIDE, _WORKING_SIDE), Image.Resampling.LANCZOS)
    return upright


def _fit(picture: Image, width: int, height: int) -> Image:
    from PIL import Image, ImageOps

    if picture.width <= width and picture.height <= height:
        return picture
    # Area averaging: no ringing at hard edges, and exact for the whole-number ratios avatars usually need.
    return ImageOps.contain(picture, (width, height), Image.Resampling.BOX)


def _centred(text: str, width: int, style: Style) -> Strip:
    """One line centred in `width` cells; a caption too long for the tile ends in an ellipsis."""
    line = Text(one_line(text), no_wrap=True)
    line.truncate(width, overflow="ellipsis")
    return Strip([Segment(line.plain)]).text_align(width, "center").apply_style(style)


def half_block_strips(
    picture: Image, width: int, height: int, background: tuple[int, int, int], *, ascii_only: bool = False
) -> list[Strip]:
    """`height` rows of `width` cells showing `picture` centred over `background`, two pixels a cell
    (`ascii_only`: blank cells of the two pixels' mean colour, for a terminal that shows ASCII only)."""
    from PIL import Image

    canvas = Image.new("RGBA", (width, height * 2), (*background, 255))
    # An even top offset keeps each pair of picture rows in one cell, so hard edges stay crisp.
    offset_y = (height * 2 - picture.height) // 2 // 2 * 2
    canvas.alpha_composite(picture, ((width - picture.width) // 2, offset_y))
    pixels = canvas.convert("RGB").load()
    styles: dict[tuple[tuple[int, int, int], tuple[int, int, int]], Style] = {}
    strips = []
    for row in range(height):
        segments = []
        for x in range(width):
            top, bottom = pixels[x, row * 2], pixels[x, row * 2 + 1]
            if ascii_only:  # no half block: one colour a cell, the two pixels' mean
                top = bottom = tuple((a + b) // 2 for a, b in zip(top, bottom, strict=True))
            style = styles.get((top, bottom))
            if style is None:
                style = styles[top, bottom] = Style(color=Color.from_rgb(*top), bgcolor=Color.from_rgb(*bottom))
            segments.append(Segment("▀" if top != bottom else " ", style))
        strips.append(Strip(segments, width).simplify())
    return strips


class Avatar(Widget):
    """An avatar tile: `show_image(bytes)` or `show_fallback(seed, initials)`; `status` is its caption."""

    DEFAULT_CSS = """
    Avatar { width: 8; height: 4; }
    Avatar > .avatar--caption { color: $text-muted; }
    Avatar > .avatar--initials { background: $primary-muted; color: $text; text-style: bold; }
    """
    COMPONENT_CLASSES = {"avatar--caption", "avatar--initials"}

    status: reactive[str] = reactive("")
    """A one-line caption ("Gravatar", "offline", "no Gravatar"), drawn on the last row when there is room."""

    def __init__(self, *, caption: bool = True, initials: str = "?", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.show_caption = caption
        self._picture: Image | None = None
        self._seed = ""
        self._initials = initials
        self._cache_key: tuple[Any, ...] | None = None
        self._strips: list[Strip] = []

    @property
    def showing_image(self) -> bool:
        """True when a real image (not the fallback) is on show."""
        return self._picture is not None

    def show_image(self, data: bytes | Image) -> bool:
        """Show an image; False (and the current picture kept) when the bytes do not decode.

        Bytes are decoded here, on the UI thread; for big files pass the result of `decode_image` from a worker.
        """
        picture = decode_image(data) if isinstance(data, bytes) else data
        if picture is None:
            return False
        self._picture = picture
        self._changed()
        return True

    def show_fallback(self, seed: str, initials: str) -> None:
        """Show the identicon of `seed` (an email), or an initials tile when `seed` is empty."""
        self._picture = None
        self._seed = seed.strip().lower()
        self._initials = initials
        self._changed()

    def _changed(self) -> None:
        self._cache_key = None
        self.refresh()

    def render_line(self, y: int) -> Strip:
        strips = self._render_strips(self.content_size)
        return strips[y] if y < len(strips) else Strip.blank(self.content_size.width, self.rich_style)

    def _render_strips(self, size: Size) -> list[Strip]:
        background = self.background_colors[1].rgb
        ascii_only = draws_ascii(self)
        key = (size, self.status, self.show_caption, self.app.no_color, background, self._initials, ascii_only)
        if key == self._cache_key:
            return self._strips
        width, height = size
        caption_rows = 1 if self.show_caption and self.status and height >= 3 else 0
        rows = height - caption_rows
        if self.app.no_color or (self._picture is None and not self._seed) or min(width, rows) < 1:
            strips = self._initials_strips(width, rows)
        else:
            picture = self._picture_for(width, rows * 2)
            strips = half_block_strips(picture, width, rows, background, ascii_only=ascii_only)
        if caption_rows:
            strips.append(_centred(self.status, width, self.get_component_rich_style("avatar--caption")))
        self._cache_key, self._strips = key, strips
        return strips

    def _picture_for(self, width: int, height: int) -> Image:
        if self._picture is not None:
            return _fit(self._picture, width, height)
        side = min(width, height)
        return identicon_image(self._seed, side - side % 5 if side >= 5 else side)

    def _initials_strips(self, width: int, rows: int) -> list[Strip]:
        style = self.get_component_rich_style("avatar--initials")
        blank = Strip.blank(width, style)
        strips = [blank] * rows
        if rows:
            strips[(rows - 1) // 2] = _centred(self._initials, width, style)
        return strips
