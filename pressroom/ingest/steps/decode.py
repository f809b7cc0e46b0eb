"""Strict decode, once, at the smallest size that answers the question.

Validation needs only the proxy, so JPEG and WebP shrink on load. An ingest that must
re-encode the master decodes at full size, and the proxy is made from those same pixels.
An sRGB JPEG never needs re-encoding: upright, its stream is the master; EXIF-rotated, its
DCT blocks are moved upright losslessly (jpegtran.transform), and only where no perfect
transform exists (a partial edge MCU would have to move) is it decoded and re-encoded.
"""

from __future__ import annotations

from ... import jpegtran
from ...capabilities import fallback
from ...imaging import jpeg_shrink
from .. import icc, jpeg_dc
from ..context import IngestContext
from ..formats import jpeg
from ..image import from_array


def can_pass_through(ctx: IngestContext) -> bool:
    """An upright sRGB YCbCr/grey JPEG is already a master: keep its compressed stream."""
    h = ctx.header
    assert h is not None
    return ctx.reader is jpeg and h.orientation == 1 and not jpeg.is_cmyk(h) and icc.is_srgb(h.icc)


def can_transform(ctx: IngestContext) -> bool:
    """An EXIF-rotated sRGB YCbCr/grey JPEG, and libturbojpeg to move its blocks."""
    h = ctx.header
    assert h is not None
    if ctx.reader is not jpeg or h.orientation == 1 or jpeg.is_cmyk(h) or not icc.is_srgb(h.icc):
        return False
    if not jpegtran.available():
        fallback("libturbojpeg")  # the re-encode that follows is lossy: say so, once
        return False
    return True


def decode_proxy(ctx: IngestContext) -> None:
    """For validation: shrink-on-load wherever the format allows."""
    assert ctx.reader is not None and ctx.header is not None
    ctx.image = ctx.reader.decode(ctx.data, ctx.header, ctx.proxy_size)


def decode_master(ctx: IngestContext) -> None:
    """For ingest: full resolution unless the master can keep the JPEG's own coefficients;
    then only the proxy is decoded."""
    assert ctx.reader is not None and ctx.header is not None
    if can_pass_through(ctx):
        ctx.passthrough = True
        decode_proxy(ctx)
        return
    if can_transform(ctx):
        transform(ctx)
        if ctx.upright_jpeg is not None:
            ctx.passthrough = True
            return
    ctx.image = ctx.reader.decode(ctx.data, ctx.header, None)


def transform(ctx: IngestContext) -> None:
    """The lossless rotation, and the proxy with it: where the proxy is the 1/8 decode (a
    12-MP photo's) and jpeg_dc reproduces it, its pixels come from the upright blocks'
    coefficients, read as the transform moves them: the data is decoded once, not twice."""
    h = ctx.header
    assert h is not None
    size = ctx.proxy_size
    eighth = jpeg_shrink(h.width, h.height, size, size, within=True) == 8
    if eighth and not jpeg_dc.Eighth.available():
        fallback("C kernel _blocks")
        eighth = False
    if not (eighth and jpeg_dc.reproducible(h)):
        decode_proxy(ctx)  # the strict decode first: damaged data gets its usual reason
        ctx.upright_jpeg = jpegtran.transform(ctx.data, h.orientation)
        return
    kept = jpeg_dc.Eighth(ctx.data, h.orientation)
    try:
        ctx.upright_jpeg = jpegtran.transform(ctx.data, h.orientation, kept.filter)
    except jpegtran.TransformError:
        decode_proxy(ctx)  # damaged data gets the strict decoder's usual reason
        raise
    if ctx.upright_jpeg is None:
        return  # no perfect transform: the caller decodes in full
    pixels = kept.pixels(ctx.upright_jpeg)
    if pixels is None:
        decode_proxy(ctx)  # not expected after reproducible(): decoded, turned by orient
    else:
        ctx.image, ctx.oriented = from_array(pixels), True
