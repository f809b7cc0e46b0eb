"""The pixels of one placement: the master cropped and resampled to exactly the target ppi of
its placed size (never upsampled), JPEG q>=90; or, for an RGB page, the master's own JPEG
blocks wherever they give at most OWN_PPI_FACTOR x the target ppi in the frame: the whole
master, or its crop cut losslessly in the DCT domain (jpegtran.crop), nothing decoded or
requantised. A RIP resamples every picture to its device anyway, and prepress guides ask for
300-450 ppi (1.5x) and flag more: beyond that the picture is resampled to the target.
Masters decode once, shrink-on-load where the JPEG allows it.

JPEG masters decode through simplejpeg into this thread's reused buffer (render/jpeg.py),
then libvips crops, resamples and encodes: the same pixels as libvips' own JPEG loader for
40% less CPU.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pyvips

from ... import jpegtran
from ...capabilities import fallback
from ...imaging import jpeg_shrink, resize_exact
from ...printers.colour import separate
from ...printers.model import Printer
from ...products.book import Placement
from ...products.model import Rect
from ..jpeg import decode, is_jpeg, jpeg_header

JPEG_Q = 92  # >= 90: libvips keeps full chroma resolution
OWN_PPI_FACTOR = 1.5  # the master's own pixels up to 1.5x the target ppi (450 at 300)


@dataclass
class PlacedImage:
    data: bytes  # JPEG stream for the PDF
    width: int
    height: int
    bands: int  # 1 grey, 3 sRGB, 4 CMYK
    passthrough: bool  # the master's own blocks, not a re-encode
    # The placement's crop within these pixels (x, y, w, h) when they reach beyond it (a
    # lossless crop starts on the MCU grid): drawn clipped to the frame. None: all of them.
    window: tuple[float, float, float, float] | None = None

    def extent(self, frame: Rect) -> Rect:
        """Where the picture is drawn for its frame: the frame itself, or beyond it, at the
        same scale, when the pixels reach past the crop (window)."""
        if self.window is None:
            return frame
        wx, wy, ww, wh = self.window
        sx, sy = frame.w / ww, frame.h / wh  # mm per pixel
        return Rect(frame.x - wx * sx, frame.y - wy * sy, self.width * sx, self.height * sy)

    def pixels(self, max_side: int = 0) -> pyvips.Image:
        """Decoded again for the preview, shrinking on load to about max_side."""
        side = max(self.width, self.height)
        shrink = jpeg_shrink(side, side, max_side, max_side) if max_side else 1
        return decode(self.data, shrink)


def load_crop(
    data: bytes, src_w: int, crop: tuple[float, float, float, float], out_w: int, out_h: int
) -> pyvips.Image:
    """Decode just enough of the master (src_w wide) for an out_w x out_h picture of the crop.
    The image lives in this thread's scratch buffer: use it before the next load_crop."""
    x, y, w, h = crop
    shrink = jpeg_shrink(w, h, out_w, out_h) if is_jpeg(data) else 1
    img = decode(data, shrink, scratch=True, access="sequential")
    sx = sy = img.width / src_w
    left, top = int(x * sx), int(y * sy)
    cw = max(1, min(img.width - left, round(w * sx)))
    ch = max(1, min(img.height - top, round(h * sy)))
    if (left, top, cw, ch) != (0, 0, img.width, img.height):
        img = img.crop(left, top, cw, ch)
    return resize_exact(img, out_w, out_h)


def _own_ppi(placement: Placement) -> float:
    """The ppi the crop's own pixels give in the frame (the larger of the two axes)."""
    c, r = placement.crop, placement.image
    return max(c.w / (r.w / 25.4), c.h / (r.h / 25.4))


