"""The state one photo's tagging carries through the steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyvips

from ..config import TagConfig


@dataclass
class TagContext:
    proxy: pyvips.Image  # upright sRGB, <= 640 px long side
    record: dict[str, Any]  # width/height (upright master px), format, camera_*, ...
    config: TagConfig = field(default_factory=TagConfig)
    rgb: np.ndarray | None = None  # HxWx3 uint8, alpha flattened on white (as it would print)
    grey: np.ndarray | None = None  # HxW uint8 luma (Rec. 601, as OpenCV and JPEG define it)
    work: np.ndarray | None = None  # grey at WORK_SIZE long side: comparable across photos
    tags: dict[str, Any] = field(default_factory=dict)

    @property
    def master_size(self) -> tuple[int, int]:
        """Upright master pixels; the proxy's own size when the record does not say."""
        assert self.rgb is not None
        h, w = self.rgb.shape[:2]
        return int(self.record.get("width") or w), int(self.record.get("height") or h)
