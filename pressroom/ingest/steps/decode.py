"""Strict decode, once, at the smallest size that answers the question.

Validation needs only the proxy, so JPEG and WebP shrink on load. An ingest that must
re-encode the master decodes at full size, and the proxy is made from those same pixels.
"""

from __future__ import annotations

from .. import icc
from ..context import IngestContext
from ..formats import jpeg


def can_pass_through(ctx: IngestContext) -> bool:
    """An upright sRGB YCbCr/grey JPEG is already a master: keep its compressed stream."""
    h = ctx.header
    assert h is not None
    return ctx.reader is jpeg and h.orientation == 1 and not jpeg.is_cmyk(h) and icc.is_srgb(h.icc)


def decode_proxy(ctx: IngestContext) -> None:
    """For validation: shrink-on-load wherever the format allows."""
    assert ctx.reader is not None and ctx.header is not None
    ctx.image = ctx.reader.decode(ctx.data, ctx.header, ctx.proxy_size)


def decode_master(ctx: IngestContext) -> None:
    """For ingest: full resolution unless the master can pass through untouched."""
    assert ctx.reader is not None and ctx.header is not None
    ctx.passthrough = can_pass_through(ctx)
    target = ctx.proxy_size if ctx.passthrough else None
    ctx.image = ctx.reader.decode(ctx.data, ctx.header, target)
