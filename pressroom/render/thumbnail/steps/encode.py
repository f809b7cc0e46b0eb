"""Encode with every metadata block stripped (no EXIF, XMP or ICC: untagged means sRGB).

Defaults favour on-demand speed: WebP effort 2 and AVIF effort 0 cost 6 and 12 ms for a
400 px thumbnail here, against 14 and 450 ms at libvips' defaults, for 5% and 3% more bytes.
"""

from __future__ import annotations

from collections.abc import Callable

import pyvips

from ..job import RenderJob

DEFAULT_QUALITY = {"jpeg": 82, "webp": 80, "avif": 60, "png": 0}

SAVERS: dict[str, Callable[[pyvips.Image, int], bytes]] = {
    "jpeg": lambda img, q: img.jpegsave_buffer(Q=q, keep="none", optimize_coding=True),
    "webp": lambda img, q: img.webpsave_buffer(Q=q, keep="none", effort=2),
    "avif": lambda img, q: img.heifsave_buffer(Q=q, keep="none", compression="av1", effort=0),
    "png": lambda img, q: img.pngsave_buffer(keep="none", compression=6),
}


def encode(job: RenderJob) -> None:
    assert job.image is not None
    q = job.opts.quality or DEFAULT_QUALITY[job.format]
    job.output = SAVERS[job.format](job.image, q)
