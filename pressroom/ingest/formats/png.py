"""PNG. Pillow checks the structure without inflating pixels (every chunk's CRC, IEND, text
chunks inflating past MAX_TEXT_CHUNK); libvips (libspng) decodes, 16-bit and ICC intact."""

from __future__ import annotations

import io
import struct
import warnings

import pyvips
from PIL import Image, PngImagePlugin, UnidentifiedImageError

from .. import exif as exif_mod
from ..errors import Rejected, decode_failure
from ..image import Header

DECODE_COST = 1.0  # see formats/__init__.py


def probe(data: bytes) -> Header:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            im = Image.open(io.BytesIO(data), formats=["PNG"])
            width, height = im.size
            animated = getattr(im, "is_animated", False)
            im.verify()  # CRCs of every chunk through IEND; pixels stay compressed
    except ValueError as exc:  # Pillow: "Decompressed data too large for ...MAX_TEXT_CHUNK"
        if "too large" in str(exc).lower():
            raise Rejected("decompression_bomb", str(exc)) from None
        raise decode_failure(exc) from None
    except Image.DecompressionBombError as exc:
        raise Rejected("too_many_pixels", str(exc)) from None
    except (OSError, SyntaxError, UnidentifiedImageError, EOFError) as exc:
        raise decode_failure(exc) from None
    except (IndexError, KeyError, TypeError, struct.error) as exc:
        # Pillow's parser trips on structure it never expected (fuzzing: a PNG whose IDAT
        # chunk is renamed has no image data, and verify() indexes an empty tile list).
        raise Rejected("corrupt", f"{type(exc).__name__}: {exc}") from None
    if animated:
        raise Rejected("unsupported_format", "animated PNG")
    try:
        img = pyvips.Image.pngload_buffer(data, fail_on="warning")
        fields = set(img.get_fields())
    except pyvips.Error as exc:
        raise decode_failure(exc) from None
    icc = img.get("icc-profile-data") if "icc-profile-data" in fields else None
    exif = img.get("exif-data") if "exif-data" in fields else None
    xmp = img.get("xmp-data") if "xmp-data" in fields else None
    parsed = exif_mod.load(exif)
    return Header(
        format="PNG",
        width=width,
        height=height,
        orientation=exif_mod.orientation(parsed, xmp),
        icc=icc,
        exif=exif,
        xmp=xmp,
        alpha=img.hasalpha(),
        extra={"vips": img, "exif_parsed": parsed},
    )


# Deflate cannot compress better than ~1032:1, so a PNG whose image data is smaller than its
# declared pixels / 1032 cannot hold them. Found by fuzzing (tests/regressions): 145 bytes
# declaring 80 MP made libvips allocate the whole image before finding the data missing.
_DEFLATE_MAX_RATIO = 1100
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # IHDR colour type -> samples per pixel


def _check_idat_size(data: bytes, width: int, height: int) -> None:
    depth, colour = data[24], data[25]
    row = 1 + -(-width * depth * _CHANNELS.get(colour, 4) // 8)  # filter byte + samples
    idat, pos = 0, 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack_from(">I", data, pos)
        if data[pos + 4 : pos + 8] == b"IDAT":
            idat += length
        pos += 12 + length
    if height * row > _DEFLATE_MAX_RATIO * max(idat, 1):
        raise Rejected("corrupt", f"{idat} bytes of image data cannot hold {width}x{height}")


def decode(data: bytes, header: Header, target: int | None) -> pyvips.Image:
    _check_idat_size(data, header.width, header.height)  # before libvips allocates the image
    try:
        return header.extra["vips"].copy_memory()
    except pyvips.Error as exc:
        raise decode_failure(exc) from None


# Pillow's default text-chunk limits are the guard we rely on; keep them explicit.
assert PngImagePlugin.MAX_TEXT_CHUNK <= 1024 * 1024
