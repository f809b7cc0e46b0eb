"""Encode the master every later step reads: upright, sRGB, metadata stripped.

JPEG q>=92 (no chroma subsampling at that quality), PNG where transparency must survive.
An sRGB JPEG keeps its own compressed stream (upright, or its DCT blocks moved upright):
re-encoding it would only lose detail.
"""

from __future__ import annotations

from ..context import IngestContext
from ..formats import jpeg


def master(ctx: IngestContext) -> None:
    if ctx.passthrough:
        # A transformed stream carries no markers but the JFIF/Adobe one it needs.
        ctx.master = ctx.upright_jpeg or jpeg.strip(ctx.data)
        ctx.master_format = "jpeg"
        return
    img = ctx.image
    assert img is not None
    if img.hasalpha():
        ctx.master = img.pngsave_buffer(compression=6, keep="none")
        ctx.master_format = "png"
    else:
        # No optimize_coding: it would triple the encode time to save ~5% of the bytes.
        ctx.master = img.jpegsave_buffer(Q=ctx.master_quality, keep="none")
        ctx.master_format = "jpeg"
