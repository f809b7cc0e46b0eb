"""Read the header and enforce the pixel limit before a single pixel is decoded."""

from __future__ import annotations

from ..context import IngestContext
from ..errors import Rejected


def probe(ctx: IngestContext) -> None:
    assert ctx.reader is not None
    header = ctx.reader.probe(ctx.data)
    pixels = header.width * header.height
    if pixels > ctx.limits.max_pixels:
        raise Rejected(
            "too_many_pixels",
            f"{header.width}x{header.height} = {pixels / 1e6:.1f} MP "
            f"> {ctx.limits.max_pixels / 1e6:.0f} MP",
        )
    ctx.budget.declared(pixels)  # a big (allowed) image gets a time/memory budget in proportion
    ctx.header = header
