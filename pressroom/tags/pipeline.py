"""Per-photo tags as a named tuple of small steps (one file each under steps/), run by
pressroom.steps over a TagContext.

    TAGS: pixels -> faces -> sharpness -> saliency -> exposure -> colourfulness -> colours
          -> hashes -> screenshot -> quality -> printable

Every step reads the one in-memory proxy ingest (or validate) already decoded.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import cv2
import pyvips

from ..config import TagConfig
from ..steps import Hook, Step, run
from .context import TagContext
from .steps.colourfulness import colourfulness
from .steps.colours import colours
from .steps.exposure import exposure
from .steps.faces import faces
from .steps.hashes import hashes
from .steps.pixels import pixels
from .steps.printable import printable
from .steps.quality import quality
from .steps.saliency import saliency
from .steps.screenshot import screenshot
from .steps.sharpness import sharpness

TAGS: tuple[Step[TagContext], ...] = (
    pixels,
    faces,
    sharpness,
    saliency,
    exposure,
    colourfulness,
    colours,
    hashes,
    screenshot,
    quality,
    printable,
)
# Proxies are <= 640 px, where OpenCV's thread pool costs more CPU than it saves: a tag pass
# over a 12-MP JPEG's proxy took 32.0 ms of CPU with its two threads and 28.3 with one, for
# 0.4 ms of wall. The process pool (or Lambda's one photo a call) is the parallelism.
cv2.setNumThreads(1)

VERSION = 2  # bump when a tag is added or changes meaning, so stored tags are recomputed
# (2: saliency_cols, which the designer reads before folding a photo across a spread)


def tag(
    proxy: pyvips.Image,
    record: dict[str, Any],
    config: TagConfig | None = None,
    hooks: Sequence[Hook] = (),
) -> dict[str, Any]:
    """All tags for one photo, from its proxy and its record data (see TagContext).
    `hooks` (pressroom.steps.timings, say) wrap each step."""
    ctx = TagContext(proxy=proxy, record=record, config=config or TagConfig())
    run(TAGS, ctx, hooks)
    return {"tags_version": VERSION, **ctx.tags}
