"""Decode at the smallest size that gives the resize target, and resize to it.

Our JPEGs (proxy, renditions, master) decode through simplejpeg at a JPEG DCT scale (1/2,
1/4, 1/8) chosen by libvips' own thumbnail rule, which leaves at least a factor of two for
the final Lanczos resize (a DCT shrink alone is a box filter: it would alias). The pixels
equal libvips' `thumbnail_buffer` for less than half its CPU. Anything else (PNG masters with
alpha) goes through `thumbnail_buffer`. Masters are upright with no orientation tag;
`no_rotate` makes sure nothing turns them.
"""

from __future__ import annotations

import pyvips

from ....imaging import jpeg_shrink, resize_exact
from ...jpeg import decode, is_jpeg, jpeg_size
from ..context import ThumbnailContext

SCRATCH_PIXELS = 2016 * 1512  # the bigger rendition of a 12-MP photo


def _load_whole(data: bytes, rw: int, rh: int) -> pyvips.Image:
    """An rw x rh picture of the whole source, decoded once at the scale that answers."""
    size = jpeg_size(data) if is_jpeg(data) else None
    if size is None:
        return pyvips.Image.thumbnail_buffer(data, rw, height=rh, size="force", no_rotate=True)
    # libvips' thumbnail rule: a DCT shrink only while twice its factor remains to the target
    shrink = jpeg_shrink(*size, 2 * rw, 2 * rh)
    # Decodes up to a rendition's size reuse this thread's buffer (the encode step reads the
    # pixels before this thread decodes again): no page faults for a fresh array per request,
    # and a server's memory stays flat. A master's decode gets its own array, freed after.
    pixels = -(-size[0] // shrink) * -(-size[1] // shrink)
    return resize_exact(decode(data, shrink, scratch=pixels <= SCRATCH_PIXELS), rw, rh)


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
    ctx.image = _load_whole(ctx.data, rw, rh)


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
