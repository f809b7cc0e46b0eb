"""Still WebP. libvips (libwebp) decodes strictly and can shrink on load."""

from __future__ import annotations

import pyvips

from .. import exif as exif_mod
from ..errors import Rejected, decode_failure
from ..image import Header

DECODE_COST = 1.0  # see formats/__init__.py


def probe(data: bytes) -> Header:
    try:
        img = pyvips.Image.webpload_buffer(data, fail_on="warning")
        fields = set(img.get_fields())
    except pyvips.Error as exc:
        raise decode_failure(exc) from None
    if "n-pages" in fields and img.get("n-pages") > 1:
        raise Rejected("unsupported_format", "animated WebP")
    exif = img.get("exif-data") if "exif-data" in fields else None
    xmp = img.get("xmp-data") if "xmp-data" in fields else None
    parsed = exif_mod.load(exif)
    return Header(
        format="WEBP",
        width=img.width,
        height=img.height,
        orientation=exif_mod.orientation(parsed, xmp),
        icc=img.get("icc-profile-data") if "icc-profile-data" in fields else None,
        exif=exif,
        xmp=xmp,
        alpha=img.hasalpha(),
        extra={"exif_parsed": parsed},
    )


def decode(data: bytes, header: Header, target: int | None) -> pyvips.Image:
    scale = 1.0
    if target and max(header.width, header.height) > target:
        scale = target / max(header.width, header.height)
    try:
        return pyvips.Image.webpload_buffer(data, scale=scale, fail_on="warning").copy_memory()
    except pyvips.Error as exc:
        raise decode_failure(exc) from None
