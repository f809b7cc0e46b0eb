"""Work out the sizes before touching a pixel: the resize target and the final box.

    cover    scale to fill the box, then crop to it (exact box)
    contain  scale to fit inside the box (one side exact, no crop)
    inside   as contain, but never enlarge
    fill     as contain, then pad to the exact box
    force    stretch to the exact box (aspect ratio not kept)
`enlarge=False` caps the scale at 1 (a small source's cover is cut short, not enlarged);
with a `region` the sizes are planned for that rectangle of the source.
With one side given, every fit scales to that side and keeps the aspect ratio.
"""

from __future__ import annotations

import pyvips

from ...options import ThumbOptions
from ..context import RenderLimit, ThumbnailContext


def sizes(src_w: int, src_h: int, opts: ThumbOptions) -> tuple[tuple[int, int], tuple[int, int]]:
    """(resize, out) for a source of src_w x src_h upright pixels (the region's, if any)."""
    bw, bh = opts.box
    if opts.fit == "force":  # stretch; a free side keeps the source's
        sx, sy = (bw / src_w if bw else 1.0), (bh / src_h if bh else 1.0)
        if not opts.enlarge and max(sx, sy) > 1:  # shrink both until no side grows
            sx, sy = sx / max(sx, sy), sy / max(sx, sy)
        size = max(1, round(src_w * sx)), max(1, round(src_h * sy))
        return size, size
    if bw and bh:
        sx, sy = bw / src_w, bh / src_h
        scale = max(sx, sy) if opts.fit == "cover" else min(sx, sy)
    else:
        scale = bw / src_w if bw else bh / src_h
    capped = (opts.fit == "inside" or not opts.enlarge) and scale > 1.0
    if capped:
        scale = 1.0
    rw, rh = max(1, round(src_w * scale)), max(1, round(src_h * scale))
    if bw and bh and opts.fit == "cover":
        if not capped:
            rw, rh = max(rw, bw), max(rh, bh)  # rounding must never leave the box uncovered
            return (rw, rh), (bw, bh)
        ow, oh = min(bw, rw), min(bh, rh)  # a small source is cut, not enlarged
        if opts.crop_ratio and (ow, oh) != (bw, bh):
            r = min(rw / bw, rh / bh)
            ow, oh = max(1, round(bw * r)), max(1, round(bh * r))
        return (rw, rh), (ow, oh)
    if bw and bh and opts.fit == "fill":
        return (min(rw, bw), min(rh, bh)), (bw, bh)
    return (rw, rh), (rw, rh)


def plan(ctx: ThumbnailContext) -> None:
    if ctx.source_size is None:
        if ctx.image is not None:
            ctx.source_size = (ctx.image.width, ctx.image.height)
        else:
            assert ctx.data is not None
            head = pyvips.Image.new_from_buffer(ctx.data, "", access="sequential")
            ctx.source_size = (head.width, head.height)
    w, h = ctx.source_size
    if w * h > ctx.max_pixels:
        raise RenderLimit(f"source {w}x{h} is over the {ctx.max_pixels:,} pixel limit")
    region = ctx.opts.region
    if region is not None and (region[0] + region[2] > w or region[1] + region[3] > h):
        raise RenderLimit(f"region {region} is outside the {w}x{h} source")
    ctx.resize, ctx.out = sizes(*(region[2:] if region else (w, h)), ctx.opts)
    rw, rh = ctx.resize
    # cover of an extreme panorama into a tall box could ask for a gigantic intermediate.
    if rw * rh > ctx.max_pixels:
        raise RenderLimit(f"resizing {w}x{h} to {rw}x{rh} is over the pixel limit")
