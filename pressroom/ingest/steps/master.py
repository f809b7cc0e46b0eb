"""Encode the master every later step reads: upright, sRGB, metadata stripped.

JPEG q>=92, PNG where transparency must survive. Colour at full resolution (4:4:4) unless
the source stored it at half resolution (4:2:0, every phone HEIC): upsampled, that colour has
little a 4:4:4 master would keep (pug.heic's master: 45.7 dB PSNR against its sRGB pixels,
45.8 at 4:4:4), for 10% fewer bytes and a third less encoding (43 against 64 ms for 12 MP,
timed by hand).
JPEG masters are encoded by libjpeg-turbo's TurboJPEG API (turbojpeg.encode): decoded, the
pixels libvips' jpegsave gives, for 32.5 against 41.3 ms at 12 MP 4:2:0 (bench_ingest), read
from the colour step's own array where it made one (ctx.pixels).
An sRGB JPEG keeps its own compressed stream (upright, or its DCT blocks moved upright):
re-encoding it would only lose detail.
"""

from __future__ import annotations

from ... import turbojpeg
from ...capabilities import fallback
from ..context import IngestContext
from ..formats import jpeg


def master(ctx: IngestContext) -> None:
    if ctx.passthrough:
        # A transformed stream carries no markers but the JFIF/Adobe one it needs.
        ctx.master = ctx.upright_jpeg or jpeg.strip(ctx.data)
        ctx.master_format = "jpeg"
        return
    img = ctx.image
    assert img is not None
    if img.hasalpha():
        ctx.master = img.pngsave_buffer(compression=6, keep="none")
        ctx.master_format = "png"
    else:
        # No optimize_coding: it would triple the encode time to save ~5% of the bytes.
        # Chroma as libvips' "auto" would have it, unless the source had it at half.
        half = (ctx.header is not None and ctx.header.half_chroma) or ctx.master_quality < 90
        by_turbojpeg = img.format == "uchar" and img.bands in (1, 3)
        if by_turbojpeg and not turbojpeg.available():
            fallback("libturbojpeg")  # libvips below: the same pixels, more CPU
            by_turbojpeg = False
        if by_turbojpeg:
            w, h, bands = img.width, img.height, img.bands
            pixels = ctx.pixels
            if pixels is None or pixels.shape != (h, w, bands):  # no array behind the image
                pixels = img.write_to_memory()
            chroma = "420" if half else "444"
            ctx.master = turbojpeg.encode(pixels, w, h, bands, ctx.master_quality, chroma)
        else:  # the same bytes' pixels, by libvips
            ctx.master = img.jpegsave_buffer(
                Q=ctx.master_quality, keep="none", subsample_mode="on" if half else "off"
            )
        ctx.master_format = "jpeg"
