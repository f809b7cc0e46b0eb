"""Lossless JPEG transforms: turn an EXIF-rotated JPEG upright by moving its DCT blocks
(ingest), and cut a print picture out of a master without decoding it (render.print).

Rotations run in process, never as a subprocess on a user's file: in pressroom's own kernel
(``_rotate.c``, on libjpeg's API) where it was built, else in libjpeg-turbo's ``tjTransform``
(the engine of ``jpegtran``) through the ctypes binding in `pressroom.turbojpeg`; both write
the same bytes. The entropy-coded data is decoded to coefficients, the 8x8 blocks are moved
(and, within a block, transposed or sign-flipped) and the coefficients are entropy-coded
again. No pixel is requantised, so the master keeps exactly the camera's compressed detail,
at a fraction of the cost of decode + rotate + re-encode. The kernel moves the blocks in
tiles: tjTransform fills each destination row from one block of every source row, and for a
12-MP photo that copy cost 15-70 ms of its 75-125 ms in the orientations that transpose.
Crops (`crop`) stay with tjTransform.

Only *perfect* transforms are accepted (``TJXOPT_PERFECT``). A transform that has to move a
partial MCU (the right or bottom edge when the width or height is not a multiple of the
8/16-pixel MCU) to the top or left is impossible in the DCT domain: without PERFECT libjpeg
leaves those edge blocks where they were (a visibly wrong strip), and ``TJXOPT_TRIM`` would
drop up to 15 pixel rows/columns of the photo. Either breaks "pixels equal to a full-decode
rotation", so then :func:`transform` returns None and the caller decodes, rotates and
re-encodes as before. Transpose (orientation 5) moves no edge and is always perfect.

All markers are dropped (``TJXOPT_COPYNONE``), as every master is stripped: libjpeg writes
the JFIF (YCbCr, grey) or Adobe (RGB) marker its colour space needs, and nothing else. The
EXIF orientation goes with the EXIF, so no reader can rotate the result a second time.

Cost: the transform Huffman-decodes every coefficient, moves them and Huffman-encodes them
again (standard tables, baseline). libjpeg allocates whole-image coefficient arrays for the
source and, for rotations, the destination (2 bytes per sample: ~36-48 MB each for 12 MP)
on every call, and glibc hands them back to the kernel on free; in a VM each 4 KB page
fault costs microseconds, so page faults are a large share of the CPU time. A worker that
keeps freed memory (GLIBC_TUNABLES=glibc.malloc.trim_threshold=...:glibc.malloc.
mmap_threshold=..., or glibc.malloc.hugetlb=1 for transparent huge pages) pays far less;
that is a process-wide choice for the deployment, not something this module does.
"""

from __future__ import annotations

import ctypes
import importlib
from dataclasses import dataclass
from types import ModuleType

from .capabilities import fallback
from .turbojpeg import FILTER, Region, Transform, TurboJPEGUnavailable, call, error
from .turbojpeg import available as _turbojpeg_available

_rotate: ModuleType | None
try:  # pressroom/_rotate.c, built with the package where libjpeg's headers were found
    _rotate = importlib.import_module(f"{__package__}._rotate")
except ImportError:
    _rotate = None

__all__ = [
    "OPS",
    "Filter",
    "crop",
    "TransformError",
    "TurboJPEGUnavailable",
    "available",
    "transform",
]

# enum TJXOP (turbojpeg.h)
TJXOP_NONE, TJXOP_HFLIP, TJXOP_VFLIP, TJXOP_TRANSPOSE = 0, 1, 2, 3
TJXOP_TRANSVERSE, TJXOP_ROT90, TJXOP_ROT180, TJXOP_ROT270 = 4, 5, 6, 7
# transform options
TJXOPT_PERFECT = 1
TJXOPT_TRIM = 2
TJXOPT_CROP = 4
TJXOPT_COPYNONE = 64
# flags
TJFLAG_STOPONWARNING = 8192  # a "Corrupt JPEG data" warning is an error, not garbage blocks
TJFLAG_LIMITSCANS = 32768  # refuse progressive files with absurd scan counts (a known CPU DoS)

# EXIF orientation -> the operation that makes the stored pixels upright (what jpegtran
# -rotate/-flip and libvips autorot do). ROT90 is clockwise.
OPS: dict[int, int] = {
    2: TJXOP_HFLIP,
    3: TJXOP_ROT180,
    4: TJXOP_VFLIP,
    5: TJXOP_TRANSPOSE,
    6: TJXOP_ROT90,
    7: TJXOP_TRANSVERSE,
    8: TJXOP_ROT270,
}


def available() -> bool:
    """True when transform() can turn a JPEG losslessly: with pressroom's own kernel
    (_rotate.c, on libjpeg) or libturbojpeg's tjTransform. crop() needs libturbojpeg."""
    return _rotate is not None or _turbojpeg_available()


