"""Turn the pixels upright from the recorded orientation (EXIF, PNG eXIf or XMP)."""

from __future__ import annotations

import pyvips

from ..job import Job


def orient(job: Job) -> None:
    assert job.image is not None and job.header is not None
    if job.header.orientation == 1:
        return
    img = job.image.copy()
    img.set_type(pyvips.GValue.gint_type, "orientation", job.header.orientation)
    job.image = img.autorot()
