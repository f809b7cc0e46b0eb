"""Output is 8-bit sRGB (or grey), with alpha only where the format can keep it."""

from __future__ import annotations

from ..job import RenderJob


def colour(job: RenderJob) -> None:
    img = job.image
    assert img is not None
    if img.interpretation not in ("srgb", "b-w") or img.format != "uchar":
        img = img.colourspace("srgb").cast("uchar")
    if img.hasalpha() and job.format == "jpeg":
        img = img.flatten(background=list(job.opts.background))
    if img.bands < 3 and job.format == "avif":
        img = img.colourspace("srgb")  # AV1 4:2:0 wants colour; grey costs nothing extra
    job.image = img
