"""Encode with every metadata block stripped (no EXIF, XMP or ICC: untagged means sRGB).

JPEG and WebP go through Pillow from the finished pixels: the same libjpeg-turbo and libwebp
settings as libvips' savers (JPEG 4:2:0 below q90 and 4:4:4 from it, optimised Huffman
tables; WebP method = effort) for a third of the CPU on a thumbnail, as libvips' savers
hand every strip to a worker thread. AVIF and PNG stay with libvips.

Defaults favour on-demand speed: WebP effort 2 (Settings.webp_effort) and AVIF effort 0 cost
6 and 12 ms for a 400 px thumbnail here, against 14 and 450 ms at libvips' defaults, for 5%
and 3% more bytes.
"""

from __future__ import annotations

import io
from typing import Any

import pyvips

# The two savers by name: Image.save finds them registered and never calls Image.init(),
# which imports all of Pillow's ~60 plugin modules (35 ms of a worker's first render).
from PIL import Image, JpegImagePlugin, WebPImagePlugin  # noqa: F401

from ....config import Settings
from ....formats import FORMATS
from ..context import ThumbnailContext

DEFAULT_QUALITY = {name: f.quality for name, f in FORMATS.items()}

# libvips' savers (from the format table) for the formats Pillow does not encode here.
SAVE_OPTIONS: dict[str, dict[str, Any]] = {
    "avif": {"compression": "av1", "effort": 0},
    "png": {"compression": 6},
}
_MODES = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}  # 8-bit bands -> Pillow mode


def encode(ctx: ThumbnailContext) -> None:
    assert ctx.image is not None
    ctx.output = encode_image(ctx.image, ctx.format, ctx.opts.quality, ctx.webp_effort)


def encode_image(
    img: pyvips.Image, fmt: str, quality: int = 0, webp_effort: int = Settings.webp_effort
) -> bytes:
    """8-bit sRGB or grey pixels as `fmt`, stripped (quality 0: the format's default). Page
    previews use it too, so every picture the API serves is encoded alike."""
    q = quality or DEFAULT_QUALITY[fmt]
    if fmt in ("jpeg", "webp"):
        return _pillow(img, fmt, q, webp_effort)
    save = getattr(img, FORMATS[fmt].saver)
    data: bytes = save(keep="none", **({"Q": q} if fmt != "png" else {}), **SAVE_OPTIONS[fmt])
    return data


def _pillow(img: pyvips.Image, fmt: str, q: int, webp_effort: int) -> bytes:
    """The pixels (8-bit, as the colour step left them) encoded by Pillow."""
    mode = _MODES[img.bands]
    pic = Image.frombuffer(mode, (img.width, img.height), img.write_to_memory(), "raw", mode, 0, 1)
    out = io.BytesIO()
    if fmt == "jpeg":  # libvips' saver: 4:4:4 from q90; optimize = its optimize_coding
        full = FORMATS["jpeg"].full_chroma(q)
        pic.save(out, "JPEG", quality=q, optimize=True, subsampling=0 if full else 2)
    else:
        pic.save(out, "WEBP", quality=q, method=webp_effort)
    return out.getvalue()