class TransformError(ValueError):
    """libjpeg-turbo refused the file for a reason other than an imperfect transform
    (corrupt or truncated data, an unsupported sampling). A ValueError, so the ingest
    pipeline reports it as a corrupt upload like any decoder failure."""


@dataclass(frozen=True)
class Filter:
    """A TurboJPEG custom filter written in C (the address of its function, e.g.
    pressroom/ingest/_blocks.c's) and the `data` pointer tjTransform hands it with each row
    of the result's blocks. A Python callback would cost ~10 us a row, ~9 ms a 12-MP photo."""

    function: int
    data: int


def transform(jpeg: bytes, orientation: int, blocks: Filter | None = None) -> bytes | None:
    """The upright JPEG for a JPEG whose EXIF orientation is 2-8, losslessly.

    `blocks`, when given, is shown every row of the upright result's blocks on the way
    (jpeg_dc.Eighth keeps what a 1/8-scale decode reads, so nothing decodes the data twice).

    Returns the input unchanged for orientation 1 (or 0, which EXIF does not define), and
    None when no perfect transform exists (a partial MCU would have to move to the top or
    left edge): the caller then decodes, rotates and re-encodes. The result carries no
    metadata at all. Raises TransformError for data libjpeg cannot read, and
    TurboJPEGUnavailable when neither the kernel nor libturbojpeg is there.

    Both paths release the GIL for the duration of the call (each with state of its own),
    so threads transform in parallel.
    """
    if orientation in (0, 1):
        return jpeg
    op = OPS.get(orientation)
    if op is None:
        raise ValueError(f"EXIF orientation {orientation} is not 1-8")
    if _rotate is not None:  # the same bytes as tjTransform's, its blocks moved in tiles
        function, data = (blocks.function, blocks.data) if blocks is not None else (0, 0)
        try:
            turned: bytes | None = _rotate.rotate(jpeg, orientation, function, data)
        except ValueError as exc:
            raise TransformError(f"rotate: {exc}") from None
        return turned
    fallback("C kernel _rotate")
    xf = Transform()
    xf.op = op
    xf.options = TJXOPT_PERFECT | TJXOPT_COPYNONE
    if blocks is not None:
        xf.customFilter, xf.data = FILTER(blocks.function), blocks.data
    return _run(jpeg, xf)


def crop(jpeg: bytes, x: int, y: int, w: int, h: int) -> tuple[bytes, int, int]:
    """The blocks of `jpeg` that cover the pixels x, y, w, h, losslessly: (the cropped JPEG,
    and where its top-left pixel lies in `jpeg`). A crop can only start on the MCU grid (8 or
    16 px), so it grows left and up to the grid: up to 15 more pixels the caller hides.
    Raises TransformError for data libjpeg-turbo cannot read or a region outside the image."""
    mcu_w, mcu_h = _mcu(jpeg)
    x0, y0 = x - x % mcu_w, y - y % mcu_h
    xf = Transform()
    xf.op = TJXOP_NONE
    xf.options = TJXOPT_CROP | TJXOPT_COPYNONE
    xf.r = Region(x0, y0, x + w - x0, y + h - y0)
    out = _run(jpeg, xf)
    assert out is not None  # only a transposing op can be imperfect
    return out, x0, y0


# TJSAMP_* -> the MCU's width and height in pixels (tjMCUWidth / tjMCUHeight)
_MCU = {0: (8, 8), 1: (16, 8), 2: (16, 16), 3: (8, 8), 4: (8, 16), 5: (32, 8)}


def _mcu(jpeg: bytes) -> tuple[int, int]:
    w, h, sub, space = (ctypes.c_int() for _ in range(4))
    with call("tjInitDecompress") as (lib, handle, _, _):
        args = (ctypes.byref(w), ctypes.byref(h), ctypes.byref(sub), ctypes.byref(space))
        if lib.tjDecompressHeader3(handle, jpeg, len(jpeg), *args) != 0:
            raise TransformError(f"tjDecompressHeader3: {error(lib, handle)}")
    if sub.value not in _MCU:
        raise TransformError(f"no lossless crop for chroma subsampling {sub.value}")
    return _MCU[sub.value]


def _run(jpeg: bytes, xf: Transform) -> bytes | None:
    """One tjTransform: None when it is not perfect (TJXOPT_PERFECT)."""
    if not isinstance(jpeg, bytes):
        jpeg = bytes(jpeg)
    with call("tjInitTransform") as (lib, handle, dst, size):
        rc = lib.tjTransform(
            handle,
            jpeg,
            len(jpeg),
            1,
            ctypes.byref(dst),
            ctypes.byref(size),
            ctypes.byref(xf),
            TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS,
        )
        if rc != 0:
            message = error(lib, handle)
            if "not perfect" in message:
                return None
            raise TransformError(f"tjTransform: {message}")
        return ctypes.string_at(dst, size.value)
