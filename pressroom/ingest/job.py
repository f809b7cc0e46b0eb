"""The state one upload carries through the steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pyvips

from ..config import Limits
from .image import Header


@dataclass
class Job:
    data: bytes
    limits: Limits = field(default_factory=Limits)
    proxy_size: int = 640
    master_quality: int = 92
    mime: str | None = None
    reader: ModuleType | None = None
    header: Header | None = None
    passthrough: bool = False  # master = the original JPEG stream minus metadata
    image: pyvips.Image | None = None  # decoded pixels, upright sRGB after those steps
    proxy: pyvips.Image | None = None
    master: bytes | None = None
    master_format: str | None = None  # "jpeg" | "png"
    meta: dict[str, Any] = field(default_factory=dict)
