"""Strict decode, once, at the smallest size that answers the question.

Validation needs only the proxy, so JPEG and WebP shrink on load. An ingest that must
re-encode the master decodes at full size, and the proxy is made from those same pixels.
"""

from __future__ import annotations

from .. import icc
from ..formats import jpeg
from ..job import Job


def can_pass_through(job: Job) -> bool:
    """An upright sRGB YCbCr/grey JPEG is already a master: keep its compressed stream."""
    h = job.header
    assert h is not None
    return job.reader is jpeg and h.orientation == 1 and not jpeg.is_cmyk(h) and icc.is_srgb(h.icc)


def decode_proxy(job: Job) -> None:
    """For validation: shrink-on-load wherever the format allows."""
    assert job.reader is not None and job.header is not None
    job.image = job.reader.decode(job.data, job.header, job.proxy_size)


def decode_master(job: Job) -> None:
    """For ingest: full resolution unless the master can pass through untouched."""
    assert job.reader is not None and job.header is not None
    job.passthrough = can_pass_through(job)
    target = job.proxy_size if job.passthrough else None
    job.image = job.reader.decode(job.data, job.header, target)
