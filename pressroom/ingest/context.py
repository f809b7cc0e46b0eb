"""The state one upload carries through the ingest steps, and the budget its host lends it."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Protocol

import numpy as np
import pyvips

from ..config import Limits, Settings
from .image import Header


class Budget(Protocol):
    """The host's per-file budget of untrusted work (a killable worker's time and memory).

    The core only says what it learns: how many pixels the header declares and how costly
    its format is to decode per pixel (a big, allowed image, or a HEIC, earns more), and when
    the untrusted decode is over (what follows, writing blobs and the record, must never be
    killed half-way). pressroom.batch.files implements it."""

    def declared(self, pixels: int, cost: float = 1.0) -> None: ...

    def trusted(self) -> None: ...


class NoBudget:
    """Outside a supervised worker (tests, the API, Lambda): nothing to adjust."""

    def declared(self, pixels: int, cost: float = 1.0) -> None:
        pass

    def trusted(self) -> None:
        pass


NO_BUDGET = NoBudget()


@dataclass
class IngestContext:
    data: bytes
    limits: Limits = field(default_factory=Limits)
    proxy_size: int = Settings.proxy_size
    master_quality: int = Settings.master_quality
    budget: Budget = NO_BUDGET
    mime: str | None = None
    reader: ModuleType | None = None
    header: Header | None = None
    passthrough: bool = False  # master = the original JPEG stream minus metadata
    # An EXIF-rotated sRGB JPEG turned upright by moving its DCT blocks (jpegtran.transform):
    # with passthrough, the master is this stream, losslessly.
    upright_jpeg: bytes | None = None
    image: pyvips.Image | None = None  # decoded pixels, upright sRGB after those steps
    # The array behind `image` where the colour step made it from one (Display P3): the
    # master's encoder reads it in place of a 36 MB copy out of libvips.
    pixels: np.ndarray | None = None
    oriented: bool = False  # image came from upright_jpeg: already upright
    proxy: pyvips.Image | None = None
    master: bytes | None = None
    master_format: str | None = None  # "jpeg" | "png"
    meta: dict[str, Any] = field(default_factory=dict)
