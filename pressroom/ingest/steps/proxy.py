"""The small upright sRGB picture that tagging and previews read instead of the master."""

from __future__ import annotations

from ..context import IngestContext
from .colour import to_srgb


def shrink(ctx: IngestContext) -> None:
    """Validation only: bring the pixels down to proxy size before colour work."""
    assert ctx.image is not None
    if max(ctx.image.width, ctx.image.height) > ctx.proxy_size:
        size = ctx.proxy_size
        ctx.image = ctx.image.thumbnail_image(size, height=size, size="down").copy_memory()


def proxy(ctx: IngestContext) -> None:
    assert ctx.image is not None
    img = ctx.image
    if ctx.passthrough:
        img = to_srgb(img, None)  # grey JPEGs decode to one band
    if max(img.width, img.height) > ctx.proxy_size:
        img = img.thumbnail_image(ctx.proxy_size, height=ctx.proxy_size, size="down")
    ctx.proxy = img.copy_memory()  # computed once: the proxy JPEG and the tagger both read it
