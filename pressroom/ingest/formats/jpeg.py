"""JPEG (and MPO / gain-map JPEG, whose primary image is an ordinary JPEG).

Decoding uses libjpeg-turbo through simplejpeg with strict=True, so "Corrupt JPEG data"
warnings (which Pillow and libvips let pass) are errors. DCT scaling decodes at 1/2, 1/4
or 1/8 size but still reads every entropy-coded byte, so damage is found at any scale.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator

import pyvips
import simplejpeg

from ...imaging import jpeg_shrink
from .. import exif as exif_mod
from ..errors import Rejected, decode_failure
from ..image import Header, from_array

_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_STANDALONE = {0x01, *range(0xD0, 0xD8)}
_EOI, _SOS = 0xD9, 0xDA
# In entropy-coded data 0xFF is followed only by 0x00 (stuffing) or RSTn; anything else
# is the next marker.
_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
_XMP_SIG = b"http://ns.adobe.com/xap/1.0/\x00"

DECODE_COST = 1.0  # see formats/__init__.py


def _segments(data: bytes, scans: bool = True) -> Iterator[tuple[int, int, int]]:
    """(marker, start, end) of each segment of the primary image, SOI to EOI.

    For SOS, end covers the entropy-coded data that follows. Stops at the primary image's
    EOI, so MPO/gain-map secondaries after it are never visited. scans=False stops at the
    first SOS header instead, without looking for the end of its data (megabytes).
    """
    if data[:2] != b"\xff\xd8":
        raise Rejected("corrupt", "no JPEG start-of-image marker")
    pos, n = 2, len(data)
    while pos < n:
        if data[pos] != 0xFF:
            raise Rejected("corrupt", f"expected a marker at byte {pos}")
        while pos < n and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= n:
            break
        marker = data[pos]
        pos += 1
        if marker == _EOI:
            yield marker, pos, pos
            return
        if marker in _STANDALONE:
            continue
        if pos + 2 > n:
            break
        (length,) = struct.unpack_from(">H", data, pos)
        end = pos + length
        if length < 2 or end > n:
            raise Rejected("truncated", f"segment 0x{marker:02X} runs past the end of the file")
        if marker == _SOS:
            if not scans:
                yield marker, pos + 2, end
                return
            m = _NEXT_MARKER.search(data, end)
            end = m.start() if m else n
        yield marker, pos + 2, end
        pos = end
    raise Rejected("truncated", "no end-of-image marker")


def probe(data: bytes) -> Header:
    icc_chunks: dict[int, bytes] = {}
    exif = xmp = None
    sof: tuple[int, int, int] | None = None
    sampling: list[tuple[int, int]] = []
    adobe_transform: int | None = None
    mpo = False
    for marker, start, end in _segments(data, scans=False):
        seg = data[start:end]
        if marker == 0xE1 and seg.startswith(b"Exif\x00\x00") and exif is None:
            exif = seg
        elif marker == 0xE1 and seg.startswith(_XMP_SIG) and xmp is None:
            xmp = seg[len(_XMP_SIG) :]
        elif marker == 0xE2 and seg.startswith(b"ICC_PROFILE\x00") and len(seg) > 14:
            icc_chunks[seg[12]] = seg[14:]
        elif marker == 0xE2 and seg.startswith(b"MPF\x00"):
            mpo = True
        elif marker == 0xEE and seg.startswith(b"Adobe") and len(seg) >= 12:
            adobe_transform = seg[11]
        elif marker in _SOF and sof is None and len(seg) >= 6:
            _, height, width, comps = struct.unpack_from(">BHHB", seg)
            sof = (width, height, comps)
            at = range(7, min(len(seg), 6 + 3 * comps), 3)  # per component: id, h|v, table
            sampling = [(seg[i] >> 4, seg[i] & 15) for i in at]
        elif marker == _SOS:
            break  # everything we need precedes the first scan
    if sof is None:
        raise Rejected("corrupt", "no JPEG frame header")
    width, height, comps = sof
    if width == 0 or height == 0 or comps not in (1, 3, 4):
        raise Rejected("corrupt", f"impossible frame {width}x{height}x{comps}")
    parsed = exif_mod.load(exif)
    return Header(
        format="MPO" if mpo else "JPEG",
        width=width,
        height=height,
        orientation=exif_mod.orientation(parsed, xmp),
        icc=b"".join(icc_chunks[k] for k in sorted(icc_chunks)) or None,
        exif=exif,
        xmp=xmp,
        half_chroma=comps == 3 and sampling[:1] == [(2, 2)] and set(sampling[1:]) == {(1, 1)},
        extra={
            "components": comps,
            "sampling": sampling,  # (h, v) factors per component
            "adobe_transform": adobe_transform,
            "exif_parsed": parsed,
        },
    )


def is_cmyk(header: Header) -> bool:
    return header.extra.get("components") == 4


def decode(data: bytes, header: Header, target: int | None) -> pyvips.Image:
    # The cheapest decode that fits the target (a 12-MP proxy is its 1/8 decode, 504 px).
    s = jpeg_shrink(header.width, header.height, target, target, within=True) if target else 1
    w, h = -(-header.width // s), -(-header.height // s)
    try:
        if is_cmyk(header):
            # simplejpeg gives the strict verdict; libvips knows Adobe's inverted CMYK.
            simplejpeg.decode_jpeg(data, "CMYK", min_width=w, min_height=h, strict=True)
            img = pyvips.Image.jpegload_buffer(data, shrink=s, fail_on="error")
            return img.copy_memory()
        gray = header.extra.get("components") == 1
        arr = simplejpeg.decode_jpeg(
            data, "GRAY" if gray else "RGB", min_width=w, min_height=h, strict=True
        )
    except (ValueError, pyvips.Error) as exc:
        raise decode_failure(exc) from None
    return from_array(arr)


def strip(data: bytes) -> bytes:
    """The primary image's bytes without metadata: a lossless master for upright sRGB JPEGs.

    Keeps what decoding needs (tables, frame, scans) plus JFIF and Adobe APP14 (which says
    whether 3 components are YCbCr or RGB); drops EXIF, XMP, ICC, IPTC, comments, MPF and
    any images after the primary's end.
    """
    view = memoryview(data)  # segments joined from views: the scans (megabytes) copied once
    out: list[bytes | memoryview] = [b"\xff\xd8"]
    for marker, start, end in _segments(data):
        if marker == _EOI:
            out.append(b"\xff\xd9")
            break
        if 0xE0 <= marker <= 0xEF:
            keep = (marker == 0xE0 and data.startswith(b"JFIF\x00", start, end)) or (
                marker == 0xEE and data.startswith(b"Adobe", start, end)
            )
            if not keep:
                continue
        if marker == 0xFE:
            continue
        out += (bytes((0xFF, marker)), view[start - 2 : end])
    return b"".join(out)