def _own_blocks(master: bytes, placement: Placement) -> PlacedImage | None:
    """The master's own JPEG blocks for the placement: whole, or cut losslessly. None for a
    master that is not a YCbCr or grey JPEG."""
    header = jpeg_header(master)
    if header is None or header[2] not in ("Gray", "YCbCr"):
        return None
    width, height, space = header
    c = placement.crop
    x, y = math.floor(c.x + 1e-6), math.floor(c.y + 1e-6)
    x1 = min(width, math.ceil(c.x + c.w - 1e-6))
    y1 = min(height, math.ceil(c.y + c.h - 1e-6))
    if (x, y, x1, y1) == (0, 0, width, height):
        data, x0, y0 = master, 0, 0
    else:
        try:
            data, x0, y0 = jpegtran.crop(master, x, y, x1 - x, y1 - y)
        except jpegtran.TurboJPEGUnavailable:
            fallback("libturbojpeg")  # the picture is re-encoded: say so, once
            return None
        except jpegtran.TransformError:
            return None  # decoded, cropped and re-encoded as any other picture
    w, h = x1 - x0, y1 - y0
    window = (c.x - x0, c.y - y0, c.w, c.h)
    whole = window == (0, 0, w, h)
    return PlacedImage(data, w, h, 1 if space == "Gray" else 3, True, None if whole else window)


def _srgb(img: pyvips.Image) -> pyvips.Image:
    if img.hasalpha():
        img = img.flatten(background=255)  # PNG masters with alpha: print on white paper
    if img.bands < 3:
        img = img.colourspace("srgb")
    if img.format != "uchar":
        img = img.cast("uchar")
    return img


def bake_bands(
    img: pyvips.Image, image_rect: Rect, bands: Sequence[tuple[Rect, tuple[float, ...]]]
) -> pyvips.Image:
    """Composite translucent bands (page rect, sRGB + alpha) into the picture's own pixels.

    A CMYK print file gets the band as part of the separated picture: PDF/X-1a allows no
    transparency, and the preview decodes the same pixels, so both show the same band."""
    sx, sy = img.width / image_rect.w, img.height / image_rect.h
    for rect, rgba in bands:
        r = rect.intersect(image_rect)
        if r.w <= 0 or r.h <= 0:
            continue
        x0, y0 = round((r.x - image_rect.x) * sx), round((r.y - image_rect.y) * sy)
        x1 = min(img.width, round((r.x1 - image_rect.x) * sx))
        y1 = min(img.height, round((r.y1 - image_rect.y) * sy))
        if x1 <= x0 or y1 <= y0:
            continue
        a = rgba[3]
        part = img.crop(x0, y0, x1 - x0, y1 - y0) * (1 - a) + [255 * c * a for c in rgba[:3]]
        img = img.insert(part.cast("uchar"), x0, y0)
    return img


def prepare(
    placement: Placement,
    master: bytes,
    target_ppi: float,
    printer: Printer | None = None,
    bands: Sequence[tuple[Rect, tuple[float, ...]]] = (),
) -> PlacedImage:
    """The placement's pixels for this printer: sRGB (rgb printers), or separated for a cmyk
    printer's press (BPC and its ink limit), with any `bands` composited in first."""
    cmyk = printer is not None and printer.is_cmyk
    out_w, out_h = placement.target_px(target_ppi)
    c = placement.crop
    own_ok = _own_ppi(placement) <= OWN_PPI_FACTOR * target_ppi
    if own_ok and not cmyk and not bands and is_jpeg(master):
        own = _own_blocks(master, placement)
        if own is not None:
            return own
    img = _srgb(load_crop(master, placement.src_w, (c.x, c.y, c.w, c.h), out_w, out_h))
    if bands:
        img = bake_bands(img, placement.image, bands)
    if cmyk:
        assert printer is not None
        img = separate(img, printer)
    # Straight from the decode through the resample into the encoder: no full copy in memory.
    data = img.jpegsave_buffer(Q=JPEG_Q, keep="none")
    return PlacedImage(data, out_w, out_h, img.bands, False)
