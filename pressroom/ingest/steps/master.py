"""Encode the master every later step reads: upright, sRGB, metadata stripped.

JPEG q>=92, PNG where transparency must survive. Colour at full resolution (4:4:4) unless
the source stored it at half resolution (4:2:0, every phone HEIC): upsampled, that colour has
little a 4:4:4 master would keep (pug.heic's master: 45.7 dB PSNR against its sRGB pixels,
45.8 at 4:4:4), for 10% fewer bytes and a third less encoding (43 against 64 ms for 12 MP,
timed by hand).
JPEG masters are encoded by libjpeg-turbo's TurboJPEG API (imaging.encode_jpeg): decoded, the
pixels libvips' jpegsave gives, for 32.5 against 41.3 ms at 12 MP 4:2:0 (bench_ingest), read
from the colour step's own array where it made one (ctx.pixels).
An sRGB JPEG keeps its own compressed stream (upright, or its DCT blocks moved upright):
re-encoding it would only lose detail.
"""

from __future__ import annotations

from ...imaging import encode_jpeg
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
        ctx.master = encode_jpeg(img, ctx.master_quality, half, ctx.pixels)
        ctx.master_format = "jpeg"
