"""Decode at the smallest size that gives the resize target, and resize to it.

`thumbnail_buffer` picks the JPEG DCT scale (1/2, 1/4, 1/8) from the target, so a 12 MP
master becomes a 400 px thumbnail from a ~500 px decode: never more pixels than needed.
Masters are upright with no orientation tag; `no_rotate` makes sure nothing turns them.
"""

from __future__ import annotations

import pyvips

from ..job import RenderJob


def load(job: RenderJob) -> None:
    rw, rh = job.resize
    if job.image is not None:
        img = job.image
        if (img.width, img.height) != (rw, rh):
            job.image = img.thumbnail_image(rw, height=rh, size="force", no_rotate=True)
        return
    assert job.data is not None
    job.image = pyvips.Image.thumbnail_buffer(
        job.data, rw, height=rh, size="force", no_rotate=True
    )
