"""Encode the master every later step reads: upright, sRGB, metadata stripped.

JPEG q>=92 (no chroma subsampling at that quality), PNG where transparency must survive.
An upright sRGB JPEG keeps its own compressed stream: re-encoding it would only lose detail.
"""

from __future__ import annotations

from ..formats import jpeg
from ..job import Job


def master(job: Job) -> None:
    if job.passthrough:
        job.master = jpeg.strip(job.data)
        job.master_format = "jpeg"
        return
    img = job.image
    assert img is not None
    if img.hasalpha():
        job.master = img.pngsave_buffer(compression=6, keep="none")
        job.master_format = "png"
    else:
        # No optimize_coding: it would triple the encode time to save ~5% of the bytes.
        job.master = img.jpegsave_buffer(Q=job.master_quality, keep="none")
        job.master_format = "jpeg"
