"""The state one thumbnail render carries through the steps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pyvips

from ...config import Limits, Settings
from ...photos import Face
from ..options import ThumbOptions


class RenderLimit(Exception):
    """The source or the intermediate image is over the limits (HTTP 422)."""


@dataclass
class ThumbnailContext:
    opts: ThumbOptions
    format: str  # concrete: jpeg | webp | avif | png
    data: bytes | None = None  # an encoded master: read with shrink-on-load
    image: pyvips.Image | None = None  # or pixels already decoded (upright sRGB)
    source_size: tuple[int, int] | None = None  # upright source pixels; probed when None
    faces: Sequence[Face] = ()  # in upright source pixels, as the tagger recorded them
    max_pixels: int = Limits.max_pixels  # source and intermediate pixel limit
    webp_effort: int = Settings.webp_effort
    resize: tuple[int, int] = (0, 0)  # planned: size after resizing, before crop or pad
    out: tuple[int, int] = (0, 0)  # planned: final size
    output: bytes | None = None
    timings: dict[str, float] = field(default_factory=dict)  # step -> seconds (logs, benches)
