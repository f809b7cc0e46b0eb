"""The small upright sRGB picture that tagging and previews read instead of the master."""

from __future__ import annotations

from ...imaging import fit_within
from ..context import IngestContext
from .colour import to_srgb


def shrink(ctx: IngestContext) -> None:
    """Validation only: bring the pixels down to proxy size before colour work."""
    assert ctx.image is not None
    if max(ctx.image.width, ctx.image.height) > ctx.proxy_size:
        size = ctx.proxy_size
        ctx.image = fit_within(ctx.image, size).copy_memory()


def proxy(ctx: IngestContext) -> None:
    assert ctx.image is not None
    img = ctx.image
    if ctx.passthrough:
        img = to_srgb(img, None)  # grey JPEGs decode to one band
    img = fit_within(img, ctx.proxy_size)
    ctx.proxy = img.copy_memory()  # computed once: the proxy JPEG and the tagger both read it
