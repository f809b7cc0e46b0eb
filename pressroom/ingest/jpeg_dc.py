"""A JPEG's 1/8-scale decode from its DC coefficients alone, bit-exact with libjpeg-turbo.

At scale 1/8 libjpeg-turbo decodes each block to one pixel, its dequantised DC coefficient
(jpeg_idct_1x1), and replicates subsampled chroma (no fancy upsampling at that scale); YCbCr
becomes RGB by its 16-bit fixed-point tables, with which the SIMD paths are bit-exact. The
lossless rotation (jpegtran.transform) shows every block of the upright result on its way,
so an EXIF-rotated JPEG's ingest proxy costs no second pass over its entropy-coded data.

Not for 4:2:0: there libjpeg decodes chroma with its 2x2 IDCT (25 coefficients a block),
which numpy reproduces exactly but no cheaper than the strict 1/8 decode it would replace,
so `reproducible` leaves those (and Adobe RGB or CMYK streams) to the usual decode.
"""

from __future__ import annotations

import struct

import numpy as np

from .formats.jpeg import _SOF, _segments
from .image import Header

_RGB = 16  # jdcolor.c SCALEBITS


def reproducible(header: Header) -> bool:
    """True for grey and YCbCr JPEGs whose 1/8 decode is DC only (each chroma factor at
    most 2, not 2 both ways)."""
    sampling = header.extra.get("sampling") or []
    if len(sampling) not in (1, 3) or header.extra.get("adobe_transform") == 0:
        return False
    hmax, vmax = max(h for h, _ in sampling), max(v for _, v in sampling)
    ratios = [(hmax // h, vmax // v) for h, v in sampling if h and v]
    return len(ratios) == len(sampling) and all(
        hmax % h == 0 and vmax % v == 0 and r in ((1, 1), (2, 1), (1, 2))
        for (h, v), r in zip(sampling, ratios, strict=True)
    )


class Eighth:
    """A jpegtran.transform `blocks` callback keeping each block's DC coefficient."""

    def __init__(self) -> None:
        self.planes: dict[int, np.ndarray] = {}

    def __call__(self, ci: int, by: int, bh: int, bw: int, row: np.ndarray) -> None:
        p = self.planes.get(ci)
        if p is None:
            p = self.planes[ci] = np.empty((bh, bw), np.int16)
        p[by] = row[:, 0]

    def pixels(self, jpeg: bytes) -> np.ndarray | None:
        """The 1/8 decode (H/8 x W/8 rounded up; RGB, or grey for one component) of the
        transform's result `jpeg`; None when not reproducible exactly."""
        headers = _headers(jpeg)
        if headers is None:
            return None
        q0, comps, (width, height) = headers
        if len(comps) not in (1, 3) or len(self.planes) != len(comps):
            return None
        hmax, vmax = max(c[0] for c in comps), max(c[1] for c in comps)
        out_h, out_w = -(-height // 8), -(-width // 8)
        planes = []
        for ci, (h, v, table) in enumerate(comps):
            if hmax % h or vmax % v or (hmax // h, vmax // v) == (2, 2) or table not in q0:
                return None
            dc = self.planes[ci].astype(np.int32) * q0[table]
            s = _range_limit((dc + 4) >> 3)  # jpeg_idct_1x1
            s = s.repeat(vmax // v, 0).repeat(hmax // h, 1)[:out_h, :out_w]
            if s.shape != (out_h, out_w):
                return None
            planes.append(s)
        if len(planes) == 1:
            return planes[0].astype(np.uint8)
        y, cb, cr = planes[0], planes[1] - 128, planes[2] - 128
        half = 1 << (_RGB - 1)
        r = y + ((_fix(1.40200) * cr + half) >> _RGB)
        g = y + ((-_fix(0.34414) * cb - _fix(0.71414) * cr + half) >> _RGB)
        b = y + ((_fix(1.77200) * cb + half) >> _RGB)
        rgb: np.ndarray = np.clip(np.dstack((r, g, b)), 0, 255).astype(np.uint8)
        return rgb


def _range_limit(x: np.ndarray) -> np.ndarray:
    """libjpeg's post-IDCT range_limit[x & 1023]: clamp(x + 128) for x in [-512, 511], and
    its table's wrap-around beyond (so even a hostile stream decodes as libjpeg's)."""
    if x.size == 0 or (x.min() >= -512 and x.max() <= 511):
        near: np.ndarray = np.clip(x + 128, 0, 255)
        return near
    i = x & 1023
    wrapped: np.ndarray = np.where(
        i < 128, i + 128, np.where(i < 512, 255, np.where(i < 896, 0, i - 896))
    )
    return wrapped


def _fix(x: float) -> int:
    return int(x * (1 << _RGB) + 0.5)


Headers = tuple[dict[int, int], list[tuple[int, int, int]], tuple[int, int]]


def _headers(jpeg: bytes) -> Headers | None:
    """(DC quantiser per table, as the C short libjpeg keeps it; (h, v, table) per
    component; (width, height)), or None for a precision other than 8 bits."""
    q0: dict[int, int] = {}
    comps: list[tuple[int, int, int]] = []
    size = (0, 0)
    for marker, start, end in _segments(jpeg, scans=False):
        seg = jpeg[start:end]
        if marker == 0xDB:  # DQT: one or more tables, 8- or 16-bit entries
            i = 0
            while i < len(seg):
                wide, table = seg[i] >> 4, seg[i] & 15
                q = struct.unpack_from(">h", seg, i + 1)[0] if wide else seg[i + 1]
                q0[table] = q
                i += 1 + 64 * (2 if wide else 1)
        elif marker in _SOF:
            if seg[0] != 8:
                return None
            height, width = struct.unpack_from(">HH", seg, 1)
            size = (width, height)
            at = range(7, 7 + 3 * seg[5], 3)  # per component: id, sampling h|v, table
            comps = [(seg[i] >> 4, seg[i] & 15, seg[i + 1]) for i in at]
    return q0, comps, size
