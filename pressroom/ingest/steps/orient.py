"""Turn the pixels upright from the recorded orientation (EXIF, PNG eXIf or XMP)."""

from __future__ import annotations

import pyvips

from ..context import IngestContext


def orient(ctx: IngestContext) -> None:
    assert ctx.image is not None and ctx.header is not None
    if ctx.header.orientation == 1 or ctx.oriented:
        return
    img = ctx.image.copy()
    img.set_type(pyvips.GValue.gint_type, "orientation", ctx.header.orientation)
    ctx.image = img.autorot()
