"""What ingest and render share about pictures: libvips' process-wide setup, done once and on
purpose (not as an import side effect), the JPEG shrink-on-load factor, computed once, the
exact-size Lanczos resize that follows it, and the JPEG encoder of the pictures pressroom
stores (masters, proxies, renditions).

Dependency-free at import: pyvips loads when `setup()` is first called, TurboJPEG when
`encode_jpeg` is.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pyvips

# libjpeg's DCT scaling: a JPEG decodes at 1/1, 1/2, 1/4 or 1/8 of its size (sides rounded up)
# for a fraction of the work, while still reading every entropy-coded byte.
JPEG_SHRINKS = (1, 2, 4, 8)

_ready = False


def setup() -> None:
    """Set libvips up for this process; every later call is free.

    Only the loaders we call by name may run: libvips' untrusted ones (ImageMagick, PDF,
    SVG, ...) are blocked outright so no user file can ever reach them. No operation cache:
    each photo is read once, so caching operations would only hold memory."""
    global _ready
    if _ready:
        return
    import pyvips

    pyvips.block_untrusted_set(True)
    pyvips.cache_set_max(0)
    _ready = True


def jpeg_shrink(
    width: float, height: float, out_w: float, out_h: float, *, within: bool = False
) -> int:
    """The shrink-on-load factor (one of JPEG_SHRINKS) for a width x height picture.

    Default (cover): the largest factor that still leaves at least out_w x out_h pixels, so
    what follows only ever reduces. Counted without libjpeg's rounding up, so it also holds
    for a crop of the picture (fractional sizes).
    within: the smallest factor whose decode (sides rounded up, as libjpeg does) fits inside
    out_w x out_h, else the largest: the cheapest decode that shows the whole picture small.
    """
    if within:
        for s in JPEG_SHRINKS:
            if math.ceil(width / s) <= out_w and math.ceil(height / s) <= out_h:
                return s
        return JPEG_SHRINKS[-1]
    return max(s for s in JPEG_SHRINKS if s == 1 or (width / s >= out_w and height / s >= out_h))


def resize_exact(img: pyvips.Image, width: int, height: int, gap: float = 2.0) -> pyvips.Image:
    """Lanczos3 to exactly width x height (libvips' resize can miss a side by a pixel).
    `gap`: libvips' reducing gap, the box shrink it takes first while this many times the
    target remains; 0 takes none, for the exact Lanczos (see fit_within)."""
    if (img.width, img.height) == (width, height):
        return img
    img = img.resize(width / img.width, vscale=height / img.height, kernel="lanczos3", gap=gap)
    if (img.width, img.height) != (width, height):
        img = img.gravity("centre", width, height, extend="copy")
    return img


def fit_within(img: pyvips.Image, size: int) -> pyvips.Image:
    """Down to fit a size x size box (as thumbnail_image(size, height=size, size="down")), by
    the exact Lanczos3 with no box shrink first: for a 12-MP photo to 640 px that is both
    the sharper and the cheaper (benchmarks/bench_ingest.py: 16.0 against 25.5 ms with
    libvips 8.18; at 48 MP about even, 74 against 68 timed by hand)."""
    scale = size / max(img.width, img.height)
    if scale >= 1:
        return img
    width, height = max(1, round(img.width * scale)), max(1, round(img.height * scale))
    if img.hasalpha():  # as thumbnail does: no dark fringe from transparent pixels' colour
        out = resize_exact(img.premultiply(), width, height, gap=0.0).unpremultiply()
        return out.cast(img.format)
    return resize_exact(img, width, height, gap=0.0)


def encode_jpeg(
    img: pyvips.Image, quality: int, half_chroma: bool, pixels: np.ndarray | None = None
) -> bytes:
    """8-bit sRGB or grey pixels as a stripped baseline JPEG (standard Huffman tables), colour
    at half size (4:2:0) or full (4:4:4). By libjpeg-turbo's TurboJPEG API where it loads:
    decoded, the pixels of libvips' jpegsave at the same settings for ~4/5 of its CPU
    (benchmarks/bench_ingest.py: 12 MP at q92 4:2:0, 32.5 against 41.3 ms; a 504 px proxy
    at q90 4:4:4 ~1.0 against ~2.0 ms, timed by hand), as libvips hands every strip to a
    worker thread. `pixels`: the image's own packed array when the caller holds one."""
    from . import turbojpeg
    from .capabilities import fallback

    if img.format == "uchar" and img.bands in (1, 3):
        if turbojpeg.available():
            w, h, bands = img.width, img.height, img.bands
            held = pixels is not None and pixels.shape == (h, w, bands)
            packed = pixels if held else img.write_to_memory()
            return turbojpeg.encode(packed, w, h, bands, quality, "420" if half_chroma else "444")
        fallback("libturbojpeg")  # libvips below: the same pixels, more CPU
    jpeg: bytes = img.jpegsave_buffer(
        Q=quality, keep="none", subsample_mode="on" if half_chroma else "off"
    )
    return jpeg
