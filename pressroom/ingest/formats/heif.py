"""HEIC/HEIF (HEVC, decoded by libheif through pillow-heif) and AVIF (AV1, through libvips).

libheif applies the irot/imir transforms itself, so the EXIF orientation inside these files
is never applied a second time. Before decoding we walk the container and require every
item's data to lie inside the file: libheif only notices a dangling item when that item is
decoded, and we decode just the primary image.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator

import numpy as np
import pillow_heif
import pyvips

from .. import exif as exif_mod
from ..errors import Rejected, decode_failure
from ..image import Header, from_array

# HEVC and AV1 cost far more per pixel than JPEG, PNG or WebP: normalising a 12-MP iPhone HEIC
# takes 0.7-1.8 s of CPU on this project's 2-core machine (libheif decodes on several threads,
# and the budget counts them all), a 12-MP PNG ~0.1 s. At the base rate (2 s per 16 MP) a
# 12-MP HEIC had under 2x headroom, and a slow host turned real photos into `timeout`s.
DECODE_COST = 4.0

_CONTAINERS = {b"meta": 4, b"iprp": 0, b"ipco": 0, b"dinf": 0}


def _boxes(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            if pos + 16 > end:
                raise Rejected("truncated", f"box {kind!r} header cut off")
            (size,) = struct.unpack_from(">Q", data, pos + 8)
            header = 16
        elif size == 0:
            size = end - pos
        if size < header:
            raise Rejected("corrupt", f"box {kind!r} has impossible size {size}")
        if pos + size > end:
            raise Rejected("truncated", f"box {kind!r} runs past the end of the file")
        yield kind, pos + header, pos + size
        pos += size


def _uint(data: bytes, pos: int, size: int) -> int:
    return int.from_bytes(data[pos : pos + size], "big") if size else 0


def _check_iloc(data: bytes, start: int, end: int) -> None:
    version = data[start]
    pos = start + 4
    offset_size, length_size = data[pos] >> 4, data[pos] & 15
    base_size, index_size = data[pos + 1] >> 4, data[pos + 1] & 15
    pos += 2
    count_size = 2 if version < 2 else 4
    count = _uint(data, pos, count_size)
    pos += count_size
    for _ in range(count):
        pos += count_size  # item_ID
        method = 0
        if version in (1, 2):
            method = _uint(data, pos, 2) & 15
            pos += 2
        pos += 2  # data_reference_index
        base = _uint(data, pos, base_size)
        pos += base_size
        extents = _uint(data, pos, 2)
        pos += 2
        for _ in range(extents):
            if version in (1, 2):
                pos += index_size
            offset = _uint(data, pos, offset_size)
            length = _uint(data, pos + offset_size, length_size)
            pos += offset_size + length_size
            if pos > end:
                raise Rejected("corrupt", "iloc box cut short")
            if method == 0 and base + offset + length > len(data):
                raise Rejected("truncated", "an item's data lies outside the file")


def check_container(data: bytes) -> bytes:
    """Walk top-level boxes and the item locations; return the major brand."""
    brand = b""
    for kind, start, end in _boxes(data, 0, len(data)):
        if kind == b"ftyp":
            brand = data[start : start + 4]
        elif kind == b"meta":
            for child, cstart, cend in _boxes(data, start + 4, end):
                if child == b"iloc":
                    _check_iloc(data, cstart, cend)
    if not brand:
        raise Rejected("corrupt", "no ftyp box")
    return brand


def probe(data: bytes) -> Header:
    try:
        brand = check_container(data)
    except (struct.error, IndexError) as exc:
        raise Rejected("corrupt", f"unreadable container: {exc}") from None
    if brand in (b"avif", b"avis"):
        return _probe_avif(data, brand)
    try:
        heif = pillow_heif.open_heif(io.BytesIO(data), convert_hdr_to_8bit=True)
        width, height = heif.size
        info = heif.info
    except (ValueError, RuntimeError, OSError, SyntaxError) as exc:
        raise decode_failure(exc) from None
    except IndexError:  # pillow-heif: a container with no decodable image (fuzzing)
        raise Rejected("corrupt", "no image in the HEIF container") from None
    exif = info.get("exif") or None
    return Header(
        format="HEIF",
        width=width,
        height=height,
        icc=info.get("icc_profile") or None,
        exif=exif,
        xmp=info.get("xmp") or None,
        alpha=heif.has_alpha,
        half_chroma=info.get("chroma") == 420,
        extra={"heif": heif, "exif_parsed": exif_mod.load(exif)},
    )


def _probe_avif(data: bytes, brand: bytes) -> Header:
    if brand == b"avis":
        raise Rejected("unsupported_format", "animated AVIF")
    try:
        img = pyvips.Image.heifload_buffer(data, fail_on="warning")
        fields = set(img.get_fields())
    except pyvips.Error as exc:
        raise decode_failure(exc) from None
    exif = img.get("exif-data") if "exif-data" in fields else None
    return Header(
        format="AVIF",
        width=img.width,
        height=img.height,
        icc=img.get("icc-profile-data") if "icc-profile-data" in fields else None,
        exif=exif,
        xmp=img.get("xmp-data") if "xmp-data" in fields else None,
        alpha=img.hasalpha(),
        extra={"vips": img, "exif_parsed": exif_mod.load(exif)},
    )


def decode(data: bytes, header: Header, target: int | None) -> pyvips.Image:
    try:
        if "vips" in header.extra:
            return header.extra["vips"].copy_memory()
        arr = np.asarray(header.extra["heif"])
    except (pyvips.Error, ValueError, RuntimeError, OSError) as exc:
        raise decode_failure(exc) from None
    header.extra["pixels"] = arr  # the colour step may convert these in place (fastcolour)
    return from_array(arr)
