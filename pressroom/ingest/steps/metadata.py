"""The facts we record about the source: what it is, when and where it was taken, on what."""

from __future__ import annotations

from .. import exif, icc
from ..job import Job


def metadata(job: Job) -> None:
    h = job.header
    assert h is not None
    width, height = h.upright_size
    job.meta.update(
        format=h.format,
        mime=job.mime,
        width=width,
        height=height,
        orientation=h.orientation,
        bytes=len(job.data),
        icc_profile=icc.description(h.icc),
        alpha=h.alpha,
        **exif.facts(h.extra.get("exif_parsed")),
    )
