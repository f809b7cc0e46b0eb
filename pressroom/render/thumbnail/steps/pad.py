"""`fill`: centre the fitted image on the exact box, padded with the background colour
(transparent where the image has alpha)."""

from __future__ import annotations

from ..context import ThumbnailContext


def pad(ctx: ThumbnailContext) -> None:
    img = ctx.image
    assert img is not None
    ow, oh = ctx.out
    if ctx.opts.fit != "fill" or (img.width, img.height) == (ow, oh):
        return
    if img.bands < 3:  # grey: pad in colour, the background may not be grey
        img = img.colourspace("srgb")
    background = [*ctx.opts.background, 0] if img.hasalpha() else list(ctx.opts.background)
    left, top = (ow - img.width) // 2, (oh - img.height) // 2
    ctx.image = img.embed(left, top, ow, oh, extend="background", background=background)
