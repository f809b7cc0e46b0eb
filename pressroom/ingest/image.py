"""What the format readers hand to the pipeline, and the one bridge from numpy to libvips."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyvips


@dataclass
class Header:
    """What a file says about itself before any pixel is decoded."""

    format: str  # JPEG, MPO, PNG, WEBP, HEIF, AVIF
    width: int  # as stored, before orientation
    height: int
    orientation: int = 1  # EXIF 1..8, already 1 where the decoder applies it (HEIF irot/imir)
    icc: bytes | None = None
    exif: bytes | None = None
    xmp: bytes | None = None
    alpha: bool = False
    # Colour stored at half resolution both ways (4:2:0), as phones write JPEG and HEIC: a
    # master re-encoded from it has no finer colour to keep (steps.master).
    half_chroma: bool = False
    extra: dict[str, Any] = field(default_factory=dict)  # reader-private state

    @property
    def upright_size(self) -> tuple[int, int]:
        if self.orientation in (5, 6, 7, 8):
            return self.height, self.width
        return self.width, self.height


def from_array(arr: np.ndarray) -> pyvips.Image:
    """Wrap a decoded HxW[xC] uint8/uint16 array as a libvips image without copying twice."""
    arr = np.ascontiguousarray(arr)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    h, w, bands = arr.shape
    fmt = "ushort" if arr.dtype == np.uint16 else "uchar"
    img = pyvips.Image.new_from_memory(arr.data, w, h, bands, fmt)
    if bands <= 2:
        interpretation = "grey16" if fmt == "ushort" else "b-w"
    else:
        interpretation = "rgb16" if fmt == "ushort" else "srgb"
    return img.copy(interpretation=interpretation)
