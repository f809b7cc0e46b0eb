"""Thumbnails of arbitrary local files (`pressroom thumb`): the ingest steps judge the file
(same reasons as uploads), decode it once at the smallest scale that still covers the
output, turn it upright and into sRGB; then the thumbnail steps run on those pixels."""

from __future__ import annotations

from ...config import Limits
from ...imaging import jpeg_shrink
from ...ingest.context import IngestContext
from ...ingest.formats import jpeg
from ...ingest.pipeline import run as run_ingest
from ...ingest.steps.colour import colour
from ...ingest.steps.decode import decode_proxy
from ...ingest.steps.orient import orient
from ...ingest.steps.probe import probe
from ...ingest.steps.sniff import sniff
from ..options import ThumbOptions
from .pipeline import Rendered, render
from .steps.plan import sizes


def decode_target(ctx: IngestContext, needed: int) -> int:
    """The `target` to hand the reader so the decode is at least `needed` px long.

    JPEG readers pick the smallest DCT scale that fits within the target, so ask for the
    exact size of the largest scale that still covers `needed`.
    """
    assert ctx.header is not None
    long_side = max(ctx.header.width, ctx.header.height)
    if ctx.reader is not jpeg:
        return needed
    scale = jpeg_shrink(long_side, long_side, needed, needed)
    return -(-long_side // scale)


def render_file(
    data: bytes, opts: ThumbOptions, fmt: str, limits: Limits | None = None
) -> Rendered:
    """Raises ingest's Rejected (with its reason code) for files uploads would refuse."""
    ctx = IngestContext(data=data, limits=limits or Limits())
    run_ingest((sniff, probe), ctx)
    assert ctx.header is not None
    upright = ctx.header.upright_size
    (rw, rh), _ = sizes(*upright, opts)
    ctx.proxy_size = decode_target(ctx, max(rw, rh))
    run_ingest((decode_proxy, orient, colour), ctx)
    assert ctx.image is not None
    # Plan against the file's true upright size: a DCT-scaled decode rounds its sides up,
    # which would shift the aspect ratio by a pixel.
    return render(
        None, opts, fmt, image=ctx.image, source_size=upright, max_pixels=ctx.limits.max_pixels
    )
