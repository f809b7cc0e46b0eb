"""The small upright sRGB picture that tagging and previews read instead of the master."""

from __future__ import annotations

from ..job import Job
from .colour import to_srgb


def shrink(job: Job) -> None:
    """Validation only: bring the pixels down to proxy size before colour work."""
    assert job.image is not None
    if max(job.image.width, job.image.height) > job.proxy_size:
        size = job.proxy_size
        job.image = job.image.thumbnail_image(size, height=size, size="down").copy_memory()


def proxy(job: Job) -> None:
    assert job.image is not None
    img = job.image
    if job.passthrough:
        img = to_srgb(img, None)  # grey JPEGs decode to one band
    if max(img.width, img.height) > job.proxy_size:
        img = img.thumbnail_image(job.proxy_size, height=job.proxy_size, size="down")
    job.proxy = img.copy_memory()  # computed once: the proxy JPEG and the tagger both read it
