"""Decode at the smallest size that gives the resize target, and resize to it.

`thumbnail_buffer` picks the JPEG DCT scale (1/2, 1/4, 1/8) from the target, so a 12 MP
master becomes a 400 px thumbnail from a ~500 px decode: never more pixels than needed.
Masters are upright with no orientation tag; `no_rotate` makes sure nothing turns them.
"""

from __future__ import annotations

import pyvips

from ..context import ThumbnailContext


def load(ctx: ThumbnailContext) -> None:
    rw, rh = ctx.resize
    if ctx.image is not None:
        img = ctx.image
        if (img.width, img.height) != (rw, rh):
            ctx.image = img.thumbnail_image(rw, height=rh, size="force", no_rotate=True)
        return
    assert ctx.data is not None
    ctx.image = pyvips.Image.thumbnail_buffer(
        ctx.data, rw, height=rh, size="force", no_rotate=True
    )
