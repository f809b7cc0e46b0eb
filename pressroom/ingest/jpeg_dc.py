"""A JPEG's 1/8-scale decode from its coefficients, bit-exact with libjpeg-turbo.

At scale 1/8 libjpeg-turbo decodes each block to one pixel, its dequantised DC coefficient
(jpeg_idct_1x1), and replicates chroma subsampled one way (no fancy upsampling at that
scale); chroma subsampled both ways (4:2:0, as phones write) it decodes at 2x2 a block
instead (jpeg_idct_2x2: 25 of the 64 coefficients), so it needs no upsampling. YCbCr becomes
RGB by its 16-bit fixed-point tables. libjpeg-turbo's SIMD paths give the same bits wherever
the dequantised coefficients fit in 16 bits, as every encoder's do; beyond (a hostile
table), its SIMD IDCT wraps and its C IDCT does not, and this module follows C (`_blocks.c`
is libjpeg's C code for both IDCTs). The lossless rotation (jpegtran.transform) hands every
row of the upright result's blocks to that filter on its way, so an EXIF-rotated JPEG's
ingest proxy costs no second pass over its entropy-coded data.

Adobe RGB and CMYK streams, and other subsamplings, are left to the usual decode
(`reproducible`).
"""

from __future__ import annotations

import ctypes
import importlib
import struct
from types import ModuleType

import numpy as np

from .. import jpegtran
from .formats.jpeg import _SOF, _segments
from .image import Header

_blocks: ModuleType | None
try:
    _blocks = importlib.import_module(f"{__package__}._blocks")  # built with the package
except ImportError:  # no C compiler at install: the transform is followed by a 1/8 decode
    _blocks = None

_RGB = 16  # jdcolor.c SCALEBITS


def reproducible(header: Header) -> bool:
    """True for grey and YCbCr JPEGs whose 1/8 decode jpeg_dc reproduces (each sampling
    factor 1 or 2 of the largest; 2 both ways for chroma only)."""
    sampling = header.extra.get("sampling") or []
    if len(sampling) not in (1, 3) or header.extra.get("adobe_transform") == 0:
        return False
    hmax, vmax = max(h for h, _ in sampling), max(v for _, v in sampling)
    ratios = [(hmax // h, vmax // v) for h, v in sampling if h and v]
    # (2, 2) takes the 2x2 IDCT, which Eighth runs for chroma only.
    return len(ratios) == len(sampling) and all(
        hmax % h == 0 and vmax % v == 0 and (r in _REPLICATED or (i > 0 and r == (2, 2)))
        for i, ((h, v), r) in enumerate(zip(sampling, ratios, strict=True))
    )


_REPLICATED = {(1, 1), (2, 1), (1, 2)}  # sampling ratios decoded DC only, then repeated


# The JPEG zigzag: _ZIGZAG[k] is the natural index of the k-th stored quantiser.
_ZIGZAG = np.array([
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34,
    27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37,
    44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
])  # fmt: skip


class _Kept(ctypes.Structure):
    """_blocks.c's Kept: what its filter needs per component, and where it writes."""

    _fields_ = [
        ("out", ctypes.c_void_p * 4),
        ("cap", ctypes.c_int64 * 4),
        ("quant", (ctypes.c_int16 * 64) * 4),
        ("scale", ctypes.c_int32 * 4),
        ("bh", ctypes.c_int32 * 4),
        ("bw", ctypes.c_int32 * 4),
    ]


class Eighth:
    """The 1/8 decode of a JPEG's lossless transform, made by a C filter (`_blocks.c`) as
    jpegtran.transform writes each row of the result's blocks: one pixel a block from its
    DC coefficient, 2x2 for chroma subsampled both ways. Set up from the source `jpeg` and
    its EXIF `orientation`: the transform keeps its components and quantisers, transposed
    with the blocks where the orientation is (5-8)."""

    def __init__(self, jpeg: bytes, orientation: int) -> None:
        self._kept = _Kept()
        self._out: list[np.ndarray] = []
        headers = _headers(jpeg)
        if headers is None or len(headers[1]) not in (1, 3):
            return  # nothing kept: pixels() declines
        quant, comps, (width, height) = headers
        hmax, vmax = max(c[0] for c in comps), max(c[1] for c in comps)
        # Luma's block count: no component has more blocks, and a 2x2 chroma plane, rounded
        # up at its edges, fewer than 4x that many samples.
        blocks = -(-width // 8) * -(-height // 8)
        for ci, (h, v, table) in enumerate(comps):
            if table not in quant or not h or not v:
                return
            scale = 2 if ci and (hmax / h, vmax / v) == (2, 2) else 1
            out = np.empty(blocks * scale * scale, np.uint8)
            self._out.append(out)
            k = self._kept
            k.out[ci], k.cap[ci], k.scale[ci] = out.ctypes.data, out.size, scale
            q = quant[table].reshape(8, 8)
            q = q.T if orientation in (5, 6, 7, 8) else q
            ctypes.memmove(k.quant[ci], q.tobytes(), 128)

    @staticmethod
    def available() -> bool:
        """False where the package was installed without its C filter (no compiler)."""
        return _blocks is not None

    @property
    def filter(self) -> jpegtran.Filter:
        assert _blocks is not None
        return jpegtran.Filter(_blocks.KEEP, ctypes.addressof(self._kept))

    def pixels(self, jpeg: bytes) -> np.ndarray | None:
        """The 1/8 decode (H/8 x W/8 rounded up; RGB, or grey for one component) of the
        transform's result `jpeg`; None when not reproducible exactly."""
        headers = _headers(jpeg)
        if headers is None:
            return None
        quant, comps, (width, height) = headers
        k = self._kept
        if len(comps) not in (1, 3) or len(self._out) != len(comps):
            return None
        for ci, (_, _, table) in enumerate(comps):  # the tables libjpeg latched, as the filter's
            if table not in quant or list(k.quant[ci]) != quant[table].tolist():
                return None
        hmax, vmax = max(c[0] for c in comps), max(c[1] for c in comps)
        out_h, out_w = -(-height // 8), -(-width // 8)
        planes = []
        for ci, (h, v, _) in enumerate(comps):
            s, bh, bw = k.scale[ci], k.bh[ci], k.bw[ci]
            if not bh or hmax % h or vmax % v or (s == 2) != ((hmax // h, vmax // v) == (2, 2)):
                return None  # luma at half both ways: not kept (reproducible() says no)
            plane = self._out[ci][: bh * bw * s * s].reshape(bh * s, bw * s)
            if s == 1:
                plane = plane.repeat(vmax // v, 0).repeat(hmax // h, 1)
            plane = plane[:out_h, :out_w]
            if plane.shape != (out_h, out_w):
                return None
            planes.append(plane)
        if len(planes) == 1:
            return planes[0].copy()
        y, cb, cr = (p.astype(np.int32) for p in planes)
        cb, cr = cb - 128, cr - 128
        half = 1 << (_RGB - 1)
        r = y + ((_fix(1.40200) * cr + half) >> _RGB)
        g = y + ((-_fix(0.34414) * cb - _fix(0.71414) * cr + half) >> _RGB)
        b = y + ((_fix(1.77200) * cb + half) >> _RGB)
        rgb: np.ndarray = np.clip(np.dstack((r, g, b)), 0, 255).astype(np.uint8)
        return rgb


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
                natural = np.empty(64, np.int16)  # libjpeg's table of C shorts
                natural[_ZIGZAG] = raw.astype(np.int16)
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
