"""A JPEG's 1/8-scale decode from its coefficients, bit-exact with libjpeg-turbo.

At scale 1/8 libjpeg-turbo decodes each block to one pixel, its dequantised DC coefficient
(jpeg_idct_1x1), and replicates chroma subsampled one way (no fancy upsampling at that
scale); chroma subsampled both ways (4:2:0, as phones write) it decodes at 2x2 a block
instead (jpeg_idct_2x2: 25 of the 64 coefficients), so it needs no upsampling. YCbCr becomes
RGB by its 16-bit fixed-point tables. libjpeg-turbo's SIMD paths give the same bits wherever
the dequantised coefficients fit in 16 bits, as every encoder's do; beyond (a hostile
table), its SIMD IDCT wraps and its C IDCT does not, and this module follows C. The lossless
rotation (jpegtran.transform) shows every block of the upright result on its way, so an
EXIF-rotated JPEG's ingest proxy costs no second pass over its entropy-coded data.

Adobe RGB and CMYK streams, and other subsamplings, are left to the usual decode
(`reproducible`).
"""

from __future__ import annotations

import struct

import numpy as np

from .formats.jpeg import _SOF, _segments
from .image import Header

_RGB = 16  # jdcolor.c SCALEBITS


def reproducible(header: Header) -> bool:
    """True for grey and YCbCr JPEGs whose 1/8 decode jpeg_dc reproduces (each sampling
    factor 1 or 2 of the largest; 2 both ways for chroma only)."""
    sampling = header.extra.get("sampling") or []
    if len(sampling) not in (1, 3) or header.extra.get("adobe_transform") == 0:
        return False
    hmax, vmax = max(h for h, _ in sampling), max(v for _, v in sampling)
    ratios = [(hmax // h, vmax // v) for h, v in sampling if h and v]
    # (2, 2) takes the 2x2 IDCT, whose coefficients Eighth keeps for chroma only.
    return len(ratios) == len(sampling) and all(
        hmax % h == 0 and vmax % v == 0 and (r in _REPLICATED or (i > 0 and r == (2, 2)))
        for i, ((h, v), r) in enumerate(zip(sampling, ratios, strict=True))
    )


_REPLICATED = {(1, 1), (2, 1), (1, 2)}  # sampling ratios decoded DC only, then repeated


# Natural-order indexes of the coefficients jpeg_idct_2x2 reads: rows and columns 0, 1, 3, 5, 7.
_IDCT2 = np.array([r * 8 + c for r in (0, 1, 3, 5, 7) for c in (0, 1, 3, 5, 7)])
# The JPEG zigzag: _ZIGZAG[k] is the natural index of the k-th stored quantiser.
_ZIGZAG = np.array([
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34,
    27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37,
    44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
])  # fmt: skip


class Eighth:
    """A jpegtran.transform `blocks` callback keeping what the 1/8 decode reads: each
    block's DC coefficient, and for chroma the 25 that jpeg_idct_2x2 reads."""

    def __init__(self) -> None:
        self.planes: dict[int, np.ndarray] = {}

    def __call__(self, ci: int, by: int, bh: int, bw: int, row: np.ndarray) -> None:
        p = self.planes.get(ci)
        if p is None:
            p = self.planes[ci] = np.empty((bh, bw) if ci == 0 else (25, bh, bw), np.int16)
        if ci == 0:
            p[by] = row[:, 0]
        else:  # term-major, so the IDCT works on contiguous runs of blocks
            p[:, by] = row[:, _IDCT2].T

    def pixels(self, jpeg: bytes) -> np.ndarray | None:
        """The 1/8 decode (H/8 x W/8 rounded up; RGB, or grey for one component) of the
        transform's result `jpeg`; None when not reproducible exactly."""
        headers = _headers(jpeg)
        if headers is None:
            return None
        quant, comps, (width, height) = headers
        if len(comps) not in (1, 3) or len(self.planes) != len(comps):
            return None
        hmax, vmax = max(c[0] for c in comps), max(c[1] for c in comps)
        out_h, out_w = -(-height // 8), -(-width // 8)
        planes = []
        for ci, (h, v, table) in enumerate(comps):
            if hmax % h or vmax % v or table not in quant:
                return None
            coeffs, q = self.planes[ci], quant[table]
            if (hmax // h, vmax // v) == (2, 2):
                if coeffs.ndim != 3:
                    return None  # luma at half both ways: not kept (reproducible() says no)
                s = _idct_2x2(coeffs, q[_IDCT2])
            else:
                dc = (coeffs if coeffs.ndim == 2 else coeffs[0]).astype(np.int32) * q[0]
                s = _range_limit((dc + 4) >> 3)  # jpeg_idct_1x1
                s = s.repeat(vmax // v, 0).repeat(hmax // h, 1)
            s = s[:out_h, :out_w]
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


def _idct_2x2(coeffs: np.ndarray, q: np.ndarray) -> np.ndarray:
    """jidctred.c's jpeg_idct_2x2 over every block: (25, bh, bw) coefficients (rows and
    columns 0, 1, 3, 5, 7) to a (2 bh, 2 bw) plane. Its shortcuts for zero AC terms give
    the same values as the full sums, so the sums are taken everywhere. C's sums are 64-bit;
    int32 holds them exactly while the terms stay under 2^13, as a real encoder's do."""
    bh, bw = coeffs.shape[1:]
    # [row, column, block], dequantised as C's int products
    x = _exact(coeffs.reshape(5, 5, -1) * q.reshape(5, 5, 1).astype(np.int32))
    # Pass 1 (columns), kept as C's int: two rows of five terms each.
    even, odd = x[0] << 15, _odd(x[1], x[2], x[3], x[4])
    ws = np.stack(((even + odd + 4096) >> 13, (even - odd + 4096) >> 13))
    ws = _exact(ws.astype(np.int32))
    # Pass 2 (rows): two columns each.
    even, odd = ws[:, 0] << 15, _odd(ws[:, 1], ws[:, 2], ws[:, 3], ws[:, 4])
    out = np.stack(((even + odd + (1 << 19)) >> 20, (even - odd + (1 << 19)) >> 20), 1)
    # [row, column, block] -> (2 bh, 2 bw)
    plane: np.ndarray = _range_limit(out).reshape(2, 2, bh, bw).transpose(2, 0, 3, 1)
    return plane.reshape(2 * bh, 2 * bw)


def _exact(terms: np.ndarray) -> np.ndarray:
    """int32 terms as they are while a pass's sums fit in 31 bits, else widened."""
    if terms.size and (terms.min() <= -(1 << 13) or terms.max() >= 1 << 13):
        return terms.astype(np.int64)
    return terms


def _odd(t1: np.ndarray, t3: np.ndarray, t5: np.ndarray, t7: np.ndarray) -> np.ndarray:
    """jidctred.c's odd part for the 2x2 output (CONST_BITS 13)."""
    odd: np.ndarray = t1 * 29692 - t3 * 10426 + t5 * 6967 - t7 * 5906
    return odd


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


Headers = tuple[dict[int, np.ndarray], list[tuple[int, int, int]], tuple[int, int]]


def _headers(jpeg: bytes) -> Headers | None:
    """(the quantisers of each table in natural order, as the C shorts libjpeg keeps;
    (h, v, table) per component; (width, height)), or None for a precision other than
    8 bits."""
    quant: dict[int, np.ndarray] = {}
    comps: list[tuple[int, int, int]] = []
    size = (0, 0)
    for marker, start, end in _segments(jpeg, scans=False):
        seg = jpeg[start:end]
        if marker == 0xDB:  # DQT: one or more tables, 8- or 16-bit entries
            i = 0
            while i < len(seg):
                wide, table = seg[i] >> 4, seg[i] & 15
                if len(seg) < i + 1 + 64 * (2 if wide else 1):
                    return None
                raw = np.frombuffer(seg, ">i2" if wide else np.uint8, 64, i + 1)
                natural = np.empty(64, np.int64)
                natural[_ZIGZAG] = raw.astype(np.int16)  # libjpeg's table of C shorts
                quant[table] = natural
                i += 1 + 64 * (2 if wide else 1)
        elif marker in _SOF:
            if seg[0] != 8:
                return None
            height, width = struct.unpack_from(">HH", seg, 1)
            size = (width, height)
            at = range(7, 7 + 3 * seg[5], 3)  # per component: id, sampling h|v, table
            comps = [(seg[i] >> 4, seg[i] & 15, seg[i + 1]) for i in at]
    return quant, comps, size
