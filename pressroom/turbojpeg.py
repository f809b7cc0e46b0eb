"""libjpeg-turbo's TurboJPEG API, in process through ctypes on Debian's ``libturbojpeg0``:
the binding pressroom's lossless transforms (`jpegtran`) and master encodes (`encode`) share.
Never a subprocess on a user's file. The library is loaded once, lazily (importing this
module costs nothing); each call takes a handle of its own (a handle is not thread-safe) and
ctypes releases the GIL for its duration, so threads work in parallel.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = [
    "FILTER",
    "Region",
    "Transform",
    "TurboJPEGUnavailable",
    "available",
    "call",
    "encode",
    "error",
    "load",
]

_INSTALL_HINT = (
    "lossless JPEG rotation and master encodes need libjpeg-turbo's TurboJPEG library: "
    "apt-get install libturbojpeg0 (Debian/Ubuntu), dnf install turbojpeg (Amazon Linux, Fedora), "
    "brew install jpeg-turbo (macOS); or set PRESSROOM_TURBOJPEG to its path"
)


class TurboJPEGUnavailable(RuntimeError):
    """libturbojpeg could not be loaded."""


class Region(ctypes.Structure):
    _fields_ = [("x", ctypes.c_int), ("y", ctypes.c_int), ("w", ctypes.c_int), ("h", ctypes.c_int)]


class Transform(ctypes.Structure):
    pass


FILTER = ctypes.CFUNCTYPE(
    ctypes.c_int,
    ctypes.c_void_p,  # the row's coefficients: an address is cheaper than a POINTER object
    Region,
    Region,
    ctypes.c_int,
    ctypes.c_int,
    ctypes.POINTER(Transform),
)
Transform._fields_ = [
    ("r", Region),
    ("op", ctypes.c_int),
    ("options", ctypes.c_int),
    ("data", ctypes.c_void_p),
    ("customFilter", FILTER),
]


def _candidates() -> list[str]:
    override = os.environ.get("PRESSROOM_TURBOJPEG")
    if override:
        return [override]
    names: list[str] = []
    if sys.platform == "darwin":
        for prefix in ("/opt/homebrew/opt/jpeg-turbo/lib", "/usr/local/opt/jpeg-turbo/lib"):
            names.append(f"{prefix}/libturbojpeg.0.dylib")
        names.append("libturbojpeg.0.dylib")
        return names
    # Absolute paths first: a bare soname would resolve to any copy of libturbojpeg some
    # other extension already loaded; the distribution's package is the one we vouch for.
    # (ctypes.util.find_library is avoided: it runs ldconfig/gcc in a subprocess.)
    for libdir in (
        "/usr/lib/x86_64-linux-gnu",
        "/usr/lib/aarch64-linux-gnu",
        "/usr/lib64",
        "/usr/lib",
        "/usr/local/lib",
        "/opt/libjpeg-turbo/lib64",
    ):
        names.append(f"{libdir}/libturbojpeg.so.0")
    names.append("libturbojpeg.so.0")
    return names


_lock = threading.Lock()
_loaded: ctypes.CDLL | None = None
_load_error: str | None = None


def load() -> ctypes.CDLL:
    """Load libturbojpeg once per process (lazily: importing this module costs nothing)."""
    global _loaded, _load_error
    if _loaded is not None:
        return _loaded
    with _lock:
        if _loaded is not None:
            return _loaded
        if _load_error is not None:
            raise TurboJPEGUnavailable(_load_error)
        tried: list[str] = []
        for name in _candidates():
            try:
                lib = ctypes.CDLL(name)
                lib.tjTransform  # noqa: B018 - a libjpeg without the TurboJPEG API won't do
            except (OSError, AttributeError) as exc:
                tried.append(f"{name}: {exc}")
                continue
            _declare(lib)
            _loaded = lib
            return lib
        _load_error = f"{_INSTALL_HINT} (tried {'; '.join(tried)})"
        raise TurboJPEGUnavailable(_load_error)


def _declare(lib: ctypes.CDLL) -> None:
    lib.tjInitTransform.restype = ctypes.c_void_p
    lib.tjInitTransform.argtypes = []
    lib.tjTransform.restype = ctypes.c_int
    lib.tjTransform.argtypes = [
        ctypes.c_void_p,  # handle
        ctypes.c_char_p,  # jpegBuf (read only; a bytes object is passed without a copy)
        ctypes.c_ulong,  # jpegSize
        ctypes.c_int,  # n
        ctypes.POINTER(ctypes.POINTER(ctypes.c_ubyte)),  # dstBufs
        ctypes.POINTER(ctypes.c_ulong),  # dstSizes
        ctypes.POINTER(Transform),  # transforms
        ctypes.c_int,  # flags
    ]
    lib.tjInitDecompress.restype = ctypes.c_void_p
    lib.tjInitDecompress.argtypes = []
    lib.tjDecompressHeader3.restype = ctypes.c_int
    lib.tjDecompressHeader3.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.c_ulong,
        *[ctypes.POINTER(ctypes.c_int)] * 4,  # width, height, subsampling, colour space
    ]
    lib.tjInitCompress.restype = ctypes.c_void_p
    lib.tjInitCompress.argtypes = []
    lib.tjCompress2.restype = ctypes.c_int
    lib.tjCompress2.argtypes = [
        ctypes.c_void_p,  # handle
        ctypes.c_void_p,  # srcBuf: packed rows
        *[ctypes.c_int] * 4,  # width, pitch, height, pixel format
        ctypes.POINTER(ctypes.POINTER(ctypes.c_ubyte)),  # jpegBuf
        ctypes.POINTER(ctypes.c_ulong),  # jpegSize
        *[ctypes.c_int] * 3,  # subsampling, quality, flags
    ]
    lib.tjFree.restype = None
    lib.tjFree.argtypes = [ctypes.POINTER(ctypes.c_ubyte)]
    lib.tjDestroy.restype = ctypes.c_int
    lib.tjDestroy.argtypes = [ctypes.c_void_p]
    lib.tjGetErrorStr2.restype = ctypes.c_char_p
    lib.tjGetErrorStr2.argtypes = [ctypes.c_void_p]


def available() -> bool:
    """True when libturbojpeg loads (for a caller that prefers falling back to failing)."""
    try:
        load()
    except TurboJPEGUnavailable:
        return False
    return True


_PIXEL_FORMAT = {3: 0, 1: 6}  # bands -> TJPF_RGB, TJPF_GRAY
_SAMPLING = {"444": 0, "420": 2, "grey": 3}  # TJSAMP_*
TJFLAG_ACCURATEDCT = 4096


def encode(pixels: Any, width: int, height: int, bands: int, quality: int, chroma: str) -> bytes:
    """8-bit RGB or grey pixels (packed rows) as a baseline JPEG with a JFIF marker and
    nothing else: libjpeg's accurate integer DCT, standard Huffman tables, `chroma` "444"
    or "420". Decoded, the same pixels as libvips' jpegsave at the same settings, for ~4/5 of
    its CPU (benchmarks/bench_ingest.py: 12 MP at q92 4:2:0, 32.5 against 41.3 ms); libvips
    hands every strip to a worker thread."""
    import numpy as np

    src = np.frombuffer(pixels, np.uint8)  # any buffer (libvips' write_to_memory), no copy
    if src.size != width * height * bands or bands not in _PIXEL_FORMAT:
        raise ValueError(f"{src.size} bytes are not {width}x{height}x{bands} pixels")
    sampling = _SAMPLING["grey" if bands == 1 else chroma]
    with call("tjInitCompress") as (lib, handle, dst, size):
        if lib.tjCompress2(handle, src.ctypes.data, width, 0, height, _PIXEL_FORMAT[bands],
                           ctypes.byref(dst), ctypes.byref(size), sampling, quality,
                           TJFLAG_ACCURATEDCT) != 0:  # fmt: skip
            raise RuntimeError(f"tjCompress2: {error(lib, handle)}")
        return ctypes.string_at(dst, size.value)


@contextmanager
def call(init: str) -> Iterator[tuple[ctypes.CDLL, int, Any, ctypes.c_ulong]]:
    """A TurboJPEG handle of its own (a handle is not thread-safe) and an output buffer for
    one call; both freed after it."""
    lib = load()
    handle = getattr(lib, init)()
    if not handle:
        raise MemoryError(f"{init} failed")
    dst = ctypes.POINTER(ctypes.c_ubyte)()
    try:
        yield lib, handle, dst, ctypes.c_ulong(0)
    finally:
        if dst:
            lib.tjFree(dst)
        lib.tjDestroy(handle)


def error(lib: ctypes.CDLL, handle: int) -> str:
    return (lib.tjGetErrorStr2(handle) or b"").decode("utf-8", "replace")
