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
    if ctx.opts.region is not None:
        _load_region(ctx, ctx.opts.region)
        return
    if ctx.image is not None:
        img = ctx.image
        if (img.width, img.height) != (rw, rh):
            ctx.image = img.thumbnail_image(rw, height=rh, size="force", no_rotate=True)
        return
    assert ctx.data is not None
    ctx.image = pyvips.Image.thumbnail_buffer(
        ctx.data, rw, height=rh, size="force", no_rotate=True
    )


def _load_region(ctx: ThumbnailContext, region: tuple[int, int, int, int]) -> None:
    """Cut a source rectangle, then resize it: decode (shrink-on-load) at the smallest scale
    that keeps the rectangle at least as large as its target, never above full size."""
    assert ctx.source_size is not None
    sw, sh = ctx.source_size
    x, y, w, h = region
    rw, rh = ctx.resize
    s = min(1.0, max(rw / w, rh / h))
    fw, fh = max(1, round(sw * s)), max(1, round(sh * s))
    if ctx.image is not None:
        img = ctx.image
        if (img.width, img.height) != (fw, fh):
            img = img.thumbnail_image(fw, height=fh, size="force", no_rotate=True)
    else:
        assert ctx.data is not None
        img = pyvips.Image.thumbnail_buffer(ctx.data, fw, height=fh, size="force", no_rotate=True)
    left, top = min(round(x * s), img.width - 1), min(round(y * s), img.height - 1)
    cw = max(1, min(round(w * s), img.width - left))
    ch = max(1, min(round(h * s), img.height - top))
    img = img.crop(left, top, cw, ch)
    if (cw, ch) != (rw, rh):
        img = img.thumbnail_image(rw, height=rh, size="force", no_rotate=True)
    ctx.image = img
