"""The facts we record about the source: what it is, when and where it was taken, on what."""

from __future__ import annotations

from .. import exif, icc
from ..context import IngestContext


def metadata(ctx: IngestContext) -> None:
    h = ctx.header
    assert h is not None
    width, height = h.upright_size
    ctx.meta.update(
        format=h.format,
        mime=ctx.mime,
        width=width,
        height=height,
        orientation=h.orientation,
        bytes=len(ctx.data),
        icc_profile=icc.description(h.icc),
        alpha=h.alpha,
        **exif.facts(h.extra.get("exif_parsed")),
    )
