"""Encode with every metadata block stripped (no EXIF, XMP or ICC: untagged means sRGB).

Defaults favour on-demand speed: WebP effort 2 and AVIF effort 0 cost 6 and 12 ms for a
400 px thumbnail here, against 14 and 450 ms at libvips' defaults, for 5% and 3% more bytes.
"""

from __future__ import annotations

from typing import Any

from ....formats import FORMATS
from ..context import ThumbnailContext

DEFAULT_QUALITY = {"jpeg": 82, "webp": 80, "avif": 60, "png": 0}  # png: lossless, no Q

# The saver comes from the format table; these are the thumbnail engine's own settings.
SAVE_OPTIONS: dict[str, dict[str, Any]] = {
    "jpeg": {"optimize_coding": True},
    "webp": {"effort": 2},
    "avif": {"compression": "av1", "effort": 0},
    "png": {"compression": 6},
}


def encode(ctx: ThumbnailContext) -> None:
    assert ctx.image is not None
    q = ctx.opts.quality or DEFAULT_QUALITY[ctx.format]
    save = getattr(ctx.image, FORMATS[ctx.format].saver)
    quality = {"Q": q} if ctx.format != "png" else {}
    ctx.output = save(keep="none", **quality, **SAVE_OPTIONS[ctx.format])
