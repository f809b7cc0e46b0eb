"""Our own JPEGs (masters, renditions, proxies, print pictures) decoded through simplejpeg:
libjpeg-turbo's TurboJPEG API in one call with the GIL released, into memory, then handed to
libvips. The same pixels as libvips' own JPEG loader (both are libjpeg-turbo with the accurate
IDCT and fancy upsampling) for less than half its CPU on a thumbnail-sized picture: libvips'
loader pays for a line-buffered, region-by-region read and a worker-thread hand-off per strip.
"""

from __future__ import annotations

import threading

import numpy as np
import pyvips
import simplejpeg

# Colour spaces simplejpeg decodes to the same pixels libvips would (CMYK/YCCK stay with
# libvips, which knows Adobe's inverted CMYK).
_FAST = {"YCbCr": "RGB", "RGB": "RGB", "Gray": "GRAY"}

_scratch = threading.local()


def is_jpeg(data: bytes) -> bool:
    return data[:3] == b"\xff\xd8\xff"


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the JPEG's header; None when simplejpeg cannot read it."""
    header = jpeg_header(data)
    return None if header is None else header[:2]


def jpeg_header(data: bytes) -> tuple[int, int, str] | None:
    """(width, height, colour space: "Gray", "YCbCr", "CMYK", ...) from the JPEG's header,
    without libvips (whose operation cache would keep the buffer); None if unreadable."""
    try:
        h, w, space, _ = simplejpeg.decode_jpeg_header(data)
    except ValueError:
        return None
    return w, h, space


def _scratch_buffer(size: int) -> np.ndarray:
    """This thread's decode buffer, grown as needed and kept: a fresh 36 MB array per 12-MP
    page costs ~9,000 page faults (a fifth of the page's CPU in a VM) when glibc unmaps it."""
    buf = getattr(_scratch, "buf", None)
    if buf is None or buf.size < size:
        buf = _scratch.buf = np.empty(size, np.uint8)
    return buf


def decode(data: bytes, shrink: int = 1, *, scratch: bool = False, **vips: object) -> pyvips.Image:
    """A master (or our own JPEG) decoded at 1/shrink (a JPEG_SHRINKS factor; only JPEGs
    shrink on load). vips: options for libvips' loader when it is the one decoding.

    scratch: decode into this thread's reused buffer; the image is then only valid until the
    thread's next scratch decode (the caller encodes it before then)."""
    if is_jpeg(data):
        try:
            h, w, space, _ = simplejpeg.decode_jpeg_header(data)
        except ValueError:
            space = None
        if space in _FAST:
            # min_* = the 1/shrink size (sides rounded up, as libjpeg does) and min_factor
            # keep simplejpeg on that power-of-two factor, never a slower M/8 one.
            sw, sh = -(-w // shrink), -(-h // shrink)
            size = sw * sh * (1 if space == "Gray" else 3)
            try:
                arr = simplejpeg.decode_jpeg(
                    data,
                    _FAST[space],
                    min_width=sw,
                    min_height=sh,
                    min_factor=shrink,
                    buffer=_scratch_buffer(size) if scratch else None,
                )
            except ValueError:  # a libjpeg warning: libvips' loader is the lenient one
                arr = None
            if arr is not None:
                img = pyvips.Image.new_from_memory(arr.data, sw, sh, arr.shape[2], "uchar")
                # libvips' loader rounds a shrunk side down (libjpeg up): keep its size.
                # Always an operation's output (crop of the whole, when nothing is cut):
                # pyvips hands the array's reference on to images made by operations, but
                # copy_memory() of a bare memory image wraps the same pixels without it,
                # and the array would be freed under them.
                vw, vh = max(1, w // shrink), max(1, h // shrink)
                return img.crop(0, 0, vw, vh)
        if shrink > 1:
            vips = {**vips, "shrink": shrink}
    return pyvips.Image.new_from_buffer(data, "", **vips)
