"""Read the header and enforce the pixel limit before a single pixel is decoded."""

from __future__ import annotations

from .. import guard
from ..errors import Rejected
from ..job import Job


def probe(job: Job) -> None:
    assert job.reader is not None
    header = job.reader.probe(job.data)
    pixels = header.width * header.height
    if pixels > job.limits.max_pixels:
        raise Rejected(
            "too_many_pixels",
            f"{header.width}x{header.height} = {pixels / 1e6:.1f} MP "
            f"> {job.limits.max_pixels / 1e6:.0f} MP",
        )
    guard.declared(pixels)  # a big (allowed) image gets a time/memory budget in proportion
    job.header = header
