"""Build `widgets/data/land_0p25.bin`, the world map's land mask, from the `global-land-mask` data set.

Run once by hand (`pip install global-land-mask`, then `python bench/make_land_mask.py`); the output is
committed and read by `widgets/land_mask.py`. The data set is never imported at run time: it holds a
21600x43200 mask and takes about 1 GB of memory.

Format: b"DLM1", width and height as big-endian uint16, then a zlib stream of the rows packed eight cells
to a byte, most significant bit first. Row 0 is the band just south of 90°N, column 0 the band just east of
180°W; a cell is land when at least half of the source pixels in it are.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
from global_land_mask import globe

STEP = 0.25
OUT = Path(__file__).resolve().parent.parent / "widgets" / "data" / "land_0p25.bin"


def downsample(land: np.ndarray, step: float) -> np.ndarray:
    """Majority vote over each `step`-degree block of the source land mask."""
    rows, cols = land.shape
    height, width = round(180 / step), round(360 / step)
    block = rows // height
    assert rows == height * block and cols == width * block, "source grid must divide evenly"
    return land.reshape(height, block, width, block).mean(axis=(1, 3)) >= 0.5


def main() -> None:
    small = downsample(~globe._mask, STEP)  # the data set stores ocean as True
    height, width = small.shape
    packed = np.packbits(small, axis=1, bitorder="big").tobytes()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_bytes(b"DLM1" + struct.pack(">HH", width, height) + zlib.compress(packed, 9))
    print(f"{OUT}: {width}x{height}, {small.mean():.1%} land, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
