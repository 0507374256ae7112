"""The world's land as a grid of 0.25° cells, read from the packed mask shipped in `widgets/data`.

`bench/make_land_mask.py` builds the file from the `global-land-mask` data set; see it for the format.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

MAGIC = b"DLM1"
_UNPACK = [bytes((byte >> shift) & 1 for shift in range(7, -1, -1)) for byte in range(256)]


@dataclass(frozen=True, slots=True)
class LandMask:
    """`cells[row * width + col]` is 1 for land, 0 for sea; row 0 is the northernmost band, col 0 starts at 180°W."""

    width: int
    height: int
    cells: bytes

    @property
    def step(self) -> float:
        """Degrees per cell."""
        return 360 / self.width

    def row(self, lat: float) -> int | None:
        """The row holding a latitude, or None beyond the poles."""
        if not -90 <= lat <= 90:
            return None
        return min(int((90 - lat) / self.step), self.height - 1)

    def col(self, lon: float) -> int:
        """The column holding a longitude, wrapping around the antimeridian."""
        return int(((lon + 180) % 360) / self.step) % self.width

    def is_land(self, lat: float, lon: float) -> bool:
        row = self.row(lat)
        return row is not None and self.cells[row * self.width + self.col(lon)] == 1


def decode(data: bytes) -> LandMask:
    """A mask from the bytes of a mask file; ValueError when they are not one."""
    if data[:4] != MAGIC or len(data) < 8:
        raise ValueError("not a Dossier land mask")
    width, height = struct.unpack(">HH", data[4:8])
    packed = zlib.decompress(data[8:])
    if width % 8 or len(packed) != width * height // 8:
        raise ValueError("land mask has the wrong size")
    return LandMask(width, height, b"".join(_UNPACK[byte] for byte in packed))


@cache
def land_mask() -> LandMask:
    """The shipped mask, read once (about 1 MB unpacked)."""
    return decode(files("widgets").joinpath("data/land_0p25.bin").read_bytes())
