"""Output is 8-bit sRGB (or grey), with alpha only where the format can keep it."""

from __future__ import annotations

from ..context import ThumbnailContext


def colour(ctx: ThumbnailContext) -> None:
    img = ctx.image
    assert img is not None
    if img.interpretation not in ("srgb", "b-w") or img.format != "uchar":
        img = img.colourspace("srgb").cast("uchar")
    if img.hasalpha() and ctx.format == "jpeg":
        img = img.flatten(background=list(ctx.opts.background))
    if img.bands < 3 and ctx.format == "avif":
        img = img.colourspace("srgb")  # AV1 4:2:0 wants colour; grey costs nothing extra
    ctx.image = img
