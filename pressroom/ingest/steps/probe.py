"""Read the header and enforce the pixel limit before a single pixel is decoded."""

from __future__ import annotations

from ..context import IngestContext
from ..errors import Rejected


def probe(ctx: IngestContext) -> None:
    assert ctx.reader is not None
    header = ctx.reader.probe(ctx.data)
    pixels = header.width * header.height
    if pixels > ctx.limits.max_pixels:
        size = f"{header.width}x{header.height}"
        mp, limit = f"{pixels / 1e6:.1f} MP", f"{ctx.limits.max_pixels / 1e6:g} MP"
        raise Rejected(
            "too_many_pixels",
            f"{size} = {mp} > {limit}",
            # The numbers are the caller's own file's: the CLI, JSON and API say them too.
            message=f"The image has too many pixels: {size} is {mp}, over the {limit} limit.",
        )
    # A big (allowed) image, or a costly format, gets a time/memory budget in proportion.
    ctx.budget.declared(pixels, ctx.reader.DECODE_COST)
    ctx.header = header
